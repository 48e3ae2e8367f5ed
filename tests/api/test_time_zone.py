"""One time zone in every output: the township's (Asia/Shanghai), ISO 8601 with its offset."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})")


def offsets(value) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found.update(m.group(1) for m in ISO_TIME.finditer(item))
    return found


def test_every_time_in_case_outputs_has_the_township_offset(demo):
    inspector = demo.client("discipline_inspector")
    case = next(c for c in demo.cases.values() if c.status == "completed")
    paths = [
        f"/api/cases/{case.pk}/", f"/api/cases/{case.pk}/history/", f"/api/cases/{case.pk}/replay/",
        f"/api/cases/{case.pk}/replay/?step=3", f"/api/cases/{case.pk}/verify/", "/api/cases/", "/api/tasks/",
        "/api/public/notices/",
    ]  # fmt: skip
    seen: set[str] = set()
    for path in paths:
        response = inspector.get(path)
        assert response.status_code == 200, (path, response.content[:200])
        found = offsets(response.json())
        assert found <= {"+08:00"}, (path, found)
        seen |= found
    assert seen == {"+08:00"}  # the outputs do carry times
