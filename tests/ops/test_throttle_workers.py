"""The public-post throttle holds across 4 gunicorn workers sharing Redis: of 40 concurrent posts,
each with a forged X-Forwarded-For, exactly the configured 5 per hour get through.

A real server: a SQLite database migrated for the test, gunicorn started with 4 worker processes
and the production settings (DEBUG off), Redis at TEST_REDIS_URL (default the local server that
`make test` starts). The request log lines name the worker pid that answered, so the test also
shows that several workers shared the load.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RATE = 5
POSTS = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    return {**env, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "SQLITE_PATH": str(tmp_path / "db.sqlite3"), "REDIS_URL": REDIS_URL, "DJANGO_LOG_FORMAT": "json",
            **extra}  # fmt: skip


@pytest.fixture
def redis_prefix():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    client.ping()  # no skip: `make test` starts Redis; an unreachable one fails this test
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def gunicorn(tmp_path, redis_prefix):
    env = production_env(tmp_path, CACHE_KEY_PREFIX=redis_prefix, PUBLIC_POST_THROTTLE_RATE=f"{RATE}/hour")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=300)  # fmt: skip
    township = "from engine.models import Organization as O; O.objects.create(code='t01', name='第一乡', kind='township')"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", township], cwd=ROOT, env=env, check=True, timeout=120)
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "4"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        booted = (tmp_path / "gunicorn.log").read_text().count("Booting worker")
        try:
            requests.get(base + "/api/health/", timeout=10)
            if booted >= 4:
                break
        except requests.RequestException:
            pass
        assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.3)
    yield base, tmp_path
    server.terminate()
    server.wait(timeout=60)
    log.close()


def test_the_throttle_holds_across_four_workers_and_ignores_forged_forwarding(gunicorn):
    base, tmp_path = gunicorn

    def post(i: int) -> requests.Response:
        forged = f"203.0.113.{i % 250}, 198.51.100.{i % 250}"
        return requests.post(base + "/api/public/complaints/", timeout=60, headers={"X-Forwarded-For": forged},
                             json={"kind": "complaint", "township": "t01", "subject": "民政所",
                                   "content": f"第 {i} 次投诉"})  # fmt: skip

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(post, range(POSTS)))

    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == RATE, statuses
    assert statuses.count(429) == POSTS - RATE, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 429} == {"throttled"}
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM engine_complaint").fetchone()[0] == RATE

    lines = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines() if line.startswith("{")]
    served_by = {line["pid"] for line in lines
                 if line.get("logger") == "township.request" and line.get("path") == "/api/public/complaints/"}  # fmt: skip
    assert len(served_by) >= 2, "the posts were not shared between workers"
    assert {line["client"] for line in lines if line.get("logger") == "township.request"} == {"127.0.0.1"}
