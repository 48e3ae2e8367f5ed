"""Read the catalog spreadsheets back (XLSX workbook or CSV directory); all-or-nothing.

An accepted import does not change the list: it becomes a proposed change set (两阅) that a
leader other than the proposer approves (`manage.py catalog_changes approve`).
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine import clock
from engine.exceptions import EngineError
from engine.services import catalog
from processes.exchange import CatalogImportError, import_csv, import_xlsx
from processes.models import CatalogChangeSet


class Command(BaseCommand):
    help = gettext_lazy("从 XLSX 工作簿或 CSV 目录导入权力清单；任何一行有误则全部不写入，并列出所有错误")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        self.help = str(self.help)  # argparse needs a str, not a lazy translation
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help=_("XLSX 文件路径，或 CSV 文件所在目录"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查并报告将要发生的变化，不写入"))
        parser.add_argument("--as", dest="actor", help=_("提出人（用户名）"))
        parser.add_argument("--reason", default="", help=_("变更理由（提出清单变更时必填）"))

    def handle(self, *args: Any, source: Path, dry_run: bool, actor: str | None = None, reason: str = "",
               **options: Any) -> None:  # fmt: skip
        if not source.exists():
            raise CommandError(str(_("找不到“%(path)s”") % {"path": source}))
        importer = import_csv if source.is_dir() else import_xlsx
        now = clock.now()
        try:
            if dry_run:
                report = importer(source, dry_run=True, now=now)
                self.stdout.write(str(_("检查通过（未写入）。将发生的变化：")))
                self.stdout.write(report.summary())
                return
            change_set, report = catalog.propose(
                source=CatalogChangeSet.Source.SPREADSHEET, actor=_user(actor), reason=reason, now=now,
                change=lambda: importer(source, now=now),
            )  # fmt: skip
        except CatalogImportError as exc:
            raise CommandError(str(exc)) from exc
        except EngineError as error:
            raise CommandError(f"[{error.code}] {error}") from error
        self.stdout.write(report.summary())
        if change_set is None:
            self.stdout.write(str(_("表格与现行清单一致，未提出变更")))
        else:
            self.stdout.write(str(_("已提出清单变更 #%(id)s（%(n)s 处），待另一位领导审批后生效")
                                  % {"id": change_set.pk, "n": len(change_set.changes)}))  # fmt: skip


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(str(_("用户不存在：%(user)s") % {"user": username}))
    return user
