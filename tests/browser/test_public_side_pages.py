"""The public's side in a browser: an applicant opens the rating link of a finished case, gives a
差评 with its reason, the station head's reply shows up on the same page; the standing lists, the
三务公开 board and the petition lookup load without console errors and pass axe-core."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from engine import petitions, publications, ratings
from engine.models import AuditEvent, Organization
from engine.public_models import ServiceRating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(db):
    call_command("load_catalog", stdout=io.StringIO())
    call_command("seed_demo", allow_production=True, stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    completed = AuditEvent.objects.get(kind=AuditEvent.Kind.CASE_STARTED, payload__data__demo_seed="completed").case
    return users, completed, Organization.objects.get(code="township")


def test_a_bad_rating_from_the_link_is_answered_and_the_public_boards_are_accessible(site, seeded):
    users, case, township = seeded
    code = ratings.code_for(case)
    page = site.go(site.public(), f"/public/rate/?code={code}")
    site.assert_accessible(page)
    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("多次跑腿").check()
    page.get_by_role("button", name="提交评价").click()
    site.assert_clean(page)
    expect(page.locator('[data-test="rating-done"]')).to_contain_text("整改反馈期限")
    site.shot(page, "public-rating")
    followup = ServiceRating.objects.get(case=case).followup
    ratings.close_followup(followup.pk, actor=users["station_head"], founded=True, rectification="告知清单上墙",
                           reply="已整改，感谢监督", now=timezone.now())  # fmt: skip
    page.reload()
    expect(page.locator('[data-test="rating-reply"]')).to_contain_text("已整改，感谢监督")

    item = publications.register_publication(actor=users["recorder"], township=township, category="government",
                                             title="第一季度政务公开", content="办件120件", period="2026年第一季度",
                                             now=timezone.now())  # fmt: skip
    publications.approve_publication(item.pk, actor=users["deputy"], now=timezone.now())
    petition = petitions.register_petition(actor=users["recorder"], township=township, channel="visit",
                                           subject="邻里纠纷", content="请求调解", now=timezone.now())  # fmt: skip
    for path, marker in (("/public/ratings/?township=township", '[data-test="rating-row"]'),
                         ("/public/open-affairs/?township=township", '[data-test="publication"]'),
                         (f"/public/petitions/?number={petition.number}", '[data-test="petition"]')):
        page = site.go(site.public(), path)
        expect(page.locator(marker).first).to_be_visible()
        site.assert_accessible(page)
        if "open-affairs" in path:
            site.shot(page, "public-open-affairs")
    page = site.go(site.public(), "/public/standing/?township=township")
    site.assert_accessible(page)
    # the printed receipt of a case carries its rating code and QR code
    staff = site.as_user("window_clerk")
    receipt = site.go(staff, f"/work/cases/{case.pk}/documents/receipt/")
    expect(receipt.locator('[data-test="rating-code"]')).to_contain_text(code)
