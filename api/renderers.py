"""Renderers for the chart endpoints: the view hands over finished bytes; an error body (a dict)
is written as JSON whatever format was asked for."""

from __future__ import annotations

import json

from rest_framework.renderers import BaseRenderer


class _BinaryRenderer(BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class SVGRenderer(_BinaryRenderer):
    media_type, format = "image/svg+xml", "svg"


class PDFRenderer(_BinaryRenderer):
    media_type, format = "application/pdf", "pdf"


class PNGRenderer(_BinaryRenderer):
    media_type, format = "image/png", "png"
