"""`manage.py serve`: the production server under one command (what `make serve` and the systemd
unit run): gunicorn with several workers, and beside it one or more timer workers (run_timers).

A timer worker that exits is logged and restarted after a pause; when gunicorn exits, the timer
workers are stopped and its exit code returned. SIGTERM or SIGINT stops everything gracefully.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger("ops.serve")
ROOT = Path(__file__).resolve().parents[3]
RESTART_PAUSE = 5.0


class Command(BaseCommand):
    help = "生产方式运行：gunicorn（多进程）加定时任务进程（run_timers），一条命令。"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"), help="监听地址:端口")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")),
                            help="gunicorn 工作进程数")  # fmt: skip
        parser.add_argument("--timer-workers", type=int, default=int(os.environ.get("TIMER_WORKERS", "1")),
                            help="定时任务进程数（可多个）")  # fmt: skip

    def handle(self, *args, bind, workers, timer_workers, **options):
        if settings.DEBUG:
            raise CommandError("serve 是生产方式：请设置 DJANGO_DEBUG=0（开发请用 make run）")
        env = {**os.environ}
        web = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
               "--bind", bind, "--workers", str(workers)]  # fmt: skip
        timer = [sys.executable, str(ROOT / "manage.py"), "run_timers"]
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        server = subprocess.Popen(web, cwd=ROOT, env=env)
        timers = [subprocess.Popen(timer, cwd=ROOT, env=env) for _ in range(timer_workers)]
        restart_at: dict[int, float] = {}
        logger.info("serving", extra={"bind": bind, "workers": workers, "timer_workers": timer_workers,
                                      "gunicorn_pid": server.pid, "timer_pids": [t.pid for t in timers]})  # fmt: skip
        code = 0
        try:
            while not stopping:
                if server.poll() is not None:
                    code = server.returncode
                    logger.error("gunicorn exited", extra={"returncode": code})
                    break
                for index, proc in enumerate(timers):
                    if proc.poll() is None:
                        continue
                    due = restart_at.setdefault(index, time.monotonic() + RESTART_PAUSE)
                    if time.monotonic() >= due:
                        logger.error("timer worker exited; restarting",
                                     extra={"pid": proc.pid, "returncode": proc.returncode})  # fmt: skip
                        timers[index] = subprocess.Popen(timer, cwd=ROOT, env=env)
                        restart_at.pop(index, None)
                time.sleep(0.5)
        finally:
            for proc in [server, *timers]:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in [server, *timers]:
                try:
                    proc.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    proc.kill()
            logger.info("stopped")
        if code:
            raise CommandError(f"gunicorn exited with {code}")
