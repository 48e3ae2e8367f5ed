"""Starting a procedure of the institutions (processes/catalog/procedures.yaml).

`start_procedure` checks what the catalog and the procedure ask before the engine's own
`start_case` (one transaction, one audit event): the actor holds one of the procedure's starting
positions in the organization, a 大额资金 matter reaches the threshold, a 问责 case names an
existing record or complaint of the township and persons who work there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import exceptions as exc
from engine.institutions import errors, sanzhong
from engine.institutions.common import township_scope
from engine.meetings import township_of
from engine.models import AccountabilityRecord, Assignment, Case, Complaint, Organization
from engine.rules import positions_of
from processes.procedures import Procedure, by_code

def procedure_or_refuse(code: str) -> Procedure:
    """Raises: PowerNotListed (清单之外无权力: a code that is neither a power nor a procedure)."""
    procedure = by_code(code)
    if procedure is None:
        raise exc.PowerNotListed(power=code)
    return procedure


def check_starter(procedure: Procedure, actor: AbstractBaseUser, organization: Organization) -> None:
    """Raises: ProcedureStarterRequired."""
    from engine.rules import org_subtree

    if not positions_of(actor, org_subtree(organization)) & set(procedure.starters):
        raise errors.ProcedureStarterRequired(procedure=procedure.code, positions=list(procedure.starters))


def _check_persons(persons: list[str], organization: Organization) -> None:
    scope = township_scope(organization.pk)
    known = set(Assignment.objects.filter(organization_id__in=scope, user__username__in=persons)
                .values_list("user__username", flat=True))  # fmt: skip
    missing = [p for p in persons if p not in known]
    if missing:
        raise errors.PersonNotFound(persons=missing)


def _check_wenze(data: Mapping[str, Any], organization: Organization) -> None:
    township_id = township_of(organization.pk)
    source = data.get("source")
    if source == "accountability_record":
        record = AccountabilityRecord.objects.filter(pk=data.get("accountability_record"), township_id=township_id)
        if not record.exists():
            raise errors.SourceNotFound(source=str(source), value=data.get("accountability_record"))
    if source == "complaint":
        if not Complaint.objects.filter(number=data.get("complaint_number"), township_id=township_id).exists():
            raise errors.SourceNotFound(source=str(source), value=data.get("complaint_number"))
    _check_persons(list(data.get("persons_concerned") or []), organization)


def check_start(*, code: str, power: Any, actor: AbstractBaseUser, organization: Organization,
                data: Mapping[str, Any]) -> None:
    """What a case asks of the institutions when it starts, whichever way it is started (the
    services, the API, the web pages): a procedure's starting positions and its own conditions; a
    power's fund amount against the 三重一大 threshold.

    Raises: ProcedureStarterRequired, SanzhongKindNotListed, NotASanzhongMatter, SourceNotFound,
    PersonNotFound, LargeAmountRequiresSanzhong, SanzhongDecisionNotFound.
    """
    procedure = by_code(code) if code and power is None else None
    if procedure is None:
        sanzhong.check_power_start(power=power, data=data, organization_id=organization.pk)
        return
    check_starter(procedure, actor, organization)
    if procedure.kind == "sanzhong":
        sanzhong.check_kind(procedure.sanzhong_kind, organization.pk)
        if procedure.sanzhong_kind == "fund" and "fund_amount" in data:
            sanzhong.check_fund_matter(data.get("fund_amount"), organization.pk)
    if procedure.kind == "wenze":
        _check_wenze(data, organization)
    if procedure.kind == "talk":
        _check_persons(list(data.get("persons") or []), organization)


def procedure_limits(code: str) -> dict[str, Any] | None:
    """The promised limit a procedure's case gets (None for a power, which brings its own)."""
    procedure = by_code(code) if code else None
    if procedure is None or not procedure.promised_limit:
        return None
    return {"promised": dict(procedure.promised_limit), "legal": None}


@transaction.atomic
def start_procedure(
    code: str, *, actor: AbstractBaseUser, organization: Organization, now: datetime,
    data: Mapping[str, Any] | None = None,
) -> Case:  # fmt: skip
    """Start a case of a procedure by its code (SZ-01 … TH-01); `start_case` checks the rest
    (`check_start`) and copies the procedure's promised limit onto the case (`procedure_limits`).

    Raises: PowerNotListed, and everything `start_case` raises.
    """
    from engine.services import start_case

    procedure = procedure_or_refuse(code)
    return start_case(process_id=procedure.process_id, actor=actor, organization=organization, now=now,
                      data=dict(data or {}), power_code=procedure.code)  # fmt: skip
