"""QR codes of links (segno, pure Python): inline SVG for pages, PNG for PDFs."""

import io

import segno


def qr_svg(url: str, *, scale: int = 4) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale)


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()
