"""Charts: Vega-Lite specifications built with Altair and drawn in the browser by vega-embed.

Each builder takes plain rows (tuples; the NamedTuples of `chart` name their fields) and
returns a `Chart`: a complete spec with the rows as inline data, a text alternative and the
same data as a table. Altair runs once per kind of chart (the spec is cached as a template); a
page only pays for a copy of the template with its own rows stamped in, so thousands of pages
stay cheap. A page's chart never grows with the number of institutions it compares: above
`DOTS_UP_TO` scored institutions, a distribution is a histogram of `BINS` bins (and up to
`NAMED_UP_TO`, every dot is named on the chart), and a `Spread`
(a group's scores sorted once) gives each member's page its bins, median and rank without a
pass over the group.

`chart_html()` gives the block a Markdown page embeds, its spec in base64 (`encode_spec`;
`spec_text` and `decode_spec` read it back, and `with_plain_specs` writes a page's specs out
as text for a scan). The browser side, which draws the charts, ships with the site
(`scorecard.site.assets`). Nothing here writes files.

The modules: `chart` (the `Chart` type, the rows, grade bands and palettes, and the helpers
every builder shares), `institution` (one institution's pillar scores and trend), `groups` (a
heat map of many institutions, and the distribution of their scores), `evidence` (the changes
in a pillar's score against the changes in an outcome, with the fitted line) and `embed` (the
HTML block a page embeds). Their public names are this package's.
"""

from __future__ import annotations

from scorecard.charts.chart import (
    DEFAULT_BANDS,
    GRADE_PALETTE,
    HEATMAP_SCHEME,
    HIGHLIGHT_COLOUR,
    MISSING_FILL,
    OKABE_ITO,
    OTHERS_COLOUR,
    RULE_COLOUR,
    Chart,
    DistributionRow,
    HeatmapRow,
    PillarRow,
    TrendRow,
)
from scorecard.charts.embed import chart_html
from scorecard.charts.evidence import GRID, POINTS_UP_TO, changes_scatter
from scorecard.charts.groups import (
    BINS,
    DOTS_UP_TO,
    NAMED_UP_TO,
    Spread,
    distribution,
    heatmap,
    histogram,
    spread,
)
from scorecard.charts.institution import pillar_scores, trend, with_framework_marks
from scorecard.chartspec import decode_spec, encode_spec, spec_text, with_plain_specs

__all__ = [
    "BINS",
    "DEFAULT_BANDS",
    "DOTS_UP_TO",
    "GRID",
    "GRADE_PALETTE",
    "HEATMAP_SCHEME",
    "HIGHLIGHT_COLOUR",
    "MISSING_FILL",
    "NAMED_UP_TO",
    "OKABE_ITO",
    "OTHERS_COLOUR",
    "POINTS_UP_TO",
    "RULE_COLOUR",
    "Chart",
    "DistributionRow",
    "HeatmapRow",
    "PillarRow",
    "Spread",
    "TrendRow",
    "changes_scatter",
    "chart_html",
    "decode_spec",
    "distribution",
    "encode_spec",
    "heatmap",
    "histogram",
    "pillar_scores",
    "spec_text",
    "spread",
    "trend",
    "with_framework_marks",
    "with_plain_specs",
]
