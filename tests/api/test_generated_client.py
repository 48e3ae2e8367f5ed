"""The OpenAPI document as integrators use it: a Python client generated from /api/schema/ by a
standard generator (openapi-python-client, pinned in the dev dependencies) imports module by
module, and drives a 低保 (JF-01) case's first tasks, a safe retry and an error response against a
live server. The client is generated once per test session."""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from engine import clock
from engine.management.commands.seed_demo import Answers
from engine.models import AuditEvent
from tests.api.conftest import load_demo

PACKAGE = "township_client"


@pytest.fixture(scope="session")
def generated(django_db_setup, django_db_blocker, tmp_path_factory):
    from rest_framework.test import APIClient

    generator = shutil.which("openapi-python-client") or str(Path(sys.executable).with_name("openapi-python-client"))
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    root = tmp_path_factory.mktemp("client")
    (root / "schema.json").write_bytes(response.content)
    (root / "config.json").write_text(json.dumps({"post_hooks": [], "project_name_override": PACKAGE,
                                                  "package_name_override": PACKAGE}))  # fmt: skip
    run = subprocess.run(
        [generator, "generate", "--path", str(root / "schema.json"), "--config", str(root / "config.json"),
         "--output-path", str(root / PACKAGE), "--meta", "none"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert (root / PACKAGE / "client.py").exists(), run.stdout + run.stderr
    sys.path.insert(0, str(root))
    yield importlib.import_module(PACKAGE), run.stdout
    sys.path.remove(str(root))


def test_every_generated_module_imports(generated):
    package, output = generated
    names = [m.name for m in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")]
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001  (collect them all)
            failures[name] = repr(error)
    assert failures == {}
    assert len([n for n in names if f"{PACKAGE}.api." in n]) > 30
    # only the binary downloads (zip, svg, pdf, png) are left to the caller to read raw
    skipped = [line for line in output.splitlines() if line.startswith("Cannot parse")]
    assert all("Unsupported content_type" in line for line in skipped), skipped


@pytest.mark.django_db(transaction=True)
def test_a_dibao_case_through_the_generated_client(generated, live_server, settings):
    settings.DEBUG = True  # the clock may be moved only with DEBUG on
    settings.ENGINE_CLOCK_OFFSET = 0
    call_command("load_catalog", stdout=io.StringIO())
    load_demo()
    package, _ = generated
    cases_create = importlib.import_module(f"{PACKAGE}.api.cases.cases_create")
    complete = importlib.import_module(f"{PACKAGE}.api.cases.cases_tasks_complete_create")
    tasks_list = importlib.import_module(f"{PACKAGE}.api.tasks.tasks_list")
    models = importlib.import_module(f"{PACKAGE}.models")

    def client(user: str):
        return package.AuthenticatedClient(base_url=live_server.url, token=f"demo-{user}", prefix="Token",
                                           headers={"Accept-Language": "zh-hans"})  # fmt: skip

    clerk = client("window_clerk")
    body = models.StartCaseInput.from_dict(
        {"power_code": "JF-01", "data": {"applicant": "郑大妈", "applicant_id_number": "140121195003031234"}}
    )
    started = cases_create.sync_detailed(client=clerk, body=body, idempotency_key="start-dibao-1")
    assert started.status_code == 201, started.content
    case = started.parsed
    assert isinstance(case, models.CaseDetail)
    # a retry of the start (the answer was lost): the same case, no second one
    again = cases_create.sync_detailed(client=clerk, body=body, idempotency_key="start-dibao-1")
    assert (again.status_code, again.parsed.id) == (201, case.id)
    assert again.headers["Idempotent-Replayed"] == "true"

    answers = Answers(now=clock.now(), applicant="郑大妈")

    def my_task(user: str, bpmn_id: str):
        inbox = tasks_list.sync(client=client(user), limit=500)
        [task] = [t for t in inbox.results if t.case.id == case.id and t.bpmn_id == bpmn_id]
        return task

    for step in ("register_application", "check_materials", "issue_receipt"):
        task = my_task("window_clerk", step)
        data = models.CompleteTaskInputData.from_dict(answers.for_form(task.form, step))
        done = complete.sync_detailed(case_id=case.id, task_id=task.task_id, client=clerk,
                                      body=models.CompleteTaskInput(data=data))  # fmt: skip
        assert done.status_code == 200, done.content
    kinds = list(AuditEvent.objects.filter(case_id=case.id).values_list("kind", flat=True))
    assert (kinds.count("case_started"), kinds.count("task_completed")) == (1, 3)

    # an error comes back typed, with its code and a Chinese detail
    task = my_task("handler", "investigation")
    refused = complete.sync_detailed(case_id=case.id, task_id=task.task_id, client=clerk,
                                     body=models.CompleteTaskInput(data=models.CompleteTaskInputData()))  # fmt: skip
    assert refused.status_code == 403, refused.content
    assert type(refused.parsed).__name__ == "CasesTasksCompleteCreateResponse403"
    assert (refused.parsed.code.value, refused.parsed.detail) == ("not_in_lane", json.loads(refused.content)["detail"])
    assert AuditEvent.objects.filter(case_id=case.id).count() == len(kinds)
