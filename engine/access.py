"""Who may call what, and who sees which case.

Positions come from the user's assignments (`engine.models.Assignment`). The API's endpoints and
the web pages name the positions they need; both read them and the visibility rules from here.

Townships are tenants: nothing of a township the user holds no post in is ever visible (a
discipline inspector posted at the county sees every township of the county). Within his
townships a user sees the cases whose organization or handling station lies in the subtree of
one of his assignments (a township post sees the whole township, a station post its station),
plus the cases where he has work in his inbox or has already acted. Everything else answers 404,
never 403.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet

from engine import exceptions as engine_errors
from engine.institutions.oversight import OVERSEERS, confidential_process_ids, restrict_confidential
from engine.models import Assignment, AuditEvent, Case, Organization, WorkItem
from engine.townships import REQUEST_ASSIGNMENTS, visible_township_ids

# the positions each action needs live with the services that check them (engine.authority);
# the API and the pages repeat the check only to answer 403 before reading a request body
from engine.authority import (  # noqa: E402
    ADMINISTRATOR, ARCHIVIST, CANCELLERS, CHIEF, COMMITTEE_MEMBER, CONFLICT_RECORDERS, DEPUTY, HANDLER, INSPECTOR,
    INSPECTORS, LEADERS_AND_INSPECTOR, RECORDER, REPLAYERS, STARTERS, STATION_HEAD, VILLAGE_AGENT,
    VILLAGE_COMMITTEE, WINDOW_CLERK,
)  # fmt: skip

__all__ = [
    "ADMINISTRATOR", "ARCHIVIST", "CANCELLERS", "CHIEF", "COMMITTEE_MEMBER", "CONFLICT_RECORDERS", "DEPUTY",
    "HANDLER", "INSPECTOR", "INSPECTORS", "LEADERS_AND_INSPECTOR", "RECORDER", "REPLAYERS", "STARTERS",
    "STATION_HEAD", "VILLAGE_AGENT", "VILLAGE_COMMITTEE", "WINDOW_CLERK",
]  # fmt: skip


class _Scope:
    """The user's assignments, computed once per request."""

    def __init__(self, user: AbstractBaseUser) -> None:
        self.assignments = (
            list(Assignment.objects.filter(user=user).select_related("position", "organization"))
            if user.is_authenticated
            else []
        )
        self.positions = frozenset(a.position.code for a in self.assignments)
        self.township_ids = visible_township_ids(user, self.assignments)
        self._org_ids: set[int] | None = None
        self._parents: dict[int, int | None] | None = None

    @property
    def parents(self) -> dict[int, int | None]:
        """The organization tree (id → parent id), read once per request however many posts."""
        if self._parents is None:
            self._parents = dict(Organization.objects.values_list("pk", "parent_id"))
        return self._parents

    def ancestors(self, organization_id: int) -> list[int]:
        """The organization and those above it."""
        ids, node = [], organization_id
        while node is not None and node not in ids:
            ids.append(node)
            node = self.parents.get(node)
        return ids

    def subtree(self, roots: set[int]) -> set[int]:
        children: dict[int | None, list[int]] = {}
        for pk, parent in self.parents.items():
            children.setdefault(parent, []).append(pk)
        found, frontier = set(roots), list(roots)
        while frontier:
            frontier = [child for pk in frontier for child in children.get(pk, ()) if child not in found]
            found.update(frontier)
        return found

    @property
    def org_ids(self) -> set[int]:
        """Organizations whose cases the user sees: his posts' subtrees, cut to his townships
        (a county post reaches below the county only for the county's discipline inspector)."""
        if self._org_ids is None:
            self._org_ids = self.subtree({a.organization_id for a in self.assignments})
            township_orgs = {pk for pk, parent in self.parents.items()
                             if pk in self.township_ids or parent in self.township_ids}  # fmt: skip
            counties = {a.organization_id for a in self.assignments if a.township_id is None}
            self._org_ids &= township_orgs | counties
        return self._org_ids


def scope_of(user: AbstractBaseUser) -> _Scope:
    scope = getattr(user, "_api_scope", None)
    if scope is None:
        scope = _Scope(user)
        if user.is_authenticated:
            user._api_scope = scope  # one request, one user object
            setattr(user, REQUEST_ASSIGNMENTS, scope.assignments)  # the services read them too
    return scope


def positions_held(user: AbstractBaseUser) -> frozenset[str]:
    return scope_of(user).positions


# ------------------------------------------------------------------------------------------
# Visibility
# ------------------------------------------------------------------------------------------


def inbox(user: AbstractBaseUser) -> QuerySet[WorkItem]:
    """Work items the user can act on: his claims, the multi-instance items assigned to him, and
    unclaimed items whose lane he holds in the case's organization; a post in a station counts
    for that station's cases (or cases without a handling station)."""
    scope = scope_of(user)
    lanes = _lane_conditions(scope)
    pool = Q(claimed_by__isnull=True, member="") & reduce(or_, lanes) if lanes else Q(pk__in=[])
    mine = Q(claimed_by=user) | Q(member=user.get_username(), claimed_by__isnull=True)
    return WorkItem.objects.filter(
        mine | pool, case__status=Case.Status.RUNNING, township_id__in=scope.township_ids
    )


