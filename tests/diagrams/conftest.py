"""Fixtures for the diagrams tests: the sample BPMN files.

Everything here is plain Python; no Django, no database.
"""

from __future__ import annotations

import pytest

from diagrams import BpmnModel, parse_bpmn
from tests.diagrams.helpers import FIXTURES


@pytest.fixture(scope="session")
def sample_model() -> BpmnModel:
    return parse_bpmn(FIXTURES / "sample_dibao.bpmn")


@pytest.fixture(scope="session")
def collective_model() -> BpmnModel:
    return parse_bpmn(FIXTURES / "sample_collective.bpmn")
