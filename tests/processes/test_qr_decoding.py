"""The QR code on every wall chart opens the power's public page: a real decoder (zbar) reads it
from the PNG, from the PDF rasterized (poppler) and from the SVG rasterized (librsvg)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from processes.charts import POSTER, RISK, RelativeQrRefused, power_charts, public_page_url
from processes.models import Power

pytestmark = pytest.mark.django_db
BASE = "https://xiang.example.gov.cn/"


def _decoded(image: Image.Image) -> list[str]:
    return [symbol.data.decode("utf-8") for symbol in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]


def _from_pdf(pdf: bytes, folder: Path) -> Image.Image:
    (folder / "chart.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(folder / "chart.pdf"), str(folder / "pdf")],
                   capture_output=True, check=True)  # fmt: skip
    return Image.open(folder / "pdf.png")


def _from_svg(svg: bytes, folder: Path) -> Image.Image:
    (folder / "chart.svg").write_bytes(svg)
    # rsvg-convert draws 1 pt as 1.33 px at zoom 1; zoom 1.5625 gives 150 dpi like the PNG.
    subprocess.run(["rsvg-convert", "--zoom", "1.5625", "--background-color", "white", "-o", str(folder / "svg.png"),
                    str(folder / "chart.svg")], capture_output=True, check=True)  # fmt: skip
    return Image.open(folder / "svg.png")


@pytest.fixture
def listed(db, capsys):
    call_command("load_catalog")
    capsys.readouterr()


def test_the_public_page_url_is_absolute_and_a_relative_one_is_refused(settings):
    settings.PUBLIC_BASE_URL = "https://xiang.example.gov.cn"
    assert public_page_url("JF-01") == "https://xiang.example.gov.cn/public/powers/JF-01/"
    assert public_page_url("JF-01", "http://10.0.0.5:8000/") == "http://10.0.0.5:8000/public/powers/JF-01/"
    settings.PUBLIC_BASE_URL = ""
    for base in ("", "/", "xiang.gov.cn", "ftp://x/"):
        with pytest.raises(RelativeQrRefused):
            public_page_url("JF-01", base)
    assert public_page_url("JF-01", "", allow_relative=True) == "/public/powers/JF-01/"


def test_render_flowcharts_refuses_a_relative_qr_code_unless_told(listed, settings, tmp_path):
    settings.PUBLIC_BASE_URL = ""
    with pytest.raises(CommandError, match="public_base_url_required"):
        call_command("render_flowcharts", "--power", "QT-02", "--format", "svg", "--out", str(tmp_path / "a"))
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())
    call_command("render_flowcharts", "--power", "QT-02", "--format", "svg", "--allow-relative-qr",
                 "--out", str(tmp_path / "b"))  # fmt: skip
    assert any((tmp_path / "b").iterdir())
    settings.PUBLIC_BASE_URL = BASE
    call_command("render_flowcharts", "--power", "QT-02", "--format", "svg", "--out", str(tmp_path / "c"))
    svg = b"".join(path.read_bytes() for path in (tmp_path / "c").iterdir())
    assert b"https://xiang.example.gov.cn/public/powers/QT-02/" in svg


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("rsvg-convert")), reason="make system-deps")
@pytest.mark.parametrize("paper", ["A3", "A4"])
def test_zbar_reads_the_qr_code_of_every_chart_in_every_format(listed, paper, tmp_path):
    unread: list[str] = []
    checked = 0
    for power in Power.objects.filter(is_active=True).select_related("category", "supervision_phone_setting"):
        charts = power_charts(power, public_base=BASE)
        expected = [public_page_url(power.code, BASE)]
        for kind in (POSTER, RISK) if charts.risks else (POSTER,):
            chart = charts.build(kind, paper=paper)
            last = chart.pages  # the QR code is in the footer, on the last sheet
            images = {
                "png": Image.open(io.BytesIO(chart.render("png", page=last))),
                "pdf": _from_pdf(chart.render("pdf", page=last), tmp_path),
                "svg": _from_svg(chart.render("svg", page=last), tmp_path),
            }
            for fmt, image in images.items():
                checked += 1
                if _decoded(image) != expected:
                    unread.append(f"{power.code} {kind} {paper} {fmt}: {_decoded(image)}")
    assert checked >= 31 * 3
    assert not unread, unread
