"""Draw any BPMN 2.0 file as SVG (or PDF/PNG, from the output file's suffix)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagrams import BpmnParseError, render, to_digraph


class Command(BaseCommand):
    help = "把任意 BPMN 2.0 文件画成流程图：manage.py render_bpmn FILE --out FILE.svg（.pdf/.png 亦可）。"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, file: Path, out: Path, **options):
        from diagrams import parse_bpmn

        fmt = out.suffix.lstrip(".").lower()
        if fmt not in ("svg", "pdf", "png"):
            raise CommandError("--out 的扩展名须为 .svg、.pdf 或 .png")
        try:
            model = parse_bpmn(file)
        except BpmnParseError as error:
            raise CommandError(f"[{error.code}] {file}：{error}") from error
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render(to_digraph(model), fmt))
        self.stdout.write(self.style.SUCCESS(f"{file} → {out}"))
