"""Verify the hash chain of every case (or one) and the administration log, with a progress bar;
non-zero exit on a break."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from engine.audit import verify_case
from engine.models import Case
from engine.services.administration import verify_admin_log


class Command(BaseCommand):
    help = "校验审计链：逐案重算哈希链并校验管理日志，发现篡改时以非零状态退出并指出案件（或管理日志）与首个异常序号。"

    def add_arguments(self, parser):
        parser.add_argument("--case", help="只校验这一个案件（UUID 或案件编号）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出每个案件的结果")

    def handle(self, *args, case=None, json=False, **options):
        cases = Case.objects.order_by("started_at", "pk")
        if case:
            cases = cases.filter(reference=case) if not _looks_like_uuid(case) else cases.filter(pk=case)
            if not cases.exists():
                raise CommandError(f"案件不存在：{case}")
        broken = []
        total = cases.count()
        progress = tqdm(cases.iterator(), total=total, desc="校验审计链", unit="案", disable=json or total < 2,
                        file=self.stderr._out)  # fmt: skip
        for item in progress:
            report = verify_case(item)
            if json:
                self.stdout.write(_dumps(report.as_dict() | {"reference": item.reference}))
            if not report.ok:
                broken.append((item, report))
        for item, report in broken:
            self.stderr.write(
                f"审计链断裂：案件 {item.reference} ({item.pk}) 第 {report.first_bad_sequence} 条：{report.problem}"
            )
        log = verify_admin_log() if not case else None
        if log is not None and json:
            self.stdout.write(_dumps(log.as_dict()))
        if log is not None and not log.ok:
            self.stderr.write(f"管理日志断裂：第 {log.first_bad_sequence} 条：{log.problem}")
        if broken or (log is not None and not log.ok):
            failed = [f"{len(broken)} / {total} 个案件的审计链校验失败"] if broken else []
            failed += ["管理日志校验失败"] if log is not None and not log.ok else []
            raise CommandError("；".join(failed), returncode=2)
        if not json:
            self.stdout.write(self.style.SUCCESS(f"审计链完好：{total} 个案件全部通过校验"))
            if log is not None:
                self.stdout.write(self.style.SUCCESS(f"管理日志完好：{log.events} 条"))


def _looks_like_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
