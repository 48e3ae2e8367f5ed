"""Verify the record: every case's hash chain, the transparency log against every signed
checkpoint (in the database and given as files), definitions and snapshots, and the administration
log. Non-zero exit on any finding, each naming its class, the case, the sequence or range and the
checkpoint proving it."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from engine.evidence import keys
from engine.evidence.verify import verify_all
from engine.models import Case
from engine.services.administration import verify_admin_log


class Command(BaseCommand):
    help = ("校验审计记录：逐案重算哈希链，并对照签名检查点校验透明日志（含 --checkpoint 给出的外部检查点文件）、"
            "流程定义、流程快照与管理日志；发现篡改时以非零状态退出，指出类别、案件、序号或缺失范围以及证明它的检查点。")  # fmt: skip

    def add_arguments(self, parser):
        parser.add_argument("--case", help="只校验这一个案件（UUID 或案件编号）；日志与检查点照常校验")
        parser.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                            help="库外保存的检查点文件或县里留存的日文件（可多次给出）")  # fmt: skip
        parser.add_argument("--public-key", metavar="FILE", help="乡镇公钥（PEM），默认取本机签名密钥的公钥")
        parser.add_argument("--no-snapshots", action="store_true", help="不校验流程快照（较快）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出校验报告")

    def handle(self, *args, case=None, checkpoint=(), public_key=None, no_snapshots=False, json=False, **options):
        case_ids = None
        if case:
            found = Case.objects.filter(reference=case) if not _looks_like_uuid(case) else Case.objects.filter(pk=case)
            if not found.exists():
                raise CommandError(f"案件不存在：{case}")
            case_ids = [str(found.get().pk)]
        external = []
        for name in checkpoint:
            try:
                data = _load_json(Path(name))
            except (OSError, ValueError) as error:
                raise CommandError(f"无法读取检查点文件 {name}：{error}") from error
            external += [item | {"source": name} for item in (data if isinstance(data, list) else [data])]
        try:
            key = keys.load_public_pem(Path(public_key).read_bytes()) if public_key else None
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取公钥 {public_key}：{error}") from error
        started = time.perf_counter()
        report = verify_all(external=external, public_key=key, case_ids=case_ids, snapshots=not no_snapshots)
        seconds = time.perf_counter() - started
        admin_log = verify_admin_log() if not case else None
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            if admin_log is not None:
                self.stdout.write(_dumps(admin_log.as_dict()))
        for finding in report.findings:
            self.stderr.write(f"审计记录异常：{finding.line()}")
        if admin_log is not None and not admin_log.ok:
            self.stderr.write(f"管理日志断裂：第 {admin_log.first_bad_sequence} 条：{admin_log.problem}")
        if not report.ok or (admin_log is not None and not admin_log.ok):
            failed = [f"发现 {len(report.findings)} 处异常（{report.cases} 个案件）"] if not report.ok else []
            failed += ["管理日志校验失败"] if admin_log is not None and not admin_log.ok else []
            raise CommandError("；".join(failed), returncode=2)
        if not json:
            latest = report.latest_checkpoint
            anchor = (f"；透明日志 {report.leaves} 个叶与 {report.checkpoints} 个签名检查点一致（最新：{latest['tree_size']} @ "
                      f"{latest['time']}）" if latest else "；尚无签名检查点")  # fmt: skip
            pending = f"，{report.unlogged_events} 条新事件待下次检查点" if report.unlogged_events else ""
            self.stdout.write(self.style.SUCCESS(f"审计链完好：{report.cases} 个案件全部通过校验{anchor}{pending}"))
            if admin_log is not None:
                self.stdout.write(self.style.SUCCESS(f"管理日志完好：{admin_log.events} 条"))
            self.stdout.write(_("用时 %(seconds).1f 秒：%(events)s 条事件，每秒 %(rate)s 条，每秒 %(cases)s 个案件") % {
                "seconds": seconds, "events": report.events, "rate": f"{report.events / max(seconds, 1e-9):,.0f}",
                "cases": f"{report.cases / max(seconds, 1e-9):,.0f}"})  # fmt: skip


def _load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _looks_like_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