def _lane_conditions(scope: _Scope) -> list[Q]:
    """One condition per post, except that the posts of one position in several stations of a
    township make one condition (a station head of 24 stations: one branch, not 24):

    a post in station S reaches a case whose organization is S or above it (the township, the
    county) and whose handling station is S or none. For stations S1…Sn under the same parents
    that is: the organization is above them and the handling station is one of them or none; or the
    organization is one of them and the handling station is that one or none."""
    lanes: list[Q] = []
    stations: dict[tuple, list[int]] = {}
    for assignment in scope.assignments:
        if assignment.township_id is None:
            continue  # a county post works no township's tasks
        above = scope.ancestors(assignment.organization_id)
        names = (assignment.position.code, assignment.position.name)
        if assignment.organization.kind == Organization.Kind.STATION:
            stations.setdefault((names, assignment.township_id, tuple(above[1:])), []).append(assignment.organization_id)
            continue
        lanes.append(Q(lane__in=list(names), case__organization_id__in=above, township_id=assignment.township_id))
    for (names, township_id, above), ids in stations.items():
        unit_free = Q(case__handling_unit__isnull=True)
        lanes.append(Q(lane__in=list(names), township_id=township_id) & (
            (Q(case__organization_id__in=list(above)) & (unit_free | Q(case__handling_unit_id__in=ids)))
            | (Q(case__organization_id__in=ids) & (unit_free | Q(case__handling_unit_id=F("case__organization_id"))))
        ))  # fmt: skip
    return lanes


def visible_cases(user: AbstractBaseUser) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    scope = scope_of(user)
    org_ids = scope.org_ids
    involved = Q(pk__in=inbox(user).values("case_id")) | Q(pk__in=AuditEvent.objects.filter(actor=user).values("case_id"))
    if scope.township_ids <= org_ids:
        # a township-wide post in each of his townships reaches every case there: no involvement to look up
        reach = Q()
    else:
        reach = Q(organization_id__in=org_ids) | Q(handling_unit_id__in=org_ids) | involved
    cases = Case.objects.filter(reach, township_id__in=scope.township_ids)
    # 问责 and 四谈话 cases: the discipline inspector, the leaders and those involved only
    return restrict_confidential(cases, positions=scope.positions, involved=involved)


def visible_organizations(user: AbstractBaseUser) -> QuerySet[Organization]:
    """His townships with their stations and villages, and the counties above them."""
    ids = scope_of(user).township_ids
    return Organization.objects.filter(
        Q(pk__in=ids) | Q(parent_id__in=ids) | Q(children__in=ids, kind=Organization.Kind.COUNTY)
    ).distinct()


def get_visible_case(user: AbstractBaseUser, case_id: UUID | str) -> Case:
    """The case (without its snapshot) if the user may see it: the rule of `visible_cases`, checked
    on the one row read by its key (the involvement queries run only when his posts do not reach it).

    Raises: CaseNotFound (also for a case the user may not see).
    """
    case = (
        Case.objects.select_related("definition", "organization", "township", "handling_unit", "started_by")
        .defer("workflow_json", "definition__sources")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not sees(user, case):
        raise engine_errors.CaseNotFound(case_id=case_id)
    return case


def sees(user: AbstractBaseUser, case: Case) -> bool:
    """`case in visible_cases(user)`, for one case already read."""
    if not user.is_authenticated:
        return False
    scope = scope_of(user)
    if case.township_id not in scope.township_ids:
        return False
    reached = case.organization_id in scope.org_ids or case.handling_unit_id in scope.org_ids
    confidential = not scope.positions & OVERSEERS and case.definition.process_id in confidential_process_ids()
    if reached and not confidential:
        return True
    return (
        inbox(user).filter(case_id=case.pk).exists() or AuditEvent.objects.filter(actor=user, case_id=case.pk).exists()
    )


def default_township(user: AbstractBaseUser) -> Organization | None:
    """The township of the user's first township-level assignment (where a case he starts belongs)."""
    for assignment in scope_of(user).assignments:
        if assignment.township_id is not None:
            return assignment.organization.township
    return None


def organization_for_new_case(user: AbstractBaseUser, code: str | None) -> Organization:
    """The organization a case the user starts belongs to: the given one if he works in it, else his township.

    Raises: OrganizationNotFound.
    """
    if not code:
        township = default_township(user)
        if township is None:
            raise engine_errors.OrganizationNotFound(organization="")
        return township
    organization = Organization.objects.filter(code=code, pk__in=scope_of(user).org_ids).first()
    if organization is None:
        raise engine_errors.OrganizationNotFound(organization=code)
    return organization


def files_as_agent(user: AbstractBaseUser) -> bool:
    """A village agent who holds no other starting post files cases for the applicant (代办)."""
    return positions_held(user) & STARTERS == {VILLAGE_AGENT}
