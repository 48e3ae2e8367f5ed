#!/usr/bin/env python
"""County-scale load: 20 townships on one PostgreSQL, served by `make serve` (gunicorn with 4
workers and 2 timer workers, DEBUG off), driven through the HTTP API by N concurrent clients for a
bounded time; then every audit chain is verified, every case replayed, and what the clients were
told succeeded is compared with what the database holds (nothing lost, nothing doubled).

Each client plays one township's staff: the window clerk starts a case of a real power (a mix of
低保 JF-01 up to its notice period, 光荣证 QR-03 to the end), then whoever holds the ready task's lane reads the
case, reads the task's form and completes it with the demo answers, step after step, until the
case ends or waits for its notice period; now and then someone reads his inbox or the public
power list. Prints throughput and p50/p95 per request kind.

    .venv/bin/python benchmarks/county_load.py [--clients 16] [--seconds 60] [--townships 20]
        [--database-url postgres://postgres@127.0.0.1:5432/township_county_bench] [--port 8790]

The database named in --database-url is dropped and created again.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--clients", type=int, default=16)
parser.add_argument("--seconds", type=float, default=60)
parser.add_argument("--townships", type=int, default=20)
parser.add_argument("--workers", type=int, default=4)
parser.add_argument("--timer-workers", type=int, default=2)
parser.add_argument("--port", type=int, default=8790)
parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/township_county_bench")
args = parser.parse_args()

os.environ["DATABASE_URL"] = args.database_url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "county-bench-" + secrets.token_urlsafe(40))
os.environ["DJANGO_DEBUG"] = "0"

import psycopg  # noqa: E402

_admin_url, _name = args.database_url.rsplit("/", 1)
with psycopg.connect(_admin_url + "/postgres", autocommit=True) as _conn:
    _conn.execute(f'DROP DATABASE IF EXISTS "{_name}" WITH (FORCE)')
    _conn.execute(f'CREATE DATABASE "{_name}"')

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from engine import audit, clock, services  # noqa: E402
from engine.management.commands.seed_demo import LANE_USERS, STATIONS, USERS, VILLAGES, Answers  # noqa: E402
from engine.models import AuditEvent, Case, Organization, WorkItem  # noqa: E402
from engine.replay import replay_case  # noqa: E402
from processes.models import Power  # noqa: E402

POWERS = ["JF-01", "QR-03"]  # the powers the demo answers cover from start to end (or to the notice)
DEMO_NAMES = {username for username, _, _ in USERS}


# ---------------------------------------------------------------------------------------------
# The county: townships, stations, villages, one user per position in each, API tokens
# ---------------------------------------------------------------------------------------------


def build_county(count: int) -> dict[str, str]:
    """Creates the county and `count` townships; returns {user name: token}."""
    county = Organization.objects.create(code="county", name="示范县", kind=Organization.Kind.COUNTY)
    units = list(dict.fromkeys(Power.objects.active().order_by("sequence").values_list("handling_unit", flat=True)))
    tokens: dict[str, str] = {}
    User = get_user_model()
    for n in range(1, count + 1):
        prefix = f"t{n:02d}"
        township = Organization.objects.create(code=prefix, name=f"第{n:02d}乡", kind=Organization.Kind.TOWNSHIP,
                                               parent=county)  # fmt: skip
        stations = [Organization.objects.create(code=f"{prefix}-station-{i:02d}", name=unit,
                                                kind=Organization.Kind.STATION, parent=township)
                    for i, unit in enumerate(units, 1)]  # fmt: skip
        orgs = {prefix: township}
        for code, village in VILLAGES:
            orgs[code] = Organization.objects.create(code=f"{prefix}-{code}", name=village,
                                                     kind=Organization.Kind.VILLAGE, parent=township)  # fmt: skip
        for username, full_name, posts in USERS:
            user = User.objects.create_user(username=f"{prefix}-{username}", first_name=full_name)
            tokens[user.username] = Token.objects.create(user=user).key
            for position, where, areas in posts:
                targets = stations if where == STATIONS else [orgs[prefix if where == "township" else where]]
                for organization in targets:
                    services.assign_position(user=user, position_code=position, organization=organization,
                                             areas=list(areas), actor=None, reason="负载测试数据",
                                             now=clock.now())  # fmt: skip
    return tokens


def township_names(value, prefix: str):
    """The demo answers name demo users ("chief", "handler"); in township `prefix` they are prefixed."""
    if isinstance(value, str):
        return f"{prefix}-{value}" if value in DEMO_NAMES else value
    if isinstance(value, list):
        return [township_names(v, prefix) for v in value]
    if isinstance(value, dict):
        return {k: township_names(v, prefix) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------
# The clients
# ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    started: list[str] = field(default_factory=list)  # case ids the server said it created
    completed: Counter = field(default_factory=Counter)  # case id -> completions the server confirmed
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[(kind, status)] += 1


class Client(threading.Thread):
    def __init__(self, number: int, base: str, tokens: dict[str, str], townships: int, stop: threading.Event,
                 tally: Tally) -> None:  # fmt: skip
        super().__init__(daemon=True)
        self.prefix = f"t{number % townships + 1:02d}"
        self.base, self.tokens, self.stop, self.tally = base, tokens, stop, tally
        self.random = random.Random(number)
        self.sessions: dict[str, requests.Session] = {}

    def session(self, username: str) -> requests.Session:
        if username not in self.sessions:
            s = requests.Session()
            s.headers["Authorization"] = f"Token {self.tokens[username]}"
            self.sessions[username] = s
        return self.sessions[username]

    def call(self, kind: str, username: str | None, method: str, path: str, **kw) -> requests.Response:
        s = self.session(username) if username else requests
        t = time.perf_counter()
        response = s.request(method, self.base + path, timeout=120, **kw)
        self.tally.record(kind, time.perf_counter() - t, response.status_code)
        if response.status_code >= 400:
            with self.tally.lock:
                self.tally.errors.append(f"{kind} {response.status_code} {response.text[:200]}")
        return response

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.one_case()
        except Exception as error:  # noqa: BLE001 - reported with the results
            with self.tally.lock:
                self.tally.errors.append(f"client {self.prefix}: {type(error).__name__}: {error}")
        finally:
            close_old_connections()

    def actor(self, item: dict) -> str:
        """Who works this task: its member, else this township's holder of its lane."""
        return item.get("member") or f"{self.prefix}-{LANE_USERS[item['lane']]}"

    def one_case(self) -> None:
        power = self.random.choice(POWERS)
        clerk = f"{self.prefix}-window_clerk"
        answers = Answers(now=_now(), applicant="张三")
        start = township_names({"applicant": answers.applicant}, self.prefix)
        response = self.call("start_case", clerk, "POST", "/api/cases/", json={"power_code": power, "data": start})
        if response.status_code != 201:
            return
        case_id = response.json()["id"]
        with self.tally.lock:
            self.tally.started.append(case_id)
        for _ in range(60):
            if self.stop.is_set():
                return
            if self.random.random() < 0.15:
                self.call("inbox", clerk, "GET", "/api/tasks/")
            if self.random.random() < 0.05:
                self.call("public_powers", None, "GET", "/api/powers/")
            detail = self.call("case_detail", clerk, "GET", f"/api/cases/{case_id}/").json()
            if detail.get("status") != "running" or not detail.get("tasks"):
                return  # finished, or waiting for its notice period
            item = detail["tasks"][0]
            user = self.actor(item)
            self.call("task_form", user, "GET", f"/api/cases/{case_id}/tasks/{item['task_id']}/form/")
            answers.now = _now()
            data = township_names(answers.for_form(item["form"], item["bpmn_id"]), self.prefix)
            if item["bpmn_id"] == "meeting_attendance":
                answers.stances = []
            done = self.call("complete_task", user, "POST", f"/api/cases/{case_id}/tasks/{item['task_id']}/complete/",
                             json={"data": data})  # fmt: skip
            if done.status_code != 200:
                return
            with self.tally.lock:
                self.tally.completed[case_id] += 1
            if item["form"] == "member_stance":
                answers.stances.append({"member": item["member"], **data})
            if item["form"] == "chief_stance":
                answers.stances.append({"member": f"{self.prefix}-chief", "stance": data["chief_stance"]})


