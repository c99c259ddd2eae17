"""Printed packets as pictures: each PDF page rendered by PDFium (pypdfium2), how much of it is
left blank, and a PNG of it to look at."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

DPI = 60
#: The packets' page margins (scorecard/assets/scorecard-print.css, @page): top and bottom, mm.
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 18, 16
A4_HEIGHT_MM = 297
INK = 235  # a grey level below this (0 black, 255 white) is ink


@dataclass(frozen=True)
class PageImage:
    """One page in grey levels, one byte a pixel, row after row."""

    width: int
    height: int
    pixels: bytes

    def row(self, y: int) -> bytes:
        return self.pixels[y * self.width : (y + 1) * self.width]

    def inked(self, y: int) -> bool:
        return min(self.row(y)) < INK

    def blank_share(self) -> float:
        """The longest run of blank rows inside the margins, as a share of their height: a page
        that ends half way down, or has a gap of half a page, is 0.5 blank."""
        top = round(self.height * MARGIN_TOP_MM / A4_HEIGHT_MM)
        bottom = self.height - round(self.height * MARGIN_BOTTOM_MM / A4_HEIGHT_MM)
        longest = run = 0
        for y in range(top, bottom):
            run = 0 if self.inked(y) else run + 1
            longest = max(longest, run)
        return longest / (bottom - top)

    def png(self) -> bytes:
        """The page as a greyscale PNG."""
        raw = b"".join(b"\x00" + self.row(y) for y in range(self.height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 0, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b"")
        )


def page_images(path: Path, dpi: int = DPI) -> list[PageImage]:
    """Every page of the PDF at ``path``, rendered in grey at ``dpi``."""
    document = pdfium.PdfDocument(str(path))
    try:
        out = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            width, height, stride = bitmap.width, bitmap.height, bitmap.stride
            data = bytes(bitmap.buffer)
            pixels = b"".join(data[y * stride : y * stride + width] for y in range(height))
            out.append(PageImage(width, height, pixels))
            bitmap.close()
            page.close()
        return out
    finally:
        document.close()
