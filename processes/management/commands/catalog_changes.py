"""The power list's change sets: list, show, approve or reject (两阅: a leader other than the proposer)."""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from engine import clock
from engine import exceptions as exc
from engine.services import catalog
from processes.models import CatalogChangeSet


class Command(BaseCommand):
    help = "清单变更（两阅）：list 列出、show 查看逐字段明细、approve 批准并发布新版本、reject 驳回。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="列出清单变更与现行版本")
        show = sub.add_parser("show", help="逐字段查看一项清单变更")
        show.add_argument("id", type=int)
        for name in ("approve", "reject"):
            p = sub.add_parser(name)
            p.add_argument("id", type=int)
            p.add_argument("--as", dest="actor", required=True, help="审批人（主要负责人或分管领导，且不是提出人）")
            p.add_argument("--note", required=True, help="审批意见")
            if name == "approve":
                p.add_argument("--effective-from", type=date.fromisoformat, help="生效日期（缺省：今天）")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except exc.EngineError as error:
            raise CommandError(f"[{error.code}] {error}") from error

    def do_list(self, **_):
        version = catalog.current_version()
        self.stdout.write(f"现行清单：第 {version.number} 版，{version.effective_from} 起施行" if version else "尚未发布清单")
        for item in CatalogChangeSet.objects.order_by("pk"):
            self.stdout.write(f"#{item.pk}  {item.get_status_display()}  {item.get_source_display()}  "
                              f"{len(item.changes)} 处  提出人 {item.proposed_by_name}  {item.reason}")  # fmt: skip

    def do_show(self, *, id: int, **_):
        item = CatalogChangeSet.objects.filter(pk=id).first()
        if item is None:
            raise exc.ChangeSetNotFound(change_set=id)
        self.stdout.write(f"#{item.pk}  {item.get_status_display()}  {item.get_source_display()}  提出人 {item.proposed_by_name}")
        for change in item.changes:
            old, new = (_short(change["old"]), _short(change["new"]))
            self.stdout.write(f"  {change['kind']} {change['key']}  {change['field']}：{old} → {new}")

    def do_approve(self, *, id: int, actor: str, note: str, effective_from=None, **_):
        version = catalog.approve(id, actor=_user(actor), note=note, now=clock.now(), effective_from=effective_from)
        self.stdout.write(self.style.SUCCESS(f"已批准清单变更 #{id}，发布第 {version.number} 版，{version.effective_from} 起施行"))

    def do_reject(self, *, id: int, actor: str, note: str, **_):
        catalog.reject(id, actor=_user(actor), note=note, now=clock.now())
        self.stdout.write(self.style.SUCCESS(f"已驳回清单变更 #{id}"))


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "…"


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户不存在：{username}")
    return user