def _now():
    from engine import clock

    return clock.now()


# ---------------------------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------------------------


def serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "PORT": str(port), "WORKERS": str(args.workers), "TIMER_WORKERS": str(args.timer_workers),
           "ENV_FILE": "/nonexistent", "TIMER_INTERVAL_SECONDS": "5", "TOKEN_TTL_HOURS": "24"}  # fmt: skip
    log = open(Path("/tmp") / f"county-bench-serve-{port}.log", "w")  # noqa: SIM115
    return subprocess.Popen(["make", "-s", "-o", "venv", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log,
                            start_new_session=True)  # fmt: skip


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "make serve exited"
        try:
            if requests.get(base + "/api/health/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit("the server did not become healthy")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000


def main() -> None:
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115
    tokens = build_county(args.townships)
    print(f"county: {args.townships} townships, {len(tokens)} users, set up in {time.perf_counter() - t:.0f} s")

    base = f"http://127.0.0.1:{args.port}"
    server = serve(args.port)
    try:
        wait_healthy(base, server)
        health = requests.get(base + "/api/health/", timeout=10).json()
        print(f"make serve: healthy, {health['timer_workers']['fresh']} timer workers, cache {health['cache']['backend']}")
        stop, tally = threading.Event(), Tally()
        clients = [Client(i, base, tokens, args.townships, stop, tally) for i in range(args.clients)]
        began = time.perf_counter()
        for c in clients:
            c.start()
        time.sleep(args.seconds)
        stop.set()
        for c in clients:
            c.join(timeout=180)
        elapsed = time.perf_counter() - began
        time.sleep(12)  # let the timer workers finish a round (notifications of the last steps)
        health = requests.get(base + "/api/health/", timeout=10).json()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=120)

    total = sum(len(v) for v in tally.latencies.values())
    print(f"\n{args.clients} clients, {elapsed:.0f} s, {args.workers} gunicorn workers + {args.timer_workers} timer "
          f"workers, PostgreSQL: {total} requests, {total / elapsed:.1f} req/s")  # fmt: skip
    print("\n| request | count | req/s | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in ("start_case", "case_detail", "task_form", "complete_task", "inbox", "public_powers"):
        values = tally.latencies.get(kind, [])
        if not values:
            continue
        errors = sum(n for (k, status), n in tally.statuses.items() if k == kind and status >= 400)
        print(f"| {kind} | {len(values)} | {len(values) / elapsed:.1f} | {pct(values, 0.5):.0f} | "
              f"{pct(values, 0.95):.0f} | {errors} |")  # fmt: skip
    print(f"\nhealth after the run: {health['status']} (timer workers fresh {health['timer_workers']['fresh']})")

    # afterwards: every chain verifies, every replay matches, nothing lost or doubled
    close_old_connections()
    cases = list(Case.objects.all())
    chains = sum(1 for c in cases if audit.verify_case(c).ok)
    replays = sum(1 for c in cases if replay_case(c).ok)
    started = set(tally.started)
    in_db = {str(c.pk) for c in cases}
    completions = Counter(str(cid) for cid in AuditEvent.objects.filter(kind=AuditEvent.Kind.TASK_COMPLETED)
                          .values_list("case_id", flat=True))  # fmt: skip
    lost = [cid for cid in started if cid not in in_db]
    extra = [cid for cid in in_db if cid not in started]
    mismatched = [cid for cid in started if completions.get(cid, 0) != tally.completed.get(cid, 0)]
    starts = Counter(str(cid) for cid in AuditEvent.objects.filter(kind=AuditEvent.Kind.CASE_STARTED)
                     .values_list("case_id", flat=True))  # fmt: skip
    by_status = Counter(c.status for c in cases)
    print(f"cases: {len(cases)} ({dict(by_status)}); open work items {WorkItem.objects.count()}")
    print(f"audit chains verified: {chains}/{len(cases)}; replays matching: {replays}/{len(cases)}")
    print(f"started per the clients {len(started)}, in the database {len(in_db)}: lost {len(lost)}, "
          f"unexpected {len(extra)}, started twice {sum(1 for n in starts.values() if n > 1)}")  # fmt: skip
    print(f"completions confirmed to clients {sum(tally.completed.values())}, recorded "
          f"{sum(completions.values())}: cases that differ {len(mismatched)}")  # fmt: skip
    if tally.errors:
        print(f"\n{len(tally.errors)} error responses, first few:")
        for line in tally.errors[:5]:
            print("  ", line)
    ok = chains == replays == len(cases) and not lost and not extra and not mismatched
    print("\nRESULT:", "OK" if ok else "PROBLEMS FOUND")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
