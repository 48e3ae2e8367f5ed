"""Benchmark: render wall posters (权力运行流程图) as PDF with a pool of worker processes.

Usage::

    .venv/bin/python benchmarks/render_posters.py                  # the sample fixture, 31 times
    .venv/bin/python benchmarks/render_posters.py processes/bpmn   # every .bpmn under a folder
    .venv/bin/python benchmarks/render_posters.py DIR --kind risk --paper A4 --out /tmp/posters

Standalone: no Django. Each poster gets a placeholder power sheet built from its process name;
call activities are resolved against every process found under the folder. Prints the total
wall time and the median time per poster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diagrams import BpmnModel, PowerSheet, RiskPoint, build_flow_poster, build_risk_map, parse_bpmn  # noqa: E402

SAMPLE = ROOT / "tests" / "diagrams" / "fixtures" / "sample_dibao.bpmn"
POSTERS_WANTED = 31  # the township's power list
TARGET_SECONDS = 5.0

_CALLED: dict[str, BpmnModel] = {}


def placeholder_sheet(model: BpmnModel, index: int) -> PowerSheet:
    process = model.main_process()
    return PowerSheet(
        township="示范乡",
        code=f"BM-{index:02d}",
        name=process.name or process.id,
        category="行政给付",
        legal_bases=["《社会救助暂行办法》第十一条", "《最低生活保障审核确认办法》第十五条"],
        implementing_subject="示范乡人民政府",
        handling_unit="民政所",
        supervising_leader="分管副乡长",
        legal_limit="20个工作日",
        promised_limit="10个工作日",
        materials=["申请书", "身份证、户口簿复印件", "相关证明材料"],
        supervision_phone="0351-1234567（乡纪委）",
        complaint_phone="0351-7654321（便民服务中心）",
        issue_date=dt.date(2026, 3, 1),
        version="V1.0",
        public_url=f"https://gov.example.cn/township/powers/BM-{index:02d}",
    )


def sample_risks(model: BpmnModel) -> list[RiskPoint]:
    """One risk point per user task, levels cycling 高/中/低 (benchmark data only)."""
    tasks = [
        node for node in model.main_process().iter_nodes() if node.is_activity and node.parent_id is None
    ]
    levels = ("高", "中", "低")
    return [
        RiskPoint(
            node.id,
            f"{node.name or node.id}环节的廉政风险",
            levels[i % 3],
            ["双人办理", "全程留痕"],
            "经办人",
            "纪检委员",
        )
        for i, node in enumerate(tasks[:6])
    ]


def _init_worker(folder: str | None) -> None:
    if folder:
        for path in sorted(Path(folder).rglob("*.bpmn")):
            model = parse_bpmn(path)
            for process in model.processes:
                _CALLED.setdefault(process.id, model)


def render_one(job: tuple[int, str, str, str, str, str | None]) -> tuple[str, float, int]:
    index, path, kind, paper, fmt, out = job
    start = time.perf_counter()
    model = parse_bpmn(path)
    sheet = placeholder_sheet(model, index)
    if kind == "risk":
        poster = build_risk_map(sheet, model, sample_risks(model), paper=paper, called_models=_CALLED)  # type: ignore[arg-type]
    else:
        poster = build_flow_poster(sheet, model, paper=paper, called_models=_CALLED)  # type: ignore[arg-type]
    data = poster.render(fmt)  # type: ignore[arg-type]
    if out:
        target = Path(out) / f"{index:02d}_{Path(path).stem}_{kind}_{paper}.{fmt}"
        target.write_bytes(data)
    return path, time.perf_counter() - start, len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "folder", nargs="?", help="render every .bpmn under this folder (default: the sample x31)"
    )
    parser.add_argument("--kind", choices=("flow", "risk"), default="flow")
    parser.add_argument("--paper", choices=("A3", "A4"), default="A3")
    parser.add_argument("--format", dest="fmt", choices=("pdf", "svg", "png"), default="pdf")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", help="write the files into this folder")
    args = parser.parse_args(argv)

    if args.folder:
        paths = [str(p) for p in sorted(Path(args.folder).rglob("*.bpmn"))]
        if not paths:
            parser.error(f"no .bpmn files under {args.folder}")
    else:
        paths = [str(SAMPLE)] * POSTERS_WANTED
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    jobs = [(i, path, args.kind, args.paper, args.fmt, args.out) for i, path in enumerate(paths, start=1)]

    start = time.perf_counter()
    with ProcessPoolExecutor(
        max_workers=args.workers, initializer=_init_worker, initargs=(args.folder,)
    ) as pool:
        results = list(pool.map(render_one, jobs))
    total = time.perf_counter() - start

    per_poster = [seconds for _, seconds, _ in results]
    median, slowest = statistics.median(per_poster), max(per_poster)
    print(f"{len(results)} {args.kind} posters ({args.paper}, {args.fmt}) with {args.workers} workers")  # noqa: T201
    print(f"total {total:.2f} s; per poster median {median:.3f} s, max {slowest:.3f} s")  # noqa: T201
    if len(results) >= POSTERS_WANTED and args.paper == "A3" and args.fmt == "pdf":
        verdict = "met" if total <= TARGET_SECONDS else "NOT met"
        print(f"target: {POSTERS_WANTED} A3 PDF posters in ≤ {TARGET_SECONDS:g} s on 2 cores: {verdict}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
