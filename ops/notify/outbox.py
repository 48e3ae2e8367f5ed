"""Collecting notifications from what the engine has committed (so nothing is announced that a
rollback later undid). Each source is read past a cursor, re-reading MARGIN rows behind it (a row
with a lower id may commit after a higher one); every event has a unique key, so re-reading, or
two workers reading at once, never makes a second notification.

- a new work item: its member, or the holders of its lane (新待办);
- a meeting being convened (the collective decision's sign-in task): the committee (会议通知);
- a deadline escalation: the people the accountability record names (超时督办);
- a 差评 follow-up: the station heads who own it (新待办); an overdue follow-up, complaint or
  petition: the people its escalation names (超时督办);
- a complaint not yet answered whose reply is due within REPLY_WARNING: the discipline
  inspectors (投诉答复到期提醒).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from engine import rules
from engine.models import AccountabilityRecord, Assignment, Complaint, WorkItem
from engine.public_models import PublicEscalation, RatingFollowUp
from ops.models import Delivery, Notification, NotificationProfile, OutboxCursor, OutboxEvent
from ops.notify.channels import channels_for

logger = logging.getLogger(__name__)
MARGIN = 500
BATCH = 2000
REPLY_WARNING = timedelta(days=1)
MEETING_TASKS = {"meeting_attendance"}


@dataclass
class Event:
    key: str
    kind: str
    usernames: list[str]
    subject: str
    body: str
    payload: dict = field(default_factory=dict)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _after_cursor(name: str, queryset):
    cursor, _ = OutboxCursor.objects.get_or_create(name=name)
    rows = list(queryset.filter(pk__gt=cursor.last_id - MARGIN).order_by("pk")[:BATCH])
    if rows and rows[-1].pk > cursor.last_id:
        OutboxCursor.objects.filter(name=name, last_id__lt=rows[-1].pk).update(last_id=rows[-1].pk)
    return rows


def _work_items() -> Iterator[tuple[str, Callable[[], Event]]]:
    for item in _after_cursor("work_item", WorkItem.objects.select_related("case")):
        if item.bpmn_id in MEETING_TASKS:
            yield f"meeting:{item.task_id}", partial(_meeting_event, item)
        yield f"task:{item.task_id}", partial(_task_event, item)


def _meeting_event(item: WorkItem) -> Event:
    case, reference = item.case, item.case.reference
    return Event(
        key=f"meeting:{item.task_id}", kind=Notification.Kind.MEETING,
        usernames=rules.holders_of("committee_member", case),
        subject=_("会议通知：%(reference)s 集体讨论") % {"reference": reference},
        body=_("案件 %(reference)s 需召开会议集体讨论，请按时参会。") % {"reference": reference},
        payload={"case": str(case.pk), "reference": reference, "task": item.bpmn_id},
    )  # fmt: skip


def _task_event(item: WorkItem) -> Event:
    case, reference = item.case, item.case.reference
    usernames = [item.member] if item.member else (rules.holders_of(item.lane, case) if item.lane else [])
    return Event(
        key=f"task:{item.task_id}", kind=Notification.Kind.TASK, usernames=usernames,
        subject=_("新待办：%(task)s（%(reference)s）") % {"task": item.name, "reference": reference},
        body=_("案件 %(reference)s 的环节「%(task)s」待您办理，办理期限 %(due)s。")
        % {"reference": reference, "task": item.name, "due": _local(item.due_at)},
        payload={"case": str(case.pk), "reference": reference, "task": item.bpmn_id, "due_at": _iso(item.due_at)},
    )  # fmt: skip


def _escalations() -> Iterator[tuple[str, Callable[[], Event]]]:
    for record in _after_cursor("accountability", AccountabilityRecord.objects.select_related("case")):
        yield f"escalation:{record.pk}", partial(_escalation_event, record)


def _escalation_event(record: AccountabilityRecord) -> Event:
    reference = record.case.reference
    return Event(
        key=f"escalation:{record.pk}", kind=Notification.Kind.ESCALATION, usernames=list(record.notified),
        subject=_("超时督办（第 %(level)s 级）：%(task)s（%(reference)s）")
        % {"level": record.level, "task": record.task_name, "reference": reference},
        body=_("案件 %(reference)s 的环节「%(task)s」已超过办理期限（%(due)s），请即督办。")
        % {"reference": reference, "task": record.task_name, "due": _local(record.due_at)},
        payload={"case": str(record.case_id), "reference": reference, "level": record.level,
                 "record": record.pk, "due_at": _iso(record.due_at)},
    )  # fmt: skip


def _public_escalations() -> Iterator[tuple[str, Callable[[], Event]]]:
    for row in _after_cursor("public_escalation", PublicEscalation.objects.all()):
        yield f"public-escalation:{row.pk}", partial(_public_escalation_event, row)


def _public_escalation_event(row: PublicEscalation) -> Event:
    matter = str(row.get_kind_display())
    return Event(
        key=f"public-escalation:{row.pk}", kind=Notification.Kind.ESCALATION, usernames=list(row.notified),
        subject=_("超时督办（第 %(level)s 级）：%(task)s（%(reference)s）")
        % {"level": row.level, "task": matter, "reference": row.number},
        body=_("%(matter)s %(number)s 已超过期限（%(due)s），请即督办。")
        % {"matter": matter, "number": row.number, "due": _local(row.due_at)},
        payload={"kind": row.kind, "object": row.object_id, "number": row.number, "level": row.level,
                 "due_at": _iso(row.due_at)},
    )  # fmt: skip


def _followups() -> Iterator[tuple[str, Callable[[], Event]]]:
    for followup in _after_cursor("rating_followup", RatingFollowUp.objects.select_related("rating__case")):
        yield f"followup:{followup.pk}", partial(_followup_event, followup)


def _followup_event(followup: RatingFollowUp) -> Event:
    reference = followup.rating.case.reference
    return Event(
        key=f"followup:{followup.pk}", kind=Notification.Kind.TASK, usernames=list(followup.owners),
        subject=_("新待办：%(task)s（%(reference)s）") % {"task": _("差评整改"), "reference": reference},
        body=_("案件 %(reference)s 收到差评，请核实整改并反馈评价人，期限 %(due)s。")
        % {"reference": reference, "due": _local(followup.due_at)},
        payload={"followup": followup.pk, "reference": reference, "due_at": _iso(followup.due_at)},
    )  # fmt: skip


def _complaints_due(now: datetime) -> Iterator[tuple[str, Callable[[], Event]]]:
    due = Complaint.objects.filter(status=Complaint.Status.REGISTERED, reply_due_at__lte=now + REPLY_WARNING)
    for complaint in due.order_by("pk")[:BATCH]:
        yield f"complaint-due:{complaint.pk}", partial(_complaint_event, complaint)


def _complaint_event(complaint: Complaint) -> Event:
    holders = Assignment.objects.filter(rules.models_q_position("discipline_inspector"))
    township_id = getattr(complaint, "township_id", None)  # the township it is addressed to, when recorded
    if township_id is not None:
        holders = holders.filter(organization_id__in=rules.org_subtree(township_id))
    inspectors = sorted(set(holders.values_list("user__username", flat=True)))
    return Event(
        key=f"complaint-due:{complaint.pk}", kind=Notification.Kind.COMPLAINT_DUE, usernames=inspectors,
        subject=_("投诉答复即将到期：%(number)s") % {"number": complaint.number},
        body=_("投诉（举报）%(number)s 的答复期限为 %(due)s，尚未答复。")
        % {"number": complaint.number, "due": _local(complaint.reply_due_at)},
        payload={"complaint": complaint.pk, "number": complaint.number, "reply_due_at": _iso(complaint.reply_due_at)},
    )  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def collect(*, now: datetime) -> int:
    """Create the notifications (and their deliveries) for what happened; returns how many."""
    candidates = dict([*_work_items(), *_escalations(), *_public_escalations(), *_followups(),
                       *_complaints_due(now)])
    if not candidates:
        return 0
    handled = set(OutboxEvent.objects.filter(key__in=list(candidates)).values_list("key", flat=True))
    created = 0
    for key, build in candidates.items():
        if key in handled:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            event = build()
        try:
            with transaction.atomic():
                OutboxEvent.objects.create(key=key, handled_at=now)
                created += _notify(event, now=now)
        except IntegrityError:  # another worker handled it first
            continue
    if created:
        logger.info("notifications collected", extra={"notifications": created})
    return created


def _notify(event: Event, *, now: datetime) -> int:
    names = [name for name in dict.fromkeys(event.usernames) if name]
    users = get_user_model().objects.filter(username__in=names)
    profiles = {p.user_id: p for p in NotificationProfile.objects.filter(user__in=users)}
    for user in users:
        notification = Notification.objects.create(key=f"{event.key}:{user.get_username()}", kind=event.kind,
                                                   user=user, subject=event.subject, body=event.body,
                                                   payload=event.payload, created_at=now)  # fmt: skip
        Delivery.objects.bulk_create(
            Delivery(notification=notification, channel=channel, address=address, next_attempt_at=now)
            for channel, address in channels_for(user, profiles.get(user.pk), event.kind)
        )
    return len(users)
