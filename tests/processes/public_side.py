"""Helpers for the public's side tests: a power's case started by its code, and row counts that
show a refusal wrote nothing."""

from __future__ import annotations

from datetime import datetime

from engine import services
from engine.models import AuditEvent, Case, Complaint
from engine.public_models import (
    Petition,
    Publication,
    PublicEscalation,
    RatingFollowUp,
    ServiceRating,
    StandingListEntry,
)
from tests.processes.conftest import CaseDriver, register_power


def power_driver(code: str, staff: dict, township, now: datetime, *, start: dict | None = None, **overrides) -> CaseDriver:
    """A started case of the power `code` (the catalog must be loaded), driven like the power tests."""
    process_id = "power_" + code.lower().replace("-", "_")
    register_power(process_id)
    driver = CaseDriver(process_id, staff, township, now, overrides=overrides)
    driver.case = services.start_case(process_id=process_id, power_code=code, actor=staff["clerk"],
                                      organization=township, now=driver.tick(),
                                      data={"applicant": "张三", **(start or {})})  # fmt: skip
    return driver


def counts() -> dict[str, int]:
    models = [Case, AuditEvent, Complaint, ServiceRating, RatingFollowUp, StandingListEntry, Publication, Petition,
              PublicEscalation]  # fmt: skip
    return {m.__name__: m.objects.count() for m in models} | {
        "rated": ServiceRating.objects.filter(rated_at__isnull=False).count(),
        "followups_closed": RatingFollowUp.objects.filter(closed_at__isnull=False).count(),
        "approved": Publication.objects.filter(approved_at__isnull=False).count(),
        "replied_rated": Complaint.objects.filter(reply_rated_at__isnull=False).count(),
        "petitions": sorted(Petition.objects.values_list("status", "handle_due_at", "route", "extended_days")),
    }
