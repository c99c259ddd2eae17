"""The HTML block that embeds a chart in a Markdown page, and its spec's encoding there."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any

from scorecard.charts.chart import Chart
from scorecard.text import short_texts_once

# Characters Markdown, attr_list or Jinja could read as syntax, as numeric references; control
# characters (Markdown keeps its own placeholders in STX/ETX) become U+FFFD, and line breaks an
# entity, so the block never holds a blank line.
_INERT = [(c, f"&#{ord(c)};") for c in "*_`[]{}|\\\n"]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@short_texts_once
def _text(value: str) -> str:
    # str.replace per character is several times faster than str.translate on long specs.
    text = html.escape(value.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    for character, entity in _INERT:
        text = text.replace(character, entity)
    return _CONTROL.sub("\ufffd", text)


_TABLE_NAMES = {
    "pillar_scores": "Data: pillar scores",
    "trend": "Data: scores over time",
    "heatmap": "Data: grades by pillar",
    "distribution": "Data: distribution of scores",
    "histogram": "Data: distribution of scores",
}
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
    return _SPEC.sub(lambda match: f'data-spec="{_text(spec_text(match.group(1)))}"', page)


def chart_html(chart: Chart, *, chart_id: str) -> str:
    """The HTML block that embeds `chart` in a Markdown page.

    One block starting at column 0 with no blank line, so Python-Markdown passes it through
    untouched; every text is escaped, Markdown's own characters included. Put it between blank
    lines. The page's script draws the chart from the `data-spec` attribute (`encode_spec`).
    The data table is left out of the site's search index: its cells are no words to look for.
    """
    height = chart.spec.get("height")
    style = f' style="min-height:{int(height)}px"' if isinstance(height, int | float) else ""
    head = "".join(f'<th scope="col">{_text(c)}</th>' for c in chart.columns)
    body = [
        "<tr>"
        + "".join(
            f'<th scope="row">{_text(cell)}</th>' if i == 0 else f"<td>{_text(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in chart.rows
    ]
    # The drawing is one image to assistive technology (its marks are hidden from it), named by
    # the text alternative and focusable, so a keyboard reader can reach it and see the ring;
    # the data table scrolls in its own box, which takes focus so that it scrolls by keyboard.
    lines = [
        f'<figure class="scorecard-chart-figure" data-chart-kind="{_text(chart.kind)}">',
        f'<div class="scorecard-chart" id="{_text(chart_id)}"'
        f' data-spec="{encode_spec(chart.spec)}" role="img"'
        f' tabindex="0" aria-label="{_text(chart.alt)}"{style}></div>',
        f"<figcaption>{_text(chart.alt)}</figcaption>",
        '<details class="scorecard-chart-data" data-search-exclude>',
        "<summary>Data for this chart</summary>",
        f'<div class="scorecard-table-scroll" tabindex="0" role="region"'
        f' aria-label="{_text(_TABLE_NAMES.get(chart.kind, "Chart data"))}">',
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>",
        *body,
        "</tbody>\n</table>",
        "</div>",
        "</details>",
        "</figure>",
    ]
    return "\n".join(lines)
