"""Complaints registered by staff from the phone, the box and the counter: channel recorded,
complainant confidential, reply deadline from the settings, escalation when overdue, progress by
receipt number, the reply rated once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import complaint_channels, public, public_deadlines, public_errors
from engine import exceptions as exc
from engine.models import Complaint, Organization, TownshipSettingValue
from engine.public_models import PublicEscalation
from processes.models import TownshipSetting
from tests.conftest import grant
from tests.processes.public_side import counts

pytestmark = pytest.mark.django_db


def register(staff, township, t0, **kwargs):
    values = {"channel": "phone", "kind": "complaint", "subject": "民政所窗口", "content": "材料一次没说清，跑了三趟",
              "complainant_name": "李大爷", "complainant_contact": "13700001111"} | kwargs  # fmt: skip
    return complaint_channels.register_complaint(actor=staff["clerk"], township=township, now=t0, **values)


def test_a_phone_complaint_is_registered_followed_by_number_replied_and_rated(loaded, staff, township, t0):
    complaint = register(staff, township, t0)
    assert complaint.channel == "phone" and complaint.registered_by == staff["clerk"]
    assert complaint.number.startswith("TS-20260302-")
    receipt = public.lookup_receipt(complaint.number)
    assert receipt.status == "registered" and receipt.channel == "phone" and receipt.reply_due_at == complaint.reply_due_at
    assert "李大爷" not in str(receipt) and "13700001111" not in str(receipt)  # confidential as online
    before = counts()
    with pytest.raises(public_errors.ComplaintNotReplied):
        complaint_channels.rate_reply(complaint.number, level=5, now=t0)
    assert counts() == before
    public.reply_complaint(complaint.pk, actor=staff["inspector"], finding="属实", reply="已对窗口人员批评教育",
                           now=t0 + timedelta(days=2))  # fmt: skip
    complaint_channels.rate_reply(complaint.number, level=4, comment="满意", now=t0 + timedelta(days=3))
    assert public.lookup_receipt(complaint.number).reply_rating == 4
    with pytest.raises(public_errors.ComplaintAlreadyRated):
        complaint_channels.rate_reply(complaint.number, level=1, now=t0 + timedelta(days=3))


@pytest.mark.parametrize("channel", ["box", "counter"])
def test_box_and_counter_complaints_keep_their_channel(loaded, staff, township, t0, channel):
    assert register(staff, township, t0, channel=channel, kind="report").channel == channel


def test_refusals_write_nothing(loaded, staff, township, t0, make_user):
    other = Organization.objects.create(code="other", name="东岭乡", kind="township", parent=township.parent)
    stranger = make_user("stranger")
    grant(stranger, "window_clerk", other)
    before = counts()
    with pytest.raises(public_errors.ComplaintChannelInvalid):
        register(staff, township, t0, channel="online")  # online complaints file themselves
    with pytest.raises(public_errors.TextRequired):
        register(staff, township, t0, content="  ")
    with pytest.raises(exc.CaseNotFound):
        register(staff, township, t0, case_reference="JF-01-NOPE")
    with pytest.raises(exc.OrganizationNotFound):
        complaint_channels.register_complaint(actor=stranger, township=township, channel="phone", kind="complaint",
                                              subject="x", content="y", now=t0)  # fmt: skip
    assert counts() == before


def test_an_overdue_complaint_escalates_and_the_reply_limit_comes_from_the_settings(loaded, staff, township, t0):
    TownshipSettingValue.objects.create(township=township, setting=TownshipSetting.objects.get(key="complaint.reply_limit"),
                                        value={"value": 3, "unit": "working_day"})  # fmt: skip
    complaint = register(staff, township, t0)  # Monday 2 March 2026: due Thursday 5 March
    assert complaint.reply_due_at.isoformat() == "2026-03-05T23:59:59+08:00"
    assert public_deadlines.escalate_public_overdue(now=complaint.reply_due_at) == 0
    assert public_deadlines.escalate_public_overdue(now=complaint.reply_due_at + timedelta(seconds=1)) == 1
    # Friday passes (level 2), the weekend does not count, Monday passes (level 3)
    assert public_deadlines.escalate_public_overdue(now=complaint.reply_due_at + timedelta(days=1, seconds=1)) == 1
    assert public_deadlines.escalate_public_overdue(now=complaint.reply_due_at + timedelta(days=3, seconds=1)) == 0
    assert public_deadlines.escalate_public_overdue(now=complaint.reply_due_at + timedelta(days=4, seconds=1)) == 1
    ladder = PublicEscalation.objects.filter(kind="complaint", object_id=complaint.pk).order_by("level")
    assert [(e.level, e.notified) for e in ladder] == [(1, ["inspector"]), (2, ["chief"]), (3, ["inspector"])]
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3
    assert public.lookup_receipt(complaint.number).escalation_level == 3
