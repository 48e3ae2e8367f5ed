"""Every power, both ways: the approval path and a rejection path, each driven to completion through
the engine services, with the audit chain verified and the case replayed from its events."""

from __future__ import annotations

import pytest

from processes.bpmn_build.powers import POWERS
from tests.processes.conftest import assert_closed

pytestmark = pytest.mark.django_db

CODES = [p.code for p in POWERS]
FLOW = {p.code: p.flow for p in POWERS}


def process_id(code: str) -> str:
    return "power_" + code.lower().replace("-", "_")


def everyone_disagrees(d, item):
    return {"stance": "disagree", "reason": f"{item.member}：证据不足，不同意"}


CHIEF_DISAGREES = {"chief_stance": "disagree", "chief_reason": "事实不清，不同意"}
NOT_ACCEPTED = {"check_materials": {"materials_complete": True, "conditions_met": False}}
REVIEW_REJECTS = {"deputy_review": {"deputy_conclusion": "reject", "deputy_reason": "不符合法定条件"}}
COLLECTIVE_REJECTS = {"member_stance": everyone_disagrees, "chief_stance": CHIEF_DISAGREES}

# per flow family: what the approval path needs beyond "everything in order"
APPROVALS: dict[str, dict] = {"adjudication": {"mediation": {"mediation_result": "failed"}}}

# per power: where its rejection comes from (a flow family default, or a power of its own)
FLOW_REJECTIONS: dict[str, tuple[dict, str]] = {
    "permit": (REVIEW_REJECTS, "written_rejection"),
    "benefit": ({"investigation": {"household_eligible": False, "ineligible_reason": "家庭收入超过标准"}},
                "written_rejection"),
    "confirmation": ({"decision": {"decision_approved": False, "decision_reason": "不符合确认条件"}},
                     "written_rejection"),
    "penalty": ({"investigation": {"violation_established": False}}, "written_rejection"),
    "coercion": ({"correction_check": {"corrected": True, "check_findings": "当事人已自行拆除"}}, "written_rejection"),
    "emergency": (COLLECTIVE_REJECTS, "written_rejection"),
    "adjudication": ({"mediation": {"mediation_result": "failed"}, **COLLECTIVE_REJECTS}, "written_rejection"),
    "mediation": ({"mediation": {"mediation_result": "failed"}}, "referral"),
    "audit": ({"case_registration": {"registered": False, "registration_reason": "已于本年度审计"}},
              "written_rejection"),
}  # fmt: skip
POWER_REJECTIONS: dict[str, tuple[dict, str]] = {
    "XK-01": ({"village_meeting": {"village_agree_count": 10, "village_disagree_count": 14}}, "written_rejection"),
    "XK-04": ({"county_result": {"county_approved": False, "county_reason": "调整理由不充分"}}, "written_rejection"),
    "QT-03": (NOT_ACCEPTED, "non_acceptance"),
    "JF-04": ({"county_result": {"county_approved": False, "county_reason": "不符合医疗救助条件"}},
              "written_rejection"),
    "JF-06": ({"site_inspection": {"site_conditions_met": False, "site_reason": "房屋经鉴定非危房"}},
              "written_rejection"),
    "JF-07": ({"decision": {"decision_approved": False, "decision_reason": "不属于义务兵家庭"}}, "written_rejection"),
    "QR-01": ({"investigation": {"verification_passed": False, "verification_reason": "子女数不符合条件"}},
              "written_rejection"),
    "QR-05": (NOT_ACCEPTED, "non_acceptance"),
    "CF-02": ({"case_registration": {"registered": False, "registration_reason": "不属于本乡管辖"}},
              "written_rejection"),
    "CF-03": ({"decision": {"decision_approved": False, "decision_reason": "违法行为轻微并及时改正"}},
              "written_rejection"),
    "CF-04": (COLLECTIVE_REJECTS, "written_rejection"),
    "CJ-01": (NOT_ACCEPTED, "non_acceptance"),
    "QT-02": (NOT_ACCEPTED, "non_acceptance"),
}  # fmt: skip


@pytest.mark.parametrize("code", CODES)
def test_power_approval_path(drive, code):
    driver = drive(process_id(code), **APPROVALS.get(FLOW[code], {}))
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["archive_number"] and data["retention"] in ("永久", "定期30年", "定期10年")
    assert "written_rejection" not in driver.completed_ids()
    assert "archive_case" in driver.completed_ids()


@pytest.mark.parametrize("code", CODES)
def test_power_rejection_path(drive, code):
    overrides, rejected_at = POWER_REJECTIONS.get(code) or FLOW_REJECTIONS[FLOW[code]]
    driver = drive(process_id(code), **overrides)
    driver.run()
    assert_closed(driver.case, approved=False)
    assert rejected_at in driver.completed_ids()
    assert "archive_case" in driver.completed_ids()
