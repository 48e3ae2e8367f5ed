"""The printable daily digest for the notice board: the day's latest signed checkpoint, its root
hash as text and as a QR code, and how to check it (also used by the dossier)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from diagrams.qr import qr_matrix
from engine.evidence import log
from engine.evidence.models import Checkpoint


def qr_svg(text: str, *, module: int = 4) -> str:
    """The QR code of `text` as an inline SVG of black squares (vector in HTML and PDF)."""
    matrix = qr_matrix(text)
    size = len(matrix) * module
    cells = "".join(
        f'<rect x="{x * module}" y="{y * module}" width="{module}" height="{module}"/>'
        for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
            f'<rect width="{size}" height="{size}" fill="#fff"/><g fill="#000">{cells}</g></svg>')  # fmt: skip


def checkpoint_qr_text(checkpoint: dict[str, Any]) -> str:
    """What the QR code holds: the signed checkpoint in its text form plus the signature."""
    return (f"{checkpoint['origin']}\n{checkpoint['tree_size']}\n{checkpoint['root_hash']}\n{checkpoint['time']}\n"
            f"— {checkpoint['key_id']} {checkpoint['signature']}")  # fmt: skip


def day_digest(day: date) -> dict[str, Any]:
    """The context of the digest of `day`: its last checkpoint (or the latest before it)."""
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=log.settings_tz())
    last = Checkpoint.objects.filter(time__lt=end).order_by("-tree_size", "-time").first()
    count = Checkpoint.objects.filter(time__lt=end, time__gte=end - timedelta(days=1)).count()
    if last is None:
        return {"day": day, "checkpoint": None, "count": 0}
    checkpoint = log.checkpoint_dict(last)
    return {"day": day, "checkpoint": checkpoint, "count": count, "qr": qr_svg(checkpoint_qr_text(checkpoint)),
            "public_key": log.public_key_info()}  # fmt: skip
