"""Fixtures for the diagrams tests: the sample BPMN files, a power sheet and its risk points.

Everything here is plain Python; no Django, no database.
"""

from __future__ import annotations

import datetime as dt

import pytest

from diagrams import BpmnModel, PowerSheet, RiskPoint, parse_bpmn
from tests.diagrams.helpers import FIXTURES


@pytest.fixture(scope="session")
def sample_model() -> BpmnModel:
    return parse_bpmn(FIXTURES / "sample_dibao.bpmn")


@pytest.fixture(scope="session")
def collective_model() -> BpmnModel:
    return parse_bpmn(FIXTURES / "sample_collective.bpmn")


@pytest.fixture(scope="session")
def positions() -> dict[str, str]:
    return {
        "window_clerk": "窗口受理员",
        "handler": "经办人",
        "station_head": "站所负责人",
        "archivist": "档案管理员",
    }


@pytest.fixture(scope="session")
def sheet() -> PowerSheet:
    return PowerSheet(
        township="示范乡",
        code="JF-99",
        name="最低生活保障审核",
        category="行政给付",
        legal_bases=["《社会救助暂行办法》第十一条", "《最低生活保障审核确认办法》第十五条"],
        implementing_subject="示范乡人民政府",
        handling_unit="民政所",
        supervising_leader="分管副乡长",
        legal_limit="15个工作日",
        promised_limit="10个工作日",
        fee="不收费",
        materials=["低保申请书", "户口簿复印件", "家庭收入声明"],
        supervision_phone="0351-1234567",
        complaint_phone="0351-7654321",
        issue_date=dt.date(2026, 3, 1),
        version="V1.0",
        public_url="https://gov.example.cn/township/powers/JF-99",
    )


@pytest.fixture(scope="session")
def risks() -> list[RiskPoint]:
    return [
        RiskPoint(
            "acceptance", "未一次性告知补正材料", "中", ["一次性告知书", "首问负责"], "窗口受理员", "纪检委员"
        ),
        RiskPoint(
            "investigation",
            "优亲厚友、人情保",
            "高",
            ["双人入户并签字", "县级复核抽查"],
            "经办人",
            "分管领导",
        ),
        RiskPoint("filing", "案卷不全、事后补材料", "低", ["办结即归档"], "档案管理员", "站所负责人"),
    ]
