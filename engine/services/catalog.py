"""The power list changes only by approval (两阅): propose a change set, a second person approves it.

After the first load the database is the list of record. The YAML files (load_catalog), a
spreadsheet (import_catalog) and an admin edit each produce a proposed change set: the field-level
difference, worked out by applying the change inside a savepoint and rolling it back. A leader
(chief or deputy) other than the proposer approves it; approval writes the proposed list and
publishes a new version with its effective date. Proposals, approvals and rejections are in the
administration log. Running cases keep the version they started under.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from engine import exceptions as exc
from engine.authority import CHIEF, DEPUTY
from engine.models import Assignment
from engine.services import administration
from processes import catalog_versions as versions
from processes.models import CatalogChangeSet, CatalogVersion

APPROVERS = frozenset({CHIEF, DEPUTY})
APPROVE = "approve_catalog"


def _name(actor: AbstractBaseUser | None) -> str:
    return actor.get_username() if actor is not None else administration.SYSTEM_ACTOR


def current_version() -> CatalogVersion | None:
    return CatalogVersion.current()


@transaction.atomic
def publish_first(*, actor: AbstractBaseUser | None, reason: str, now: datetime) -> CatalogVersion:
    """Publish the catalog as loaded the first time as version 1 (the list of record from then on)."""
    snapshot = versions.take_snapshot()
    version = CatalogVersion.objects.create(
        number=1, effective_from=timezone.localdate(now), published_at=now, published_by_name=_name(actor),
        snapshot=snapshot, snapshot_hash=versions.snapshot_hash(snapshot),
    )  # fmt: skip
    administration.record(kind="catalog.publish", actor=actor, now=now, reason=reason,
                          target=f"processes.catalogversion:{version.pk}", before=None,
                          after={"version": 1, "hash": version.snapshot_hash})  # fmt: skip
    return version


@transaction.atomic
def propose(
    *, source: str, change: Callable[[], Any], actor: AbstractBaseUser | None, reason: str, now: datetime,
) -> tuple[CatalogChangeSet | None, Any]:  # fmt: skip
    """Work out what `change` would do to the list and propose it; nothing in the list changes.

    Returns the change set (None when the change alters nothing, and then no reason is needed; the
    open proposal when the same change is already waiting) and the change's own result.

    Raises:
        ReasonRequired, and whatever `change` raises (then nothing is written).
    """
    before, after, result = versions.simulate(change)  # bad input reports its own problems first
    changes = versions.diff(before, after)
    if not changes:
        return None, result
    reason = administration.clean_reason(reason)
    base_hash, proposed_hash = versions.snapshot_hash(before), versions.snapshot_hash(after)
    waiting = CatalogChangeSet.objects.filter(status=CatalogChangeSet.Status.PROPOSED, base_hash=base_hash,
                                              proposed_hash=proposed_hash).first()  # fmt: skip
    if waiting is not None:
        return waiting, result
    change_set = CatalogChangeSet.objects.create(
        source=source, reason=reason, changes=changes, proposed=after, base_hash=base_hash,
        proposed_hash=proposed_hash, proposed_by=actor, proposed_by_name=_name(actor), proposed_at=now,
    )  # fmt: skip
    administration.record(kind="catalog.propose", actor=actor, now=now, reason=reason,
                          target=f"processes.catalogchangeset:{change_set.pk}", before=None,
                          after={"source": source, "changes": changes})  # fmt: skip
    return change_set, result


def _locked(change_set_id: int) -> CatalogChangeSet:
    change_set = CatalogChangeSet.objects.select_for_update().filter(pk=change_set_id).first()
    if change_set is None:
        raise exc.ChangeSetNotFound(change_set=change_set_id)
    if change_set.status != CatalogChangeSet.Status.PROPOSED:
        raise exc.ChangeSetClosed(change_set=change_set_id, status=change_set.status)
    return change_set


def _check_approver(change_set: CatalogChangeSet, actor: AbstractBaseUser) -> None:
    if actor is None or not actor.is_active or not Assignment.objects.filter(
        user=actor, position__code__in=APPROVERS
    ).exists():
        raise exc.NotAuthorized(action=APPROVE, required=sorted(APPROVERS))
    if change_set.proposed_by_id is not None and change_set.proposed_by_id == actor.pk:
        raise exc.ProposerCannotApprove(change_set=change_set.pk)


@transaction.atomic
def approve(
    change_set_id: int, *, actor: AbstractBaseUser, note: str, now: datetime, effective_from: date | None = None,
) -> CatalogVersion:  # fmt: skip
    """Approve a proposed change set: write it and publish the next list version.

    Raises:
        ReasonRequired (no note), ChangeSetNotFound, ChangeSetClosed, NotAuthorized (not a leader),
        ProposerCannotApprove, ChangeSetStale (the list changed since it was proposed).
    """
    note = administration.clean_reason(note)
    change_set = _locked(change_set_id)
    _check_approver(change_set, actor)
    current = current_version()
    if versions.snapshot_hash(versions.take_snapshot()) != change_set.base_hash:
        raise exc.ChangeSetStale(change_set=change_set.pk)
    versions.write_snapshot(change_set.proposed, now=now)
    snapshot = versions.take_snapshot()
    version = CatalogVersion.objects.create(
        number=(current.number if current else 0) + 1, effective_from=effective_from or timezone.localdate(now),
        published_at=now, published_by_name=_name(actor), change_set=change_set, snapshot=snapshot,
        snapshot_hash=versions.snapshot_hash(snapshot),
    )  # fmt: skip
    change_set.status, change_set.decided_by, change_set.decided_at = CatalogChangeSet.Status.APPROVED, actor, now
    change_set.decision_note = note
    change_set.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    administration.record(
        kind="catalog.approve", actor=actor, now=now, reason=note, target=f"processes.catalogchangeset:{change_set.pk}",
        before={"version": current.number if current else None, "hash": change_set.base_hash},
        after={"version": version.number, "hash": version.snapshot_hash, "effective_from": version.effective_from.isoformat(),
               "changes": change_set.changes},
    )  # fmt: skip
    return version


@transaction.atomic
def reject(change_set_id: int, *, actor: AbstractBaseUser, note: str, now: datetime) -> CatalogChangeSet:
    """Reject a proposed change set (the list stays as it is). Same authority as approving."""
    note = administration.clean_reason(note)
    change_set = _locked(change_set_id)
    _check_approver(change_set, actor)
    change_set.status, change_set.decided_by, change_set.decided_at = CatalogChangeSet.Status.REJECTED, actor, now
    change_set.decision_note = note
    change_set.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    administration.record(kind="catalog.reject", actor=actor, now=now, reason=note,
                          target=f"processes.catalogchangeset:{change_set.pk}", before=None,
                          after={"status": change_set.status})  # fmt: skip
    return change_set
