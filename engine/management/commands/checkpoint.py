"""Sign a checkpoint of the transparency log now, or write the day's file the county keeps."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from engine import clock
from engine.evidence import keys, log


class Command(BaseCommand):
    help = "透明日志：把新审计事件记入日志并签署检查点（--export-day 则导出某日的检查点文件供县里留存）。"

    def add_arguments(self, parser):
        parser.add_argument("--export-day", help="导出这一天（YYYY-MM-DD）的检查点、新增叶与一致性证明")
        parser.add_argument("--out", help="导出文件路径（默认 transparency-YYYY-MM-DD.json）")

    def handle(self, *args, export_day=None, out=None, **options):
        try:
            if export_day:
                day = date.fromisoformat(export_day)
                target = Path(out or f"transparency-{day.isoformat()}.json")
                data = log.day_export(day)
                target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
                self.stdout.write(f"{target}：检查点 {len(data['checkpoints'])} 个，新增叶 {len(data['leaves'])} 个")
                return
            checkpoint = log.make_checkpoint(now=clock.now())
        except keys.SigningKeyMissing as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{export_day}") from error
        self.stdout.write(f"检查点：日志大小 {checkpoint.tree_size}，根哈希 {checkpoint.root_hash}，"
                          f"时间 {checkpoint.time.isoformat()}，公钥 {checkpoint.key_id}")  # fmt: skip
