"""四议两公开: the party members' meeting and the villagers' meeting or representatives' meeting.

The quorum and majority are the law's, not the township's: 村民委员会组织法 art. 22 (村民会议: more
than half of the villagers aged 18 or over, or the representatives of two thirds or more of the
households; decisions by more than half of those present) and art. 26 (村民代表会议: two thirds or
more of its members; decisions by more than half of those present). A resolution recorded without
the attendance is refused (nothing written): the meeting has to be held again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.institutions import errors

# basis -> (numerator, denominator, comparison, the rule as written)
QUORUM = {
    "adults": (1, 2, "gt", "村民会议应有本村十八周岁以上村民的过半数参加（村民委员会组织法第二十二条）"),
    "households": (2, 3, "gte", "村民会议应有本村三分之二以上的户的代表参加（村民委员会组织法第二十二条）"),
    "representatives": (2, 3, "gte", "村民代表会议应有三分之二以上的组成人员参加（村民委员会组织法第二十六条）"),
}
PASS_RULE = "所作决定经到会人员的过半数通过"


def _meets(count: int, base: int, numerator: int, denominator: int, comparison: str) -> bool:
    left, right = count * denominator, base * numerator
    return left >= right if comparison == "gte" else left > right


def _counts(data: Mapping[str, Any], base_key: str, present_key: str, votes: tuple[str, ...]) -> tuple[int, int]:
    base, present = int(data.get(base_key) or 0), int(data.get(present_key) or 0)
    if present > base:
        raise errors.VillageCountsInvalid(problem=f"到会人数 {present} 超过基数 {base}")
    cast = sum(int(data.get(k) or 0) for k in votes)
    if cast > present:
        raise errors.VillageCountsInvalid(problem=f"表决票数 {cast} 超过到会人数 {present}")
    return base, present


def party_members_review(data: Mapping[str, Any]) -> dict[str, Any]:
    """党员大会: passed when those in favour are more than half of the members entitled to vote.

    Raises: VillageCountsInvalid.
    """
    base, _present = _counts(data, "party_members_total", "party_members_present", ("party_members_agree",))
    return {"party_members_passed": int(data.get("party_members_agree") or 0) * 2 > base}


def villagers_resolution(data: Mapping[str, Any]) -> dict[str, Any]:
    """Raises: VillageQuorumNotMet, VillageCountsInvalid."""
    basis = str(data.get("attendance_basis"))
    numerator, denominator, comparison, rule = QUORUM[basis]
    base, present = _counts(data, "base_total", "present_count", ("agree_count", "disagree_count", "abstain_count"))
    if not _meets(present, base, numerator, denominator, comparison):
        raise errors.VillageQuorumNotMet(rule=rule, present=present, base=base)
    passed = int(data.get("agree_count") or 0) * 2 > present
    return {"resolution_quorum_met": True, "resolution_passed": passed, "resolution_rule": f"{rule}；{PASS_RULE}"}


SIYI_PROCESS = "proc_sy_01"


def check_power_vote(case: Any, data: Mapping[str, Any]) -> None:
    """A power the catalog routes through 四议两公开 (SY-01 `serves_powers`) records its village vote
    only with a SY-01 case of the township whose villagers' resolution passed with the law's quorum.

    Raises: SiyiResolutionRequired.
    """
    from engine.institutions.common import completions
    from engine.models import Case
    from processes.procedures import by_process_id

    procedure = by_process_id(SIYI_PROCESS)
    if procedure is None or not case.power_code or case.power_code not in procedure.serves_powers:
        return
    reference = str(data.get("siyi_case") or "")
    siyi = Case.objects.filter(reference=reference, definition__process_id=SIYI_PROCESS,
                               township_id=case.township_id).first() if reference else None  # fmt: skip
    resolutions = completions(siyi, "villagers_resolution") if siyi is not None else []
    if not resolutions or resolutions[-1][1].get("resolution_passed") is not True:
        raise errors.SiyiResolutionRequired(power=case.power_code, reference=reference)
