"""The sources of a definition, read from the committed files: the power file, every block it calls
(transitively) and every form its tasks name. Keys are paths relative to `processes/` (the engine
only looks at the suffix and, for forms, the base name)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent  # processes/
BPMN_DIR = ROOT / "bpmn"
BLOCKS_DIR = BPMN_DIR / "blocks"
POWERS_DIR = BPMN_DIR / "powers"
PROCEDURES_DIR = BPMN_DIR / "procedures"  # the institutions (processes/catalog/procedures.yaml)
FORMS_DIR = ROOT / "forms"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def _refs(path: Path) -> tuple[set[str], set[str]]:
    tree = etree.parse(str(path))
    called = {e.get("calledElement") for e in tree.iterfind(".//bpmn:callActivity", NS)}
    forms = {e.get("value") for e in tree.iterfind(".//spiffworkflow:property[@name='form']", NS)}
    return called, forms


@cache
def block_files() -> dict[str, Path]:
    """Block process id -> file."""
    result = {}
    for path in sorted(BLOCKS_DIR.glob("*.bpmn")):
        for proc in etree.parse(str(path)).iterfind("bpmn:process", NS):
            result[proc.get("id")] = path
    return result


def power_file(process_id_or_code: str) -> Path:
    """`power_jf_01`, `jf_01` or `JF-01` -> processes/bpmn/powers/jf_01.bpmn; a procedure's
    `proc_sz_01` -> processes/bpmn/procedures/sz_01.bpmn."""
    if process_id_or_code.startswith("proc_"):
        return PROCEDURES_DIR / f"{process_id_or_code.removeprefix('proc_')}.bpmn"
    slug = process_id_or_code.removeprefix("power_").lower().replace("-", "_")
    return POWERS_DIR / f"{slug}.bpmn"


def definition_sources(process_id_or_code: str) -> dict[str, str]:
    """{relative file name: text} of a power: its file, the blocks it calls and the forms it names."""
    main = power_file(process_id_or_code)
    files: dict[Path, None] = {main: None}
    forms: set[str] = set()
    queue = [main]
    blocks = block_files()
    while queue:
        called, named = _refs(queue.pop())
        forms |= named
        for block in sorted(called):
            path = blocks[block]
            if path not in files:
                files[path] = None
                queue.append(path)
    prefix = "proc" if main.parent == PROCEDURES_DIR else "power"
    start = FORMS_DIR / f"start_{prefix}_{main.stem}.schema.json"  # the power's start data (立案数据)
    paths = list(files) + [FORMS_DIR / f"{name}.schema.json" for name in sorted(forms)] + ([start] if start.exists() else [])
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths}


def power_process_ids() -> list[str]:
    return [f"power_{p.stem}" for p in sorted(POWERS_DIR.glob("*.bpmn"))]
