"""Drive cases from the shell through the same services as the API: start, tasks, claim,
complete, show, cancel, acting as a named user,
at the server's time (engine.clock): no command takes a time of its own."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from engine import clock
from engine import exceptions as exc
from engine import services
from engine.management.commands.replay_case import find_case
from engine.models import Case, Organization, WorkItem


class Command(BaseCommand):
    help = "命令行办案：case start|tasks|claim|unclaim|complete|message|show|cancel（以指定用户身份，经同一套服务）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        start = sub.add_parser("start", help="发起案件")
        start.add_argument("--process", help="流程标识")
        start.add_argument("--power", default="", help="权力编码（按权力清单发起）")
        start.add_argument("--org", help="组织编码（默认：第一个乡）")
        for name in ("tasks", "show"):
            p = sub.add_parser(name)
            p.add_argument("case")
        for name in ("claim", "unclaim", "complete"):
            p = sub.add_parser(name)
            p.add_argument("case")
            p.add_argument("task", help="任务 UUID，或环节标识（多实例写作 vote[2] 或 vote@成员账号）")
        message = sub.add_parser("message", help="送达消息（如公示期内的异议）")
        message.add_argument("case")
        message.add_argument("--name", required=True, help="消息名，如 objection")
        cancel = sub.add_parser("cancel")
        cancel.add_argument("case")
        cancel.add_argument("--reason", required=True)
        for p in [start, *(sub.choices[n] for n in ("tasks", "show", "claim", "unclaim", "complete", "message", "cancel"))]:
            p.add_argument("--as", dest="actor", help="以该用户身份办理")
            p.add_argument("--data", default="{}", help="JSON 数据")

    def handle(self, *args, action: str, **options):
        handler = getattr(self, f"do_{action}")
        try:
            handler(**options)
        except exc.EngineError as error:
            fields = f" {json.dumps(error.fields, ensure_ascii=False)}" if error.fields else ""
            raise CommandError(f"[{error.code}] {error}{fields}") from error

    # --- actions ---------------------------------------------------------------------

    def do_start(self, *, process=None, power="", org=None, actor=None, data="{}", **_):
        if power and not process:
            from processes.selectors import process_id_for_power

            process = process_id_for_power(power)
        if not process:
            raise CommandError("需要 --process 或 --power")
        organization = self._organization(org)
        case = services.start_case(process_id=process, actor=self._user(actor), organization=organization,
                                   now=clock.now(), data=self._json(data), power_code=power)  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"已立案 {case.reference}  {case.pk}"))
        self._tasks(case)

    def do_tasks(self, *, case, **_):
        self._tasks(find_case(case))

    def do_show(self, *, case, **_):
        target = find_case(case)
        w = self.stdout.write
        w(f"{target.reference}  {target.pk}\n  流程 {target.definition}  状态 {target.get_status_display()}")
        w(f"  组织 {target.organization}  发起 {localtime(target.started_at):%Y-%m-%d %H:%M}  "
          f"审计事件 {target.last_sequence} 条")
        for event in target.audit_events.order_by("sequence"):
            where = f" {event.bpmn_id}" + (f"[{event.mi_index}]" if event.mi_index else "") if event.bpmn_id else ""
            w(f"  #{event.sequence:<3} {localtime(event.at):%Y-%m-%d %H:%M} {event.actor_name:<10} "
              f"{event.get_kind_display()}{where}"
              f"  {json.dumps(event.payload.get('data', event.payload), ensure_ascii=False)}")
        self._tasks(target)

    def do_claim(self, *, case, task, actor=None, **_):
        target = find_case(case)
        updated = services.claim_task(target.pk, task_id=self._task(target, task), actor=self._user(actor),
                                      now=clock.now())  # fmt: skip
        self.stdout.write(self.style.SUCCESS("已认领"))
        self._tasks(updated)

    def do_unclaim(self, *, case, task, actor=None, **_):
        target = find_case(case)
        updated = services.unclaim_task(target.pk, task_id=self._task(target, task), actor=self._user(actor),
                                        now=clock.now())  # fmt: skip
        self.stdout.write(self.style.SUCCESS("已退回"))
        self._tasks(updated)

    def do_complete(self, *, case, task, actor=None, data="{}", **_):
        target = find_case(case)
        updated = services.complete_task(target.pk, task_id=self._task(target, task), actor=self._user(actor),
                                         data=self._json(data), now=clock.now())  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"已办理，案件状态：{updated.get_status_display()}"))
        self._tasks(updated)

    def do_message(self, *, case, name, actor=None, data="{}", **_):
        target = find_case(case)
        user = self._user(actor) if actor else None
        updated = services.send_message(target.pk, name=name, data=self._json(data), actor=user, now=clock.now())
        self.stdout.write(self.style.SUCCESS(f"已送达“{name}”"))
        self._tasks(updated)

    def do_cancel(self, *, case, reason, actor=None, **_):
        target = find_case(case)
        updated = services.cancel_case(target.pk, actor=self._user(actor), reason=reason, now=clock.now())
        self.stdout.write(self.style.SUCCESS(f"已撤销 {updated.reference}"))

    # --- helpers ---------------------------------------------------------------------

    def _tasks(self, case: Case) -> None:
        items = list(WorkItem.objects.filter(case=case).select_related("claimed_by"))
        if case.status != Case.Status.RUNNING:
            self.stdout.write(f"  案件{case.get_status_display()}，无待办")
            return
        self.stdout.write("  待办：" if items else "  待办：无（等待定时或外部消息）")
        for item in items:
            index = f"[{item.mi_index}]" if item.mi_index else ""
            who = f" 指定 {item.member}" if item.member else ""
            claimed = f" 已由 {item.claimed_by.get_username()} 认领" if item.claimed_by else ""
            self.stdout.write(f"    {item.bpmn_id}{index:<4} {item.name}  岗位 {item.lane}{who}{claimed}  {item.task_id}")

    def _task(self, case: Case, value: str) -> Any:
        items = WorkItem.objects.filter(case=case)
        if "@" in value:
            bpmn_id, member = value.split("@", 1)
            items = items.filter(bpmn_id=bpmn_id, member=member)
        elif "[" in value and value.endswith("]"):
            bpmn_id, index = value[:-1].split("[", 1)
            items = items.filter(bpmn_id=bpmn_id, mi_index=index)
        elif len(value) == 36:
            return value
        else:
            items = items.filter(bpmn_id=value)
        found = list(items.values_list("task_id", flat=True))
        if len(found) != 1:
            raise CommandError(f"找不到唯一的待办任务：{value}（匹配 {len(found)} 个）")
        return found[0]

    def _user(self, username: str | None):
        if not username:
            raise CommandError("需要 --as 用户名")
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"用户不存在：{username}") from error

    def _organization(self, code: str | None) -> Organization:
        orgs = Organization.objects.filter(code=code) if code else Organization.objects.filter(kind="township")
        organization = orgs.order_by("pk").first()
        if organization is None:
            raise CommandError(f"组织不存在：{code or '（无乡级组织）'}")
        return organization

    def _json(self, text: str) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"--data 不是合法 JSON：{error}") from error
