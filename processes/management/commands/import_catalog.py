"""Read the catalog spreadsheets back (XLSX workbook or CSV directory); all-or-nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.exchange import CatalogImportError, import_csv, import_xlsx


class Command(BaseCommand):
    help = gettext_lazy("从 XLSX 工作簿或 CSV 目录导入权力清单；任何一行有误则全部不写入，并列出所有错误")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        self.help = str(self.help)  # argparse needs a str, not a lazy translation
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help=_("XLSX 文件路径，或 CSV 文件所在目录"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查并报告将要发生的变化，不写入"))

    def handle(self, *args: Any, source: Path, dry_run: bool, **options: Any) -> None:
        if not source.exists():
            raise CommandError(str(_("找不到“%(path)s”") % {"path": source}))
        importer = import_csv if source.is_dir() else import_xlsx
        try:
            report = importer(source, dry_run=dry_run)
        except CatalogImportError as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            self.stdout.write(str(_("检查通过（未写入）。将发生的变化：")))
        self.stdout.write(report.summary())
