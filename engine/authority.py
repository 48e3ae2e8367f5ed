"""Who may change a case: the positions each service requires, checked inside the service.

A service that changes a case asks `require` (or `require_staff`) before it writes anything;
the API and the shell commands only pass the actor on. Positions count anywhere in the case's
township (the township's window registers for its stations; a station post counts for its township's cases). The
positions a task needs (its lane), assigned members, separation of duties, conflicts of
interest, 五不直接分管 and 末位表态 are checked per task by `engine.rules.check_task_action`.

| action            | who                                                      |
|-------------------|----------------------------------------------------------|
| start             | window clerk, village agent, handler, station head       |
| claim / complete  | the task's lane (position) or its assigned member        |
| cancel            | chief, deputy, administrator                             |
| declare conflict  | chief, deputy, discipline inspector, station head        |
| message           | the public (objections, no actor) or staff of the case   |
| escalation, timer | the system only (the timer worker; no user can call it)  |
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from engine import exceptions as exc

# position codes (processes/catalog/positions.yaml)
WINDOW_CLERK, HANDLER, STATION_HEAD = "window_clerk", "handler", "station_head"
DEPUTY, CHIEF, COMMITTEE_MEMBER, RECORDER = "deputy", "chief", "committee_member", "recorder"
INSPECTOR, ARCHIVIST, ADMINISTRATOR = "discipline_inspector", "archivist", "administrator"
VILLAGE_AGENT, VILLAGE_COMMITTEE = "village_agent", "village_committee"

START = "start"
CANCEL = "cancel"
DECLARE_CONFLICT = "declare_conflict"

STARTERS = frozenset({WINDOW_CLERK, VILLAGE_AGENT, HANDLER, STATION_HEAD})
CANCELLERS = frozenset({CHIEF, DEPUTY, ADMINISTRATOR})
CONFLICT_RECORDERS = frozenset({CHIEF, DEPUTY, INSPECTOR, STATION_HEAD})
REPLAYERS = frozenset({INSPECTOR, CHIEF, DEPUTY, ADMINISTRATOR})
LEADERS_AND_INSPECTOR = frozenset({INSPECTOR, CHIEF, DEPUTY})
INSPECTORS = frozenset({INSPECTOR})

REQUIRED: dict[str, frozenset[str]] = {START: STARTERS, CANCEL: CANCELLERS, DECLARE_CONFLICT: CONFLICT_RECORDERS}


def position_codes(user: AbstractBaseUser | None, organization_ids: Iterable[int]) -> frozenset[str]:
    """The position codes `user` holds in any of the organizations (none for a missing or inactive user)."""
    from engine.models import Assignment

    if user is None or not getattr(user, "is_active", False) or user.pk is None:
        return frozenset()
    return frozenset(
        Assignment.objects.filter(user=user, organization_id__in=list(organization_ids)).values_list(
            "position__code", flat=True
        )
    )


def _scope(organization_id: int) -> list[int]:
    """A post counts anywhere in its township: the township's window registers for its stations,
    a station's post counts for the township's own cases."""
    from engine.models import Organization
    from engine.rules import org_subtree

    organization = Organization.objects.filter(pk=organization_id).select_related("parent").first()
    township = organization.township if organization is not None else None
    return org_subtree(township.pk if township is not None else organization_id)


def require(action: str, *, actor: AbstractBaseUser | None, organization_id: int) -> frozenset[str]:
    """The actor's positions in the organization when they include one that `action` requires.

    Raises:
        NotAuthorized: no actor, an inactive one, or none of the required positions there.
    """
    wanted = REQUIRED[action]
    held = position_codes(actor, _scope(organization_id))
    if not held & wanted:
        raise exc.NotAuthorized(action=action, required=sorted(wanted))
    return held


def require_staff(*, actor: AbstractBaseUser | None, organization_id: int, action: str) -> frozenset[str]:
    """The actor's positions in the organization, when he holds at least one there.

    Raises:
        NotAuthorized: no actor, an inactive one, or no position in the case's organization.
    """
    held = position_codes(actor, _scope(organization_id))
    if not held:
        raise exc.NotAuthorized(action=action, required=[])
    return held
