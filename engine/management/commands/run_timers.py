"""The timer worker: fires due BPMN timers and deadline escalations through the services.

Safe to run as several processes on one PostgreSQL (each case is taken with SKIP LOCKED, and
firing is idempotent).
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from engine import clock, services


class Command(BaseCommand):
    help = "定时任务：触发到期的流程定时器（如公示期满）并对超时任务逐级督办。--once 适合 cron。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮")
        parser.add_argument("--interval", type=float, default=30.0, help="两轮之间的秒数")
        parser.add_argument("--at", help="以该时间运行一轮（ISO 8601，用于补跑与演示；隐含 --once）")

    def handle(self, *args, once=False, interval=30.0, at=None, **options):
        fixed = _parse(at) if at else None
        while True:
            now = fixed or clock.now()
            once = once or fixed is not None
            fired = services.fire_due_timers(now=now)
            escalated = services.escalate_overdue(now=now)
            if fired or escalated or once:
                self.stdout.write(f"{now:%Y-%m-%d %H:%M:%S} 触发定时 {fired} 个案件，督办 {escalated} 次")
            if once:
                return
            time.sleep(interval)


def _parse(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--at 不是 ISO 8601 时间：{value}") from error
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)
