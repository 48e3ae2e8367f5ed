"""Draw any BPMN 2.0 file as SVG (or PDF/PNG, from the output file's suffix).

``--layout modelled`` (the default) draws the file's own diagram (BPMN DI) as its modeller drew
it; a file without a diagram, and any process no diagram shows, gets the automatic layout.
``--layout auto`` re-lays the whole file top-to-bottom with graphviz, as before.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagrams import BpmnParseError, DiagramError, render, to_digraph


class Command(BaseCommand):
    help = (
        "把任意 BPMN 2.0 文件画成流程图：manage.py render_bpmn FILE --out FILE.svg（.pdf/.png 亦可）。"
        "默认按文件自带的图形信息（BPMN DI）照原样绘制；文件没有图形信息时自动布局。"
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="BPMN 2.0 文件")
        parser.add_argument("--out", type=Path, required=True, help="输出文件，扩展名 .svg、.pdf 或 .png")
        parser.add_argument(
            "--layout",
            choices=("modelled", "auto"),
            default="modelled",
            help="modelled（默认）：照文件中的图形位置绘制，没有图形的流程自动布局；"
            "auto：忽略文件中的图形，全部自上而下自动布局",
        )
        parser.add_argument(
            "--diagram",
            default=None,
            help="文件含多张图时选哪一张：图的 id 或序号（从 1 起），默认第一张；仅用于 modelled",
        )
        parser.add_argument(
            "--max-width", type=int, default=None, help="PNG/PDF 的最大宽度（像素），超出时等比缩小；仅用于 modelled"
        )
        parser.add_argument("--zoom", type=float, default=1.5, help="PNG/PDF 的缩放倍数，默认 1.5；仅用于 modelled")

    def handle(self, *args, file: Path, out: Path, layout: str, diagram: str | None, max_width: int | None,
               zoom: float, **options):
        from diagrams import parse_bpmn
        from diagrams.modelled import render_modelled

        fmt = out.suffix.lstrip(".").lower()
        if fmt not in ("svg", "pdf", "png"):
            raise CommandError("--out 的扩展名须为 .svg、.pdf 或 .png")
        if not 0.05 <= zoom <= 10:
            raise CommandError("--zoom 须在 0.05 与 10 之间")
        try:
            if layout == "auto":
                data = render(to_digraph(parse_bpmn(file)), fmt)
            else:
                data = render_modelled(file, fmt, diagram=diagram, zoom=zoom, max_width=max_width)
        except BpmnParseError as error:
            raise CommandError(f"[{error.code}] {file}：{error}") from error
        except DiagramError as error:
            raise CommandError(f"[{error.code}] {error}") from error
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{file} → {out}"))
