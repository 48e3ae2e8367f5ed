"""三务公开: registered by the office, approved by another leader, public until its display date,
then archived; a finance item at or above the 三重一大 threshold links to its SZ-04 decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from engine import exceptions as exc
from engine import public_errors, publications
from engine.institutions import errors as institution_errors
from tests.processes.conftest import assert_closed
from tests.processes.public_side import counts
from tests.processes.test_institution_sanzhong import sanzhong

pytestmark = pytest.mark.django_db


def register(staff, township, now, **kwargs):
    values = {"category": "government", "title": "2026年第一季度政务公开", "content": "本季度办理行政审批事项120件",
              "period": "2026年第一季度", "attachments": [{"name": "办件统计表", "ref": "GK-2026-01"}]} | kwargs  # fmt: skip
    return publications.register_publication(actor=staff["recorder"], township=township, now=now, **values)


def test_an_item_is_public_after_another_leader_approves_it_and_archived_after_its_display(loaded, staff, township, t0):
    item = register(staff, township, t0)
    today = timezone.localdate(t0)
    assert list(publications.published(township_id=township.pk, on=today)) == []  # not before approval
    before = counts()
    with pytest.raises(exc.NotAuthorized):
        publications.approve_publication(item.pk, actor=staff["recorder"], now=t0)
    with pytest.raises(public_errors.PublicationCategoryInvalid):
        register(staff, township, t0, category="gossip")
    with pytest.raises(public_errors.TextRequired):
        register(staff, township, t0, title=" ")
    with pytest.raises(exc.NotAuthorized):
        publications.register_publication(actor=staff["clerk"], township=township, category="party", title="t",
                                          content="c", period="p", now=t0)  # fmt: skip
    assert counts() == before
    publications.approve_publication(item.pk, actor=staff["deputy"], now=t0)
    item.refresh_from_db()
    assert item.approved_by == staff["deputy"] and item.display_until == today + timedelta(days=90)
    assert list(publications.published(township_id=township.pk, on=today)) == [item]
    assert list(publications.published(township_id=township.pk, on=item.display_until + timedelta(days=1))) == []
    assert list(publications.published(township_id=township.pk, on=item.display_until + timedelta(days=1),
                                       archive=True)) == [item]  # fmt: skip
    with pytest.raises(public_errors.PublicationAlreadyApproved):
        publications.approve_publication(item.pk, actor=staff["chief"], now=t0)


def test_the_registrar_cannot_approve_his_own_item(loaded, staff, township, t0):
    item = publications.register_publication(actor=staff["deputy"], township=township, category="party",
                                             title="发展党员公示", content="拟发展对象：王某", period="2026年3月",
                                             display_until=date(2026, 3, 9), now=t0)  # fmt: skip
    with pytest.raises(exc.ProposerCannotApprove):
        publications.approve_publication(item.pk, actor=staff["deputy"], now=t0)
    publications.approve_publication(item.pk, actor=staff["chief"], now=t0)


def test_a_large_finance_item_links_to_its_collective_decision(loaded, staff, township, t0):
    fund = sanzhong("SZ-04", staff, township, t0, start={"topic": "防汛物资", "fund_amount": 50000})
    assert_closed(fund.run(), approved=True)
    named = register(staff, township, fund.now, category="finance", title="防汛物资采购资金使用情况", amount=50000,
                     sanzhong_reference=fund.case.reference)  # fmt: skip
    assert named.sanzhong_case == fund.case
    found = register(staff, township, fund.now, category="finance", title="防汛物资资金", amount="50000.00")
    assert found.sanzhong_case == fund.case  # the only decision of the township for that amount
    missing = register(staff, township, fund.now, category="finance", title="道路维修", amount=80000)
    assert missing.sanzhong_case is None and publications.needs_sanzhong(missing)
    small = register(staff, township, fund.now, category="finance", title="办公用品", amount=800)
    assert small.sanzhong_case is None and not publications.needs_sanzhong(small)
    before = counts()
    with pytest.raises(institution_errors.SanzhongDecisionNotFound):  # a decision for less does not cover it
        register(staff, township, fund.now, category="finance", title="超额", amount=90000,
                 sanzhong_reference=fund.case.reference)  # fmt: skip
    assert counts() == before
