#!/usr/bin/env python
"""Measure: how many processes of the OMG BPMN MIWG reference files (tests/diagrams/miwg) the
engine loads and starts, read as they are (SpiffWorkflow alone, the engine before standard BPMN
was normalised) and through the normalisation `load_definition` applies (engine/bpmn/standard.py).

"Loads" means the sources parse into a spec the engine accepts; "starts" means a workflow of it
runs from its start event to its first wait state with empty start data at a fixed engine time.
One file at a time: a process calling another file's process counts as not loaded.

    .venv/bin/python benchmarks/miwg_load.py [-v]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _setup import fresh_sqlite_django  # noqa: E402

fresh_sqlite_django("bench-miwg-")

from lxml import etree  # noqa: E402

from engine import bpmn  # noqa: E402
from engine import exceptions as exc  # noqa: E402
from engine.bpmn import standard  # noqa: E402

MIWG = ROOT / "tests" / "diagrams" / "miwg"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def processes(text: str) -> list[str]:
    root = etree.fromstring(text.encode("utf-8"), parser=bpmn.parsing._XML_PARSER)
    return [p.get("id") for p in root.iter(f"{{{standard.BPMN}}}process")]


def attempt(sources: dict[str, str], process_id: str, normalise: bool) -> tuple[str, str]:
    """('started' | 'loaded' | 'refused', why)."""
    try:
        if normalise:
            normalised = standard.normalise(sources, process_id)
            normalised.raise_for_errors()
            sources = normalised.sources
        parsed = bpmn.parse_definition(sources, process_id)
    except exc.DefinitionNotRunnable as error:
        return "refused", ", ".join(sorted({f["code"] for f in error.findings}))
    except exc.EngineError as error:
        return "refused", f"{error.code}: {str(error).splitlines()[0][:90]}"
    try:
        bpmn.start_workflow(parsed, data={}, now=NOW)
    except exc.EngineError as error:
        return "loaded", f"{error.code}: {str(error).splitlines()[0][:90]}"
    return "started", ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-v", "--verbose", action="store_true")
    verbose = parser.parse_args().verbose
    totals = {False: Counter(), True: Counter()}
    for path in sorted(MIWG.glob("*.bpmn")):
        text = path.read_text(encoding="utf-8")
        for process_id in processes(text):
            for normalise in (False, True):
                outcome, why = attempt({path.name: text}, process_id, normalise)
                totals[normalise][outcome] += 1
                if verbose:
                    label = "after " if normalise else "before"
                    print(f"{label} {path.name:10} {process_id[:38]:38} {outcome:8} {why}")
    count = sum(totals[False].values())
    for normalise, label in ((False, "as read (before)"), (True, "normalised (after)")):
        c = totals[normalise]
        loaded = c["loaded"] + c["started"]
        print(f"{label:20} processes {count}  loaded {loaded}  started {c['started']}  refused {c['refused']}")


if __name__ == "__main__":
    main()
