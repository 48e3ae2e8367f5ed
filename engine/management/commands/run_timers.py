"""The timer worker: fires due BPMN timers and deadline escalations through the services, and
delivers the notifications they cause.

Safe to run as several processes on one PostgreSQL (each case is taken with SKIP LOCKED, and
firing is idempotent). It outlives database faults (ops.worker: logged retries with backoff) and
writes a heartbeat that /api/health/ checks. Always at the server's time
(engine.clock): a demo database that needs a moved clock sets TOWNSHIP_CLOCK_OFFSET in its environment
(DEBUG only).
"""

from __future__ import annotations

import logging
import signal
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from engine import clock, public_deadlines, services
from engine.evidence import keys, log
from ops import notify
from ops.worker import TimerWorker

logger = logging.getLogger(__name__)


def timer_round(now: datetime) -> dict:
    counts = {"fired": services.fire_due_timers(now=now), "escalated": services.escalate_overdue(now=now),
              "public_escalated": public_deadlines.escalate_public_overdue(now=now)}
    # notifications of what those (and the requests since the last round) committed
    counts = {**counts, "notified": notify.collect(now=now), "sent": notify.deliver_due(now=now)}
    # a signed checkpoint of the transparency log when it grew and the last one is old enough
    return {**counts, "checkpoint": _checkpoint(now)}


class Command(BaseCommand):
    help = "定时任务：触发到期的流程定时器（如公示期满）并对超时任务逐级督办。--once 适合 cron。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮")
        parser.add_argument("--interval", type=float, default=None, help="两轮之间的秒数（默认 TIMER_INTERVAL_SECONDS）")
        parser.add_argument("--retry-base", type=float, default=1.0, help="数据库出错后首次重试前等待的秒数（其后加倍）")
        parser.add_argument("--retry-max", type=float, default=60.0, help="重试等待的上限（秒）")
        parser.add_argument("--max-retries", type=int, default=5, help="--once 时连续出错多少次后放弃")

    def handle(self, *args, once=False, interval=None, **options):
        results: list[dict] = []

        def round_fn(now: datetime) -> dict:
            counts = timer_round(now)
            results.append({"now": now, **counts})
            return counts

        worker = TimerWorker(
            round_fn=round_fn,
            clock=clock.now,
            interval=settings.TIMER_INTERVAL_SECONDS if interval is None else interval,
            retry_base=options["retry_base"],
            retry_max=options["retry_max"],
            max_retries=options["max_retries"] if once else None,
        )
        previous = worker.install_signal_handlers()
        try:
            completed = worker.run(once=once)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if not completed:
            raise CommandError("数据库持续不可用，本轮未完成")
        if once and results:
            last = results[-1]
            self.stdout.write(f"{timezone.localtime(last['now']):%Y-%m-%d %H:%M:%S} 触发定时 {last['fired']} 个案件，督办 {last['escalated']} 次")


def _checkpoint(now: datetime) -> int:
    """Sign a checkpoint of the transparency log when due; its tree size, or 0 when none was signed."""
    try:
        checkpoint = log.make_checkpoint(now=now, force=False)
    except keys.SigningKeyMissing:
        logger.warning("no checkpoint signed: no signing key (run manage.py evidence_keygen)")
        return 0
    return checkpoint.tree_size if checkpoint is not None else 0

