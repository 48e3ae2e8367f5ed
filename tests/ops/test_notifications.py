"""Notifications reach people: new tasks, escalations and complaints falling due are collected from
what the engine committed and delivered by e-mail through a real SMTP server (aiosmtpd, started
here) and by the webhook channel to a local HTTP receiver; failures are retried and recorded;
nothing is announced twice."""

from __future__ import annotations

import email
import io
import json
import socket
import threading
from datetime import timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import override_settings

from engine import public, services
from engine.models import AccountabilityRecord, WorkItem
from ops import notify
from ops.models import Delivery, Notification, NotificationProfile
from ops.notify.delivery import retry_delay
from tests.conftest import grant

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.replace_header("Subject", str(message["Subject"]).strip())  # unfolded
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=controller.port, EMAIL_USE_TLS=False, DEFAULT_FROM_EMAIL="township@example.cn"):  # fmt: skip
        yield inbox
    controller.stop()


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Receiver.received, Receiver.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/notify"
    with override_settings(NOTIFY_WEBHOOK_URL=url, NOTIFY_WEBHOOK_TOKEN="gateway-secret"):
        yield Receiver
    server.shutdown()


def profile(user, **fields) -> NotificationProfile:
    return NotificationProfile.objects.create(user=user, **fields)


def start(people, township, t0):
    return services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township, now=t0,
                               data={"members": ["alice"]})  # fmt: skip


def test_a_new_task_is_emailed_by_the_timer_worker_through_smtp(smtp, sample_definition, township, people, t0):
    profile(people["clerk"], email="clerk@example.cn", channels=["email"])
    case = start(people, township, t0)
    call_command("run_timers", "--once", stdout=io.StringIO())

    item = WorkItem.objects.get(case=case, bpmn_id="accept")
    delivery = Delivery.objects.get(notification__key=f"task:{item.task_id}:clerk")
    assert (delivery.status, delivery.attempts, delivery.address) == (Delivery.Status.SENT, 1, "clerk@example.cn")
    to_clerk = [m for rcpt, m in smtp.messages if rcpt == ["clerk@example.cn"]]
    task_mail = [m for m in to_clerk if m["Subject"].startswith("新待办")]
    assert len(task_mail) == 1
    assert task_mail[0]["Subject"] == f"新待办：{item.name}（{case.reference}）"
    assert case.reference in task_mail[0].get_content()
    assert task_mail[0]["From"] == "township@example.cn"


def test_an_escalation_goes_by_email_and_webhook_once(smtp, webhook, sample_definition, township, people, t0):
    profile(people["clerk"], email="clerk@example.cn", phone="13800000001", channels=["email", "webhook"])
    case = start(people, township, t0)
    notify.collect(now=t0)
    assert services.escalate_overdue(now=t0 + timedelta(days=30)) > 0
    record = AccountabilityRecord.objects.filter(case=case, level=1).get()
    assert "clerk" in record.notified

    now = t0 + timedelta(days=30)
    assert notify.collect(now=now) >= 1
    assert notify.collect(now=now) == 0  # read again: nothing new
    notify.deliver_due(now=now)

    notification = Notification.objects.get(key=f"escalation:{record.pk}:clerk")
    assert {d.channel: d.status for d in notification.deliveries.all()} == {"email": "sent", "webhook": "sent"}
    mails = [m for rcpt, m in smtp.messages if m["Subject"].startswith("超时督办（第 1 级）")]
    assert len(mails) == 1 and mails[0]["To"] == "clerk@example.cn"
    hooks = [(h, b) for h, b in webhook.received if b["kind"] == "escalation" and b["data"]["level"] == 1]
    assert len(hooks) == 1
    headers, body = hooks[0]
    assert headers["Authorization"] == "Bearer gateway-secret"
    assert body["to"] == "13800000001" and body["user"] == "clerk" and body["data"]["reference"] == case.reference


