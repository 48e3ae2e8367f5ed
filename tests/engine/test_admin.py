"""Admin: the holiday table is editable; the audit trail is read-only."""

from __future__ import annotations

import pytest

from engine.models import AuditEvent, CalendarDay

pytestmark = pytest.mark.django_db


def test_holidays_for_later_years_are_added_in_the_admin(admin_client):
    response = admin_client.post("/admin/engine/calendarday/add/",
                                 {"date": "2027-01-01", "is_workday": "", "name": "元旦", "reason": "国务院办公厅 2027 年放假安排"})  # fmt: skip
    assert response.status_code == 302
    assert CalendarDay.objects.get(date="2027-01-01").is_workday is False


def test_audit_events_cannot_be_changed_or_deleted_in_the_admin(admin_client, sample_case):
    event = AuditEvent.objects.get(case=sample_case, sequence=1)
    assert admin_client.get(f"/admin/engine/auditevent/{event.pk}/change/").status_code == 200  # view only
    assert admin_client.post(f"/admin/engine/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"/admin/engine/auditevent/{event.pk}/change/", {"kind": "x"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, kind="case_started").exists()
