"""Every generated BPMN file as another tool sees it: bpmn-moddle (the model bpmn.io and Camunda
Modeler read and write) resolves every reference, bpmnlint's recommended rules report no error
(the warnings we keep are listed in docs/bpmn-conventions.md), and the file a modeler would save
(imported, then exported by bpmn-moddle) still loads in the engine with the same steps.

The npm packages are pinned in tests/modeler/package-lock.json and installed by `make modeler-deps`
(part of `make test`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from engine import bpmn
from processes.bpmn_build.sources import BLOCKS_DIR, POWERS_DIR, PROCEDURES_DIR, definition_sources

HERE = Path(__file__).parent
CHECK = HERE / "check.js"
MODULES = HERE / "node_modules"
FILES = sorted(BLOCKS_DIR.glob("*.bpmn")) + sorted(POWERS_DIR.glob("*.bpmn")) + sorted(PROCEDURES_DIR.glob("*.bpmn"))
# the warnings of bpmnlint:recommended the generated files keep, and why: docs/bpmn-conventions.md
ACCEPTED_WARNINGS = {"fake-join", "superfluous-label"}


@cache
def _results(out_dir: str) -> dict[str, dict]:
    node = shutil.which("node")
    assert node, "node not found: run `make system-deps`"
    assert (MODULES / "bpmnlint").is_dir() and (MODULES / "bpmn-moddle").is_dir(), (
        f"bpmnlint/bpmn-moddle not found in {MODULES}: run `make modeler-deps`"
    )
    run = subprocess.run([node, str(CHECK), out_dir, *map(str, FILES)], capture_output=True, text=True,
                         timeout=300, cwd=HERE, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    return {Path(name).name: result for name, result in json.loads(run.stdout).items()}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    return _results(str(tmp_path_factory.mktemp("modeler")))


def test_every_file_is_checked(results):
    assert len(results) == len(FILES) > 40


def test_bpmn_moddle_resolves_every_reference(results):
    unresolved = {name: r["import"] + r["reimport"] for name, r in results.items() if r["import"] or r["reimport"]}
    assert unresolved == {}


def test_bpmnlint_recommended_reports_no_error(results):
    errors = {name: [(x["rule"], x["id"], x["message"]) for x in r["lint"] if x["category"] != "warn"]
              for name, r in results.items()}  # fmt: skip
    assert {name: e for name, e in errors.items() if e} == {}
    warned = {x["rule"] for r in results.values() for x in r["lint"]}
    assert warned <= ACCEPTED_WARNINGS, f"new kinds of warning, justify them in docs/bpmn-conventions.md: {warned - ACCEPTED_WARNINGS}"


def test_the_meetings_keep_their_collections(results):
    """The multi-instance loops name process properties, so a modeler keeps the references."""
    for name in ("block_collective_decision.bpmn", "block_minutes_signing.bpmn", "wz_01.bpmn"):
        saved = Path(results[name]["exported"]).read_text(encoding="utf-8")
        assert saved.count("<bpmn:loopDataInputRef>") == 1 and saved.count("<bpmn:loopDataOutputRef>") == 1, name


def _saved_sources(process_id: str, results: dict[str, dict]) -> dict[str, str]:
    sources = definition_sources(process_id)
    for rel in sources:
        if rel.endswith(".bpmn"):
            sources[rel] = Path(results[Path(rel).name]["exported"]).read_text(encoding="utf-8")
    return sources


def _shape(parsed: bpmn.ParsedDefinition) -> dict:
    specs = [parsed.spec, *parsed.subprocess_specs.values()]
    shape = {}
    for spec in specs:
        for name, task in spec.task_specs.items():
            mi = None
            if isinstance(task, MultiInstanceTask):
                mi = (task.data_input.bpmn_id, task.data_output.bpmn_id, task.input_item.bpmn_id, task.output_item.bpmn_id)
            shape[(spec.name, name)] = (type(task).__name__, sorted(o.name for o in task.outputs), mi)
    return shape


@pytest.mark.parametrize(
    "process_id",
    [f"power_{p.stem}" for p in sorted(POWERS_DIR.glob("*.bpmn"))] + [f"proc_{p.stem}" for p in sorted(PROCEDURES_DIR.glob("*.bpmn"))],
)
def test_a_file_saved_by_a_modeler_loads_with_the_same_steps(process_id, results):
    saved = bpmn.parse_definition(_saved_sources(process_id, results), process_id)
    original = bpmn.parse_definition(definition_sources(process_id), process_id)
    assert saved.sha256 != original.sha256  # really the saved files
    assert _shape(saved) == _shape(original)
    assert saved.user_tasks == original.user_tasks


@pytest.mark.django_db
def test_load_definition_takes_the_saved_files(results, tmp_path):
    """The management command loads a meeting power from the folder a modeler saved."""
    import io

    from django.core.management import call_command

    from engine.models import ProcessDefinition

    for rel, text in _saved_sources("power_cf_01", results).items():
        target = tmp_path / (Path(rel).name if rel.endswith(".bpmn") else rel)  # the command reads *.bpmn at the top
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    call_command("load_definition", str(tmp_path), "--process", "power_cf_01", stdout=io.StringIO())
    stored = ProcessDefinition.objects.get(process_id="power_cf_01", is_current=True)
    assert "<bpmn:loopDataInputRef>present_members</bpmn:loopDataInputRef>" in stored.sources["block_collective_decision.bpmn"]
