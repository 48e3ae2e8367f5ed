"""The inbox rows and the notice board's notices are rendered by hand-written `to_representation`
methods (a list page's time was mostly DRF's per-field machinery); each must give exactly what
DRF gives for the declared fields, which are also what the OpenAPI schema publishes."""

from __future__ import annotations

import copy
import dataclasses
from datetime import timedelta
from types import SimpleNamespace

import pytest
from rest_framework import serializers

from api.serializers import InboxItemSerializer, NoticeSerializer
from api.views.base import power_names
from api.views.tasks import InboxView
from engine import clock, public, selectors
from engine.models import WorkItem

pytestmark = pytest.mark.django_db


def context() -> dict:
    return {"now": clock.now(), "power_names": power_names(), "lights": selectors.Lights()}


def drf(serializer, instance) -> dict:
    """DRF's own rendering of the serializer's declared fields (what the hand-written one must equal)."""
    return serializers.Serializer.to_representation(serializer, instance)


def inbox_rows(user) -> list[WorkItem]:
    view = InboxView()
    view.request = SimpleNamespace(user=user)
    return list(view.get_queryset())


def test_inbox_rows_equal_drf_rendering_for_every_user(demo):
    # a claimed row, a row without a due time and a late one, so every branch is rendered
    clerk_items = inbox_rows(demo.users["window_clerk"])
    assert clerk_items, "the demo gives the window clerk tasks"
    first = clerk_items[0]
    response = demo.client("window_clerk").post(f"/api/cases/{first.case_id}/tasks/{first.task_id}/claim/")
    assert response.status_code == 200, response.content
    WorkItem.objects.filter(pk=first.pk).update(due_at=clock.now() - timedelta(days=3))
    WorkItem.objects.filter(pk=clerk_items[-1].pk).update(due_at=None)  # the same row when there is one

    serializer = InboxItemSerializer(context=context())
    compared, claimed, undated = 0, 0, 0
    for user in demo.users.values():
        for item in inbox_rows(user):
            fast, generic = serializer.to_representation(item), drf(serializer, item)
            assert fast == generic, (user.username, item.bpmn_id)
            assert list(fast) == list(generic)  # the same keys in the same order
            compared += 1
            claimed += fast["claimed_by"] is not None
            undated += fast["due_at"] is None
    assert compared >= 3
    assert claimed >= 1
    assert undated >= 1


def test_notices_equal_drf_rendering(demo):
    notices = public.list_notices(now=clock.now())
    assert notices, "the demo has cases on the notice board"
    unitless = copy.copy(notices[0].case)
    unitless.handling_unit = None
    variants = [*notices, dataclasses.replace(notices[0], notice_start=None, case=unitless)]
    serializer = NoticeSerializer(context=context())
    for notice in variants:
        fast, generic = serializer.to_representation(notice), drf(serializer, notice)
        assert fast == generic
        assert list(fast) == list(generic)
    assert serializer.to_representation(variants[-1])["handling_unit"] is None
