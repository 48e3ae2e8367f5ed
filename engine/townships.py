"""Townships as tenants: which township a row belongs to, who sees which townships, and a
township's own values over the county template.

Every case, complaint, objection receipt, accountability record and township-level post belongs
to one township (a foreign key set by the services). A case's handling station is the station
the township's own list names for the power (an organization id, `TownshipPower`); when a
township runs a power for the first time its entry is derived from the template, matching the
template's handling unit against that township's own stations only.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from engine import exceptions as exc
from engine.models import Assignment, Organization, TownshipPower, TownshipSettingValue

INSPECTOR = "discipline_inspector"


def township_of(organization: Organization) -> Organization:
    """The township of an organization (itself for a township).

    Raises: OrganizationNotInTownship (a county, or a node outside any township).
    """
    township = organization.township
    if township is None:
        raise exc.OrganizationNotInTownship(organization=organization.code)
    return township


def townships_of_county(county_id: int) -> list[int]:
    return list(Organization.objects.filter(parent_id=county_id, kind=Organization.Kind.TOWNSHIP)
                .values_list("pk", flat=True))  # fmt: skip


def visible_township_ids(user: AbstractBaseUser, assignments: list[Assignment] | None = None) -> set[int]:
    """Townships whose rows the user may see: those he holds a post in; a discipline inspector
    posted at the county sees every township of that county."""
    if not user.is_authenticated:
        return set()
    if assignments is None:
        assignments = list(Assignment.objects.filter(user=user).select_related("position", "organization"))
    ids: set[int] = set()
    for assignment in assignments:
        if assignment.township_id is not None:
            ids.add(assignment.township_id)
        elif assignment.position.code == INSPECTOR and assignment.organization.kind == Organization.Kind.COUNTY:
            ids.update(townships_of_county(assignment.organization_id))
    return ids


REQUEST_ASSIGNMENTS = "_request_assignments"


def assignments_of(user: AbstractBaseUser) -> list[Assignment]:
    """The user's posts (with position and organization): those a request already read for this
    user object (engine.access keeps them for the request), else read now and not kept (a
    service called directly sees posts granted since its caller last looked)."""
    cached = getattr(user, REQUEST_ASSIGNMENTS, None)
    if cached is not None:
        return cached
    return list(Assignment.objects.filter(user=user).select_related("position", "organization"))


def check_township_member(user: AbstractBaseUser | None, township_id: int, *, not_found: exc.EngineError) -> None:
    """Refuse (as `not_found`, i.e. 404: the row does not exist for him) the staff of other
    townships. `None` is the system (timers) or the public; a user holding no post at all is
    refused by the position checks that follow (lanes, required positions)."""
    if user is None:
        return
    assignments = assignments_of(user)
    if assignments and township_id not in visible_township_ids(user, assignments):
        raise not_found


# ------------------------------------------------------------------------------------------
# The township's own list over the county template
# ------------------------------------------------------------------------------------------


def township_power(township: Organization, power: Any, *, save: bool = True) -> TownshipPower:
    """The township's entry for a power, derived from the template on first use (and kept, unless
    `save` is False: reads for the public never write)."""
    entry = TownshipPower.objects.filter(township=township, power=power).select_related("handling_station").first()
    if entry is not None:
        return entry
    station = Organization.objects.filter(
        parent=township, kind=Organization.Kind.STATION, name=power.handling_unit
    ).order_by("pk").first()
    if not save:
        return TownshipPower(township=township, power=power, handling_station=station)
    entry, _ = TownshipPower.objects.get_or_create(township=township, power=power,
                                                   defaults={"handling_station": station})  # fmt: skip
    return entry


def derive_township_list(township: Organization) -> int:
    """Give a township an entry for every power of the current list; returns how many were new."""
    from processes.models import Power

    before = TownshipPower.objects.filter(township=township).count()
    for power in Power.objects.active().order_by("sequence"):
        township_power(township, power)
    return TownshipPower.objects.filter(township=township).count() - before


def promised_limit(entry: TownshipPower, power: Any) -> tuple[int, str]:
    if entry.promised_limit_value is not None:
        return entry.promised_limit_value, entry.promised_limit_unit
    return power.promised_limit_value, power.promised_limit_unit


def setting_value(key: str, township: Organization | int | None, default: Any = None) -> Any:
    """A setting as the township has it: its own value, else the county template's."""
    from processes.models import TownshipSetting

    if township is not None:
        township_id = township if isinstance(township, int) else township.pk
        own = TownshipSettingValue.objects.filter(township_id=township_id, setting_id=key).first()
        if own is not None:
            return own.value
    template = TownshipSetting.objects.filter(key=key).first()
    return template.value if template is not None else default


def township_name(township: Organization) -> str:
    """The township's name as printed on its posters and pages: its own setting, else its row."""
    own = TownshipSettingValue.objects.filter(township=township, setting_id="township_name").first()
    return str(own.value) if own is not None else township.name


def power_as_township_runs_it(power: Any, township: Organization) -> dict[str, Any]:
    """The values of a power that a township may set, as that township has them (the template's
    where it set nothing): handling unit (its station's name), promised limit, fee, phones."""
    entry = township_power(township, power, save=False)
    value, unit = promised_limit(entry, power)
    phone_key = power.supervision_phone_setting_id
    return {
        "township": township.code,
        "township_name": township_name(township),
        "handling_unit": entry.handling_station.name if entry.handling_station else power.handling_unit,
        "promised_limit_value": value,
        "promised_limit_unit": unit,
        "fee_basis": entry.fee_basis or power.fee_basis,
        "supervision_phone": entry.supervision_phone or str(setting_value(phone_key, township, "")),
        "complaint_phone": str(setting_value("complaint_phone", township, "")),
    }
