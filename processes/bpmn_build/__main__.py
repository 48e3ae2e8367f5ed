"""python -m processes.bpmn_build [--check]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from processes.bpmn_build.blocks import BLOCKS
from processes.bpmn_build.forms import FORMS, start_form
from processes.bpmn_build.forms_procedures import procedure_forms, procedure_start_form
from processes.bpmn_build.powers import POWERS, build
from processes.bpmn_build.procedures import all_procedures
from processes.bpmn_build.sources import BLOCKS_DIR, FORMS_DIR, POWERS_DIR, PROCEDURES_DIR


def outputs() -> dict[Path, bytes]:
    files: dict[Path, bytes] = {}
    used_forms: set[str] = set()
    for block_id, make in BLOCKS.items():
        process = make()
        used_forms |= set(process.forms())
        files[BLOCKS_DIR / f"{block_id}.bpmn"] = process.to_xml()
    for spec in POWERS:
        process = build(spec)
        used_forms |= set(process.forms())
        missing = [c for c in process.called_elements() if c not in BLOCKS]
        if missing:
            raise SystemExit(f"{spec.code}: calls unknown blocks {missing}")
        files[POWERS_DIR / f"{spec.slug}.bpmn"] = process.to_xml()
        start = start_form(spec.process_id, spec.code, spec.name, spec.flow, spec.tags)
        files[FORMS_DIR / f"start_{spec.process_id}.schema.json"] = _json(start)
    forms = dict(FORMS)
    for schema in procedure_forms():
        name = schema["$id"].rsplit(":", 1)[1]
        if name in forms:
            raise SystemExit(f"duplicate form {name}")
        forms[name] = schema
    for proc, process in all_procedures():
        used_forms |= set(process.forms())
        missing = [c for c in process.called_elements() if c not in BLOCKS]
        if missing:
            raise SystemExit(f"{proc.code}: calls unknown blocks {missing}")
        files[PROCEDURES_DIR / f"{proc.process_id.removeprefix('proc_')}.bpmn"] = process.to_xml()
        files[FORMS_DIR / f"start_{proc.process_id}.schema.json"] = _json(procedure_start_form(proc))
    unknown = used_forms - set(forms)
    if unknown:
        raise SystemExit(f"forms used but not defined: {sorted(unknown)}")
    unused = set(forms) - used_forms
    if unused:
        raise SystemExit(f"forms defined but not used: {sorted(unused)}")
    for name, schema in forms.items():
        files[FORMS_DIR / f"{name}.schema.json"] = _json(schema)
    return files


def _json(schema: dict) -> bytes:
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def main(argv: list[str]) -> int:
    files = outputs()
    if "--check" in argv:
        stale = [str(p) for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        extra = [str(p) for d, pat in ((BLOCKS_DIR, "*.bpmn"), (POWERS_DIR, "*.bpmn"), (PROCEDURES_DIR, "*.bpmn"),
                                       (FORMS_DIR, "*.schema.json"))
                 for p in d.glob(pat) if p not in files]
        for p in stale:
            print(f"out of date: {p}")
        for p in extra:
            print(f"not generated: {p}")
        return 1 if stale or extra else 0
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    print(f"wrote {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
