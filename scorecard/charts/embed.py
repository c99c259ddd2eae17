"""The HTML block that embeds a chart in a Markdown page, and its spec's encoding there."""

from __future__ import annotations

from scorecard.charts.chart import Chart
from scorecard.chartspec import attribute_text, encode_spec

_TABLE_NAMES = {
    "pillar_scores": "Data: pillar scores",
    "trend": "Data: scores over time",
    "heatmap": "Data: grades by pillar",
    "distribution": "Data: distribution of scores",
    "histogram": "Data: distribution of scores",
    "changes": "Data: changes between consecutive periods",
}


def chart_html(chart: Chart, *, chart_id: str, table_on_page: bool = False) -> str:
    """The HTML block that embeds `chart` in a Markdown page.

    One block starting at column 0 with no blank line, so Python-Markdown passes it through
    untouched; every text is escaped, Markdown's own characters included. Put it between blank
    lines. The page's script draws the chart from the `data-spec` attribute (`encode_spec`).
    The data table is left out of the site's search index: its cells are no words to look for.
    ``table_on_page``: the page shows the same data in a table of its own, so that on paper
    the chart's table is left out (`data-table-on-page`) rather than printed twice.
    """
    height = chart.spec.get("height")
    style = f' style="min-height:{int(height)}px"' if isinstance(height, int | float) else ""
    head = "".join(f'<th scope="col">{attribute_text(c)}</th>' for c in chart.columns)
    body = [
        "<tr>"
        + "".join(
            f'<th scope="row">{attribute_text(cell)}</th>'
            if i == 0
            else f"<td>{attribute_text(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in chart.rows
    ]
    # The drawing is one image to assistive technology (its marks are hidden from it), named by
    # the text alternative and focusable, so a keyboard reader can reach it and see the ring;
    # the data table scrolls in its own box, which takes focus so that it scrolls by keyboard.
    lines = [
        f'<figure class="scorecard-chart-figure" data-chart-kind="{attribute_text(chart.kind)}">',
        f'<div class="scorecard-chart" id="{attribute_text(chart_id)}"'
        f' data-spec="{encode_spec(chart.spec)}" role="img"'
        f' tabindex="0" aria-label="{attribute_text(chart.alt)}"{style}></div>',
        f"<figcaption>{attribute_text(chart.alt)}</figcaption>",
        '<details class="scorecard-chart-data" data-search-exclude'
        + (" data-table-on-page" if table_on_page else "")
        + ">",
        "<summary>Data for this chart</summary>",
        f'<div class="scorecard-table-scroll" tabindex="0" role="region"'
        f' aria-label="{attribute_text(_TABLE_NAMES.get(chart.kind, "Chart data"))}">',
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>",
        *body,
        "</tbody>\n</table>",
        "</div>",
        "</details>",
        "</figure>",
    ]
    return "\n".join(lines)
