"""A chart's Vega-Lite spec as it travels in a page: compact JSON, base64, in the `data-spec`
attribute of the chart's block (``scorecard.charts.chart_html``), and the text an attribute value
becomes there. Kept apart from the charts themselves, so that what reads a built page (the
public site's scan) needs no charting library.
"""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any

from scorecard.text import short_texts_once

# Characters Markdown, attr_list or Jinja could read as syntax, as numeric references; control
# characters (Markdown keeps its own placeholders in STX/ETX) become U+FFFD, and line breaks an
# entity, so the block never holds a blank line.
_INERT = [(c, f"&#{ord(c)};") for c in "*_`[]{}|\\\n"]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@short_texts_once
def attribute_text(value: str) -> str:
    # str.replace per character is several times faster than str.translate on long specs.
    text = html.escape(value.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    for character, entity in _INERT:
        text = text.replace(character, entity)
    return _CONTROL.sub("\ufffd", text)


_SPEC = re.compile(r'data-spec="([A-Za-z0-9+/=]*)"')


def encode_spec(spec: dict[str, Any]) -> str:
    """A spec as a `data-spec` value: its compact JSON, UTF-8, in standard base64.

    Base64 needs no character references, which Python-Markdown and MkDocs' search would decode
    one by one on every page.
    """
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def spec_text(value: str) -> str:
    """The JSON text of a `data-spec` value; the value itself when it is not base64 of UTF-8."""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError
        return value


def decode_spec(value: str) -> dict[str, Any]:
    """The spec of a `data-spec` value (base64, or JSON as earlier builds wrote it)."""
    spec: dict[str, Any] = json.loads(spec_text(value))
    return spec


def with_plain_specs(page: str) -> str:
    """An HTML page with each chart's spec written out as escaped JSON text, as a scan for
    text (internal words, unpublished ids) must read it: base64 hides what it holds."""
    return _SPEC.sub(lambda match: f'data-spec="{attribute_text(spec_text(match.group(1)))}"', page)
