"""The timer worker's loop: it survives database faults and reports a heartbeat.

Each round fires the due BPMN timers, raises deadline escalations and delivers notifications
(each case in its own transaction, see engine.services.timers), then rewrites this process's
WorkerHeartbeat row. Any error, a lost or terminated database connection above all, is logged;
the connections are closed (Django reopens them on the next query) and the round is retried after
an exponential backoff with jitter. A transaction that was cut off was rolled back by the
database, so the retry fires what it did not commit, and firing is idempotent: every due timer
fires exactly once.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, connections
from django.utils import timezone

from ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a dead connection may fail to close; it is dropped anyway
            logger.debug("closing a broken connection failed", exc_info=True)


@dataclass
class TimerWorker:
    """`round_fn(now)` does one round's work and returns counts to log; `clock()` gives `now`."""

    round_fn: Callable[[datetime], dict]
    clock: Callable[[], datetime] = timezone.now
    interval: float = 30.0
    retry_base: float = 1.0
    retry_max: float = 60.0
    max_retries: int | None = None  # None: retry for ever (the service); a number: give up (--once)
    name: str = field(default_factory=worker_name)
    stop: threading.Event = field(default_factory=threading.Event)
    started_at: datetime = field(default_factory=timezone.now)
    rounds: int = 0
    errors: int = 0

    def install_signal_handlers(self) -> dict:
        """SIGTERM and SIGINT end the loop after the current round; returns the previous handlers."""
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: self.stop.set())
        return previous

    def run(self, *, once: bool = False) -> bool:
        """Run rounds until stopped (or one successful round with `once`). False if it gave up."""
        failures = 0
        logger.info("timer worker started", extra={"worker": self.name, "interval": self.interval})
        try:
            while not self.stop.is_set():
                try:
                    counts = self.round_fn(self.clock())
                    self.rounds += 1
                    self.beat()
                except Exception as error:  # noqa: BLE001 - the worker must outlive any one fault
                    failures += 1
                    self.errors += 1
                    delay = self.backoff(failures)
                    logger.error(
                        "timer round failed; retrying",
                        exc_info=not isinstance(error, DatabaseError),
                        extra={"worker": self.name, "attempt": failures, "retry_in_s": round(delay, 2),
                               "error": f"{type(error).__name__}: {error}".strip()[:500]},
                    )  # fmt: skip
                    close_connections()
                    self.beat(error=f"{type(error).__name__}: {error}"[:2000])
                    if self.max_retries is not None and failures > self.max_retries:
                        return False
                    self.stop.wait(delay)
                    continue
                if failures:
                    logger.info("timer worker recovered", extra={"worker": self.name, "after_failures": failures})
                failures = 0
                if any(counts.values()):
                    logger.info("timer round", extra={"worker": self.name, **counts})
                if once:
                    return True
                self.stop.wait(self.interval)
        finally:
            if not once:  # a service that stops says so; a cron round (--once) leaves its beat
                self.retire()
        return True

    def backoff(self, failures: int) -> float:
        delay = min(self.retry_max, self.retry_base * 2 ** (failures - 1))
        return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret

    def beat(self, error: str = "") -> None:
        """Rewrite this worker's heartbeat; never raises (the database may be what failed)."""
        defaults = {"started_at": self.started_at, "beat_at": timezone.now(), "rounds": self.rounds,
                    "errors": self.errors}  # fmt: skip
        if error:
            defaults["last_error"] = error
        try:
            if error:  # a failed round is no sign of life: keep beat_at, record the error
                updated = WorkerHeartbeat.objects.filter(name=self.name).update(errors=self.errors, last_error=error)
                if not updated:
                    WorkerHeartbeat.objects.create(name=self.name, **{**defaults, "beat_at": self.started_at})
            else:
                WorkerHeartbeat.objects.update_or_create(name=self.name, defaults=defaults)
        except Exception:  # noqa: BLE001
            logger.warning("heartbeat not written", extra={"worker": self.name})
            close_connections()

    def retire(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(name=self.name).delete()
        except Exception:  # noqa: BLE001
            close_connections()
