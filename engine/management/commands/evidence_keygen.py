"""Generate the township's Ed25519 signing key for transparency-log checkpoints."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from engine.evidence import keys


class Command(BaseCommand):
    help = "生成乡镇的 Ed25519 签名密钥（检查点签名用）：私钥权限 0600，公钥另存 .pub.pem。已存在时不覆盖。"

    def add_arguments(self, parser):
        parser.add_argument("--path", help="私钥文件（默认 settings.EVIDENCE_SIGNING_KEY / 环境变量 TOWNSHIP_SIGNING_KEY）")
        parser.add_argument("--if-missing", action="store_true", help="已有密钥时静默跳过（供 make run 使用）")

    def handle(self, *args, path=None, if_missing=False, **options):
        target = Path(path) if path else keys.key_path()
        if target.exists():
            if if_missing:
                return
            raise CommandError(f"密钥已存在，不覆盖：{target}")
        keys.generate(target)
        public = keys.load_public_pem(keys.public_path(target).read_bytes())
        self.stdout.write(f"私钥：{target}（仅本机保存，权限 0600，务必另行备份）")
        self.stdout.write(f"公钥：{keys.public_path(target)}（交县纪委与公示栏，公钥标识 {keys.key_id(public)}）")
