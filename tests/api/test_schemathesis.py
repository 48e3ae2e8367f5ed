"""Property-based: every operation of /api/schema/, fed generated requests, never answers 5xx, and
what it answers with 2xx matches the schema.

The app is called in-process (WSGI) on the demo township, inside the test's transaction. Path
parameters are mostly swapped for real ids (a case, its task, a power, a definition, a complaint)
so the generated queries and bodies reach the code behind the 404s. Requests rotate over four
users so that the calls get past the permission checks. Deterministic: derandomized Hypothesis,
no example database, a few examples per operation.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from engine.models import ProcessDefinition

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
USERS = ["chief", "window_clerk", "discipline_inspector", "station_head"]


@pytest.fixture
def same_connection():
    """Keep the test's transaction across in-process requests (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_ids(demo) -> dict[str, list[str]]:
    mid = demo.cases["mid_review"]
    return {
        "case_id": [str(c.pk) for c in demo.cases.values()],
        "task_id": [str(mid.work_items.get(bpmn_id="station_head_review").task_id)],
        "code": ["JF-01", "ZR-01", "QR-03", "ZR-02"],
        "definition_id": [str(pk) for pk in ProcessDefinition.objects.values_list("pk", flat=True)[:3]],
        "complaint_id": [str(demo.complaint.pk)],
        "number": [demo.complaint.number],
    }


def test_no_operation_answers_with_a_server_error(demo, same_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    ids = real_ids(demo)
    users = itertools.cycle(USERS)
    counter = itertools.count()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35
    failures = []

    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            print_blob=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case):
            n = next(counter)
            for name, values in ids.items():
                if case.path_parameters and name in case.path_parameters and n % 4 != 3:  # one in four stays random
                    case.path_parameters[name] = values[n % len(values)]
            case.call_and_validate(
                headers={"Authorization": f"Token demo-{next(users)}"},
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            call()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
