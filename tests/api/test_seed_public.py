"""seed_public adds the public side's demo data once; a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from engine.models import Complaint
from engine.public_models import Petition, Publication, ServiceRating

pytestmark = pytest.mark.django_db


def test_seed_public_adds_its_demo_once(demo, anon):
    call_command("seed_public", allow_production=True, stdout=io.StringIO())
    counts = (Publication.objects.count(), Petition.objects.count(), Complaint.objects.count(),
              ServiceRating.objects.filter(rated_at__isnull=False).count())  # fmt: skip
    assert counts[0] == 2 and counts[1] == 1 and counts[3] == 1
    call_command("seed_public", allow_production=True, stdout=io.StringIO())
    assert (Publication.objects.count(), Petition.objects.count(), Complaint.objects.count(),
            ServiceRating.objects.filter(rated_at__isnull=False).count()) == counts  # fmt: skip
    listed = anon.get("/api/public/publications/?township=township").json()["results"]
    assert {p["category"] for p in listed} == {"government", "finance"}
    assert [p["needs_sanzhong"] for p in listed if p["category"] == "finance"] == [True]
