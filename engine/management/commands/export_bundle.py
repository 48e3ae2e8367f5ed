"""Write the offline inspector bundle of one case (a zip with a standalone verifier)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from engine import clock
from engine.evidence import keys, log
from engine.evidence.bundle import build_bundle
from engine.evidence.models import LogLeaf
from engine.management.commands.replay_case import find_case


class Command(BaseCommand):
    help = "导出案件离线核查包：审计事件、流程源文件、包含证明、签名检查点、公钥与独立核查程序（一个 zip）。"

    def add_arguments(self, parser):
        parser.add_argument("case", help="案件 UUID 或案件编号")
        parser.add_argument("--out", help="输出文件（默认 <案件编号>-bundle.zip）")

    def handle(self, *args, case, out=None, **options):
        found = find_case(case)
        try:
            if LogLeaf.objects.filter(case_id=found.pk).count() < found.last_sequence:
                log.make_checkpoint(now=clock.now())  # cover the case's latest events first
            data = build_bundle(found)
        except keys.SigningKeyMissing as error:
            raise CommandError(str(error)) from error
        target = Path(out or f"{found.reference}-bundle.zip")
        target.write_bytes(data)
        self.stdout.write(f"{target}：案件 {found.reference}，{found.last_sequence} 条事件，{len(data)} 字节")
