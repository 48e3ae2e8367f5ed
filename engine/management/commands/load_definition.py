"""Load one process definition from a folder (its .bpmn files and forms/*.schema.json).

Standard executable BPMN from other modelers is accepted where the engine can run it (see
engine/bpmn/standard.py); the command prints what it translated, what runs differently and what
cannot run, per element, and exits non-zero when the definition cannot run. ``--check`` only
reports and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engine import exceptions as exc
from engine import services

SEVERITY_LABELS = {"error": "不能运行", "warning": "注意", "info": "已转换"}


def read_sources(folder: Path) -> dict[str, str]:
    files = sorted(folder.glob("*.bpmn")) + sorted(folder.glob("**/*.schema.json"))
    return {str(f.relative_to(folder)): f.read_text(encoding="utf-8") for f in files}


def report_lines(findings: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per finding, in Chinese: severity, code, BPMN id (element kind), file, reason."""
    return [
        f"  [{SEVERITY_LABELS.get(f['severity'], f['severity'])}] {f['code']} {f['bpmn_id']}（{f['kind']}，"
        f"{f['filename']}）：{f['reason_zh']}"
        for f in findings
    ]


class Command(BaseCommand):
    help = (
        "载入一个流程定义：目录下的 BPMN 文件与 forms/*.schema.json；内容变化时生成新版本。"
        "其他建模工具导出的标准可执行 BPMN（ISO 8601 定时、JUEL/FEEL 条件）经转换后载入，逐元素报告不能运行之处。"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--process", required=True, help="流程标识（BPMN process id）")
        parser.add_argument("--check", action="store_true", help="只检查并报告，不保存")

    def handle(self, *args, folder: Path, process: str, check: bool = False, **options):
        if not folder.is_dir():
            raise CommandError(f"目录不存在：{folder}")
        sources = read_sources(folder)
        try:
            findings = [f.as_dict() for f in services.check_definition(process_id=process, sources=sources)]
            if not check:
                with transaction.atomic():
                    definition, created = services.register_definition(process_id=process, sources=sources)
        except exc.DefinitionNotRunnable as error:
            self.stderr.write("\n".join(["以下元素不能在本引擎运行，未保存：", *report_lines(error.findings)]))
            raise CommandError(f"[{error.code}] {error}") from error
        except exc.EngineError as error:
            raise CommandError(f"[{error.code}] {error}") from error
        if findings:
            self.stdout.write("\n".join(["标准 BPMN 转换报告：", *report_lines(findings)]))
        if check:
            self.stdout.write(self.style.SUCCESS(f"检查通过：{process} 可以载入（未保存）"))
            return
        state = "新版本" if created else "内容未变"
        self.stdout.write(self.style.SUCCESS(f"{definition}（{state}，sha256 {definition.sha256[:12]}…）"))
