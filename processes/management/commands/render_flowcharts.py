"""Render the wall charts of the powers: 权力运行流程图 and 廉政风险防控图."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from processes.charts import (
    FORMATS, KINDS, PAPERS, POSTER, RelativeQrRefused, power_charts, procedure_charts, public_page_url,
)  # fmt: skip
from processes.models import Power
from processes.procedures import by_code, procedures


class Command(BaseCommand):
    help = "生成权力运行流程图（poster）或廉政风险防控图（risk），PDF/SVG/PNG，A3/A4。"

    def add_arguments(self, parser):
        parser.add_argument("--power", help="只生成这一项权力或制度程序（编码，如 JF-01、SZ-04）")
        parser.add_argument("--procedures", action="store_true", dest="procedures_only",
                            help="生成全部制度程序（“三重一大”、“四议两公开”、问责、“四谈话”）的图")
        parser.add_argument("--kind", choices=KINDS, default=POSTER)
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("--paper", choices=PAPERS, default="A3")
        parser.add_argument("--out", default="out/flowcharts", help="输出目录")
        parser.add_argument("--public-base", default=None,
                            help="二维码指向的公开网站地址（如 https://xx.gov.cn/），默认取 PUBLIC_BASE_URL 设置")
        parser.add_argument("--allow-relative-qr", action="store_true",
                            help="没有完整网址时仍然生成（二维码只含相对路径，手机无法打开；仅用于草稿）")

    def handle(self, *args, power=None, kind=POSTER, format="pdf", paper="A3", out="out/flowcharts",
               public_base=None, allow_relative_qr=False, procedures_only=False, **options):  # fmt: skip
        try:
            public_page_url("XX-00", public_base, allow_relative=allow_relative_qr)
        except RelativeQrRefused as exc:
            raise CommandError(f"{exc}（{exc.code}；草稿可加 --allow-relative-qr）") from exc
        chosen = by_code(power) if power else None
        if procedures_only or chosen is not None:  # the institutions: 三重一大, 四议两公开, 问责, 四谈话
            powers = [chosen] if chosen is not None else list(procedures())
        else:
            rows = Power.objects.filter(is_active=True).select_related("category", "supervision_phone_setting")
            if power:
                rows = rows.filter(code=power)
                if not rows.exists():
                    raise CommandError(f"权力清单中没有 {power}")
            powers = list(rows.order_by("category__order", "sequence"))
        if not powers:
            raise CommandError("权力清单为空：请先运行 load_catalog")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        label = "风险防控图" if kind != POSTER else "运行流程图"
        for item in tqdm(powers, desc=f"生成{label}", unit="项", file=self.stderr._out, disable=len(powers) < 2):
            make = power_charts if isinstance(item, Power) else procedure_charts
            charts = make(item, public_base=public_base, allow_relative=allow_relative_qr)
            chart = charts.build(kind, paper=paper)
            if format == "pdf" or chart.pages == 1:  # one PDF holds every sheet
                (folder / f"{item.code}-{kind}-{paper}.{format}").write_bytes(chart.render(format))
                continue
            for number, data in enumerate(chart.render_pages(format), start=1):
                (folder / f"{item.code}-{kind}-{paper}-p{number}.{format}").write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已生成 {len(powers)} 张{label}（{paper}，{format}）到 {folder}"))
