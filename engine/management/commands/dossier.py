"""Render the case dossier (有记录) as one A4 PDF."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from engine.evidence.dossier import render_pdf
from engine.management.commands.replay_case import find_case


class Command(BaseCommand):
    help = "生成案件档案 PDF（A4）：封面、办理过程、补正告知、会议（表态、不同意见、纪要、签字）、公示与异议、决定、流程图、文件摘要、链头与检查点。"

    def add_arguments(self, parser):
        parser.add_argument("case", help="案件 UUID 或案件编号")
        parser.add_argument("--out", help="输出文件（默认 <案件编号>-dossier.pdf）")

    def handle(self, *args, case, out=None, **options):
        found = find_case(case)
        data = render_pdf(found)
        target = Path(out or f"{found.reference}-dossier.pdf")
        target.write_bytes(data)
        self.stdout.write(f"{target}：案件 {found.reference} 档案，{len(data)} 字节")
