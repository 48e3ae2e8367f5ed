"""Load one process definition from a folder (its .bpmn files and forms/*.schema.json)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engine import exceptions as exc
from engine import services


def read_sources(folder: Path) -> dict[str, str]:
    files = sorted(folder.glob("*.bpmn")) + sorted(folder.glob("**/*.schema.json"))
    return {str(f.relative_to(folder)): f.read_text(encoding="utf-8") for f in files}


class Command(BaseCommand):
    help = "载入一个流程定义：目录下的 BPMN 文件与 forms/*.schema.json；内容变化时生成新版本。"

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--process", required=True, help="流程标识（BPMN process id）")

    def handle(self, *args, folder: Path, process: str, **options):
        if not folder.is_dir():
            raise CommandError(f"目录不存在：{folder}")
        try:
            with transaction.atomic():
                definition, created = services.register_definition(process_id=process, sources=read_sources(folder))
        except exc.EngineError as error:
            raise CommandError(f"[{error.code}] {error}") from error
        state = "新版本" if created else "内容未变"
        self.stdout.write(self.style.SUCCESS(f"{definition}（{state}，sha256 {definition.sha256[:12]}…）"))
