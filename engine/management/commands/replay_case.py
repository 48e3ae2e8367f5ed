"""Replay a case from its pinned definition and audit events, verifying every step."""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from engine.models import Case
from engine.replay import replay_case


class Command(BaseCommand):
    help = "回放案件：用绑定的流程版本和审计事件重建案件，逐步比对状态摘要；可查看任一步的状态。"

    def add_arguments(self, parser):
        parser.add_argument("case", help="案件 UUID 或案件编号")
        parser.add_argument("--step", type=int, help="回放到第 N 条审计事件为止")
        parser.add_argument("--json", action="store_true", help="输出 JSON 报告")

    def handle(self, *args, case, step=None, json=False, **options):
        target = find_case(case)
        report = replay_case(target, upto=step)
        if json:
            self.stdout.write(_dumps(report.as_dict()))
        else:
            self._print(report)
        if not report.ok:
            raise CommandError("回放校验未通过", returncode=2)

    def _print(self, report) -> None:
        w = self.stdout.write
        w(f"案件 {report.reference}  回放到第 {report.step}/{report.events} 步  状态：{report.status}")
        w(f"  流程定义内容与摘要一致：{'是' if report.definition_intact else '否'}")
        chain = report.chain
        w(f"  审计链：{'完好' if chain['ok'] else '断裂于第 %s 条（%s）' % (chain['first_bad_sequence'], chain['problem'])}")
        if report.divergence:
            d = report.divergence
            w(f"  回放分歧：第 {d.sequence} 条事件  期望 {d.expected[:16]}…  实际 {d.actual[:16] or '-'}…  {d.error}")
        else:
            w("  每一步回放的状态摘要均与记录一致")
        w("  已办环节：")
        for t in report.completed_tasks:
            index = f"[{t['mi_index']}]" if t["mi_index"] is not None else ""
            when = localtime(datetime.fromisoformat(t["at"])).strftime("%Y-%m-%d %H:%M")
            w(f"    #{t['sequence']:<3} {when}  {t['actor']:<10} {t['name']}{index}  {_dumps(t['data'])}")
        w("  当前待办：")
        for t in report.ready_tasks:
            who = t["member"] or t["lane"] or ""
            w(f"    {t['name']} ({t['bpmn_id']}{'[' + t['mi_index'] + ']' if t['mi_index'] else ''})  {who}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("回放校验通过"))


def find_case(value: str) -> Case:
    import uuid

    try:
        return Case.objects.get(pk=uuid.UUID(value))
    except (ValueError, Case.DoesNotExist):
        pass
    try:
        return Case.objects.get(reference=value)
    except Case.DoesNotExist as error:
        raise CommandError(f"案件不存在：{value}") from error


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