@override_settings(NOTIFY_MAX_ATTEMPTS=3)
def test_a_failing_channel_is_retried_with_backoff_then_marked_failed(webhook, sample_definition, township, people, t0):
    webhook.status = 503
    profile(people["clerk"], phone="13800000001", channels=["webhook"])
    start(people, township, t0)
    notify.collect(now=t0)
    delivery = Delivery.objects.get(channel="webhook")

    assert notify.deliver_due(now=t0) == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "WebhookError: HTTP 503")
    assert delivery.next_attempt_at == t0 + retry_delay(1)
    assert notify.deliver_due(now=t0 + retry_delay(1) - timedelta(seconds=1)) == 0  # not yet due: no attempt
    assert len(webhook.received) == 1

    later = t0 + retry_delay(1)
    notify.deliver_due(now=later)
    later += retry_delay(2)
    notify.deliver_due(now=later)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(webhook.received) == 3
    notify.deliver_due(now=later + timedelta(days=1))
    assert len(webhook.received) == 3  # given up


def test_a_retry_succeeds_once_the_gateway_recovers(webhook, sample_definition, township, people, t0):
    webhook.status = 500
    profile(people["clerk"], phone="13800000001", channels=["webhook"])
    start(people, township, t0)
    notify.collect(now=t0)
    notify.deliver_due(now=t0)
    webhook.status = 200
    assert notify.deliver_due(now=t0 + retry_delay(1)) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")


def test_preferences_mute_a_kind_and_choose_channels(smtp, sample_definition, township, people, t0):
    profile(people["clerk"], email="clerk@example.cn", channels=["email"], muted_kinds=["task"])
    start(people, township, t0)
    assert notify.collect(now=t0) == 1  # recorded for the user's list...
    assert not Delivery.objects.exists()  # ...but sent by no channel


def test_a_complaint_reply_falling_due_reminds_the_discipline_inspector(smtp, make_user, township, t0):
    inspector = make_user("inspector")
    grant(inspector, "discipline_inspector", township)
    profile(inspector, email="jijian@example.cn")
    complaint = public.file_complaint(kind="complaint", subject="民政所", content="态度生硬", township=township, now=t0)
    assert notify.collect(now=t0) == 0  # not due yet
    notify.collect(now=complaint.reply_due_at - timedelta(hours=12))
    notify.deliver_due(now=complaint.reply_due_at - timedelta(hours=12))
    mails = [m for rcpt, m in smtp.messages if rcpt == ["jijian@example.cn"]]
    assert len(mails) == 1 and complaint.number in mails[0]["Subject"]
    notify.collect(now=complaint.reply_due_at)
    assert Notification.objects.filter(kind="complaint_due").count() == 1


def test_a_meeting_call_reaches_every_committee_member(smtp):
    from engine import clock
    from engine.management.commands.seed_demo import Answers, Driver, at_task
    from tests.api.conftest import load_demo

    demo = load_demo()
    committee = ["chief", "deputy", "committee_member_1", "committee_member_2", "committee_member_3"]
    for name in committee:
        profile(demo.users[name], email=f"{name}@example.cn")
    driver = Driver(demo.users, Answers(now=clock.now()))
    driver.case = demo.cases["mid_review"]
    case = driver.run_until(at_task("meeting_attendance"))
    notify.collect(now=driver.now)
    notify.deliver_due(now=driver.now)

    item = WorkItem.objects.get(case=case, bpmn_id="meeting_attendance")
    calls = Notification.objects.filter(key__startswith=f"meeting:{item.task_id}:")
    assert sorted(n.user.username for n in calls) == sorted(committee)
    mails = [(rcpt, m) for rcpt, m in smtp.messages if m["Subject"].startswith("会议通知")]
    assert sorted(rcpt[0] for rcpt, _ in mails) == sorted(f"{name}@example.cn" for name in committee)
    assert all(case.reference in m["Subject"] for _, m in mails)
