"""SVG badges: escaped, with their period and grade, at paths that never collide."""

from __future__ import annotations

from scorecard.badges import badge_paths, grade_badge, xml_text


def test_badge_paths_skip_a_pillar_badge_whose_name_is_taken() -> None:
    paths = badge_paths({"a": ["b", "c"], "a-b": ["c"]})
    assert paths[("a", None)] == "badges/a.svg"
    assert paths[("a-b", None)] == "badges/a-b.svg"
    assert ("a", "b") not in paths  # would be badges/a-b.svg, the overall badge of `a-b`
    assert paths[("a", "c")] == "badges/a-c.svg"
    assert paths[("a-b", "c")] == "badges/a-b-c.svg"


def test_a_badge_is_escaped_svg_with_its_period_and_grade() -> None:
    svg = grade_badge("Safety <&>", "2026-Q3", "B", 71.24, 'North "Valley"')
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<script" not in svg and "Safety &#60;&#38;&#62; 2026-Q3" in svg
    assert "B 71.2" in svg and 'aria-label="North &#34;Valley&#34;&#58; grade B' in svg
    assert "{++" not in grade_badge("Overall", "2026", "A", 90.0, "{++x++} ^^y^^")
    from xml.dom.minidom import parseString

    assert parseString(svg).documentElement.getAttribute("aria-label") == (
        'North "Valley": grade B (71.2) for 2026-Q3'
    )
    assert "no score" in grade_badge("Overall", "2026", None, None, "x")
    assert xml_text("a\x00b\x0bc\n d") == "a\ufffdb\ufffdc d"
