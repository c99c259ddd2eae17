"""The kinds of value the content files share: text of a bounded length, text that must show
something, ids, dates written plain or quoted, whole numbers and counts.

Each is a pydantic type whose JSON Schema says the same as the check: an editor that reads
`scorecard schema` accepts what `scorecard validate` accepts. Patterns are written so that
Python, JavaScript (editors) and pydantic's own regular expressions read them alike: no
flags, no `$` (Python's matches before a final line break), \\uXXXX escapes only.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

#: The longest text a field may hold, and the audit's free-text `notes`. Longer ones are an
#: error: a site has no use for them, and Markdown takes time that grows faster than their length.
MAX_TEXT = 2_000
MAX_NOTES = 10_000

#: Characters that show nothing on a page: white space, control characters, and Unicode's
#: default-ignorable characters (zero-width spaces and joiners, direction marks, the soft
#: hyphen, variation selectors, the Hangul fillers), all of the Basic Multilingual Plane.
INVISIBLE_RANGES = (
    (0x0000, 0x0020),
    (0x007F, 0x00A0),
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x1680, 0x1680),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x206F),
    (0x3000, 0x3000),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
)
#: Text with something visible in it: one character, at least, that is none of the above.
VISIBLE_PATTERN = (
    "[^"
    + "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}"
        for low, high in INVISIBLE_RANGES
    )
    + "]"
)
_VISIBLE = re.compile(VISIBLE_PATTERN)
#: An id: lower-case letters, digits and dashes, starting with a letter or digit.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*(?![\s\S])"
#: A pillar id of a framework, which may also hold underscores (complex_care).
PILLAR_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*(?![\s\S])"
METRIC_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*\.[a-z0-9][a-z0-9_]*(?![\s\S])"
WEB_LINK_PATTERN = "^[Hh][Tt][Tt][Pp][Ss]?://"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def has_visible_text(text: str) -> bool:
    return _VISIBLE.search(text) is not None


def _date_or_text(value: Any) -> Any:
    """A date written plain (YAML reads it as a date) or quoted (as text: JSON has no dates)."""
    if not isinstance(value, str):
        return value
    if not ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_text", "expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_impossible", "not a valid date") from None


def whole_number(value: Any) -> Any:
    """3.0 is the whole number 3, as JSON Schema's `integer` has it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Free text, of at most MAX_TEXT characters (``validate.long_texts`` tells the length).
Text = Annotated[str, Field(json_schema_extra={"maxLength": MAX_TEXT})]
#: Text that must have something visible in it: a name, a title.
VisibleText = Annotated[
    str,
    Field(
        min_length=1,
        pattern=VISIBLE_PATTERN,
        json_schema_extra={
            "maxLength": MAX_TEXT,
            "patternErrorMessage": "must have visible text, not only spaces or invisible "
            "characters",
        },
    ),
]
#: An id; ``validate`` says when one is not a slug (finding SC014), the schema by its pattern.
Slug = Annotated[
    str,
    Field(
        min_length=1,
        pattern=VISIBLE_PATTERN,
        json_schema_extra={
            "pattern": SLUG_PATTERN,
            "maxLength": MAX_TEXT,
            "patternErrorMessage": "a lower-case id: letters, digits and dashes",
        },
    ),
]
IsoDate = Annotated[date, BeforeValidator(_date_or_text)]
Whole = Annotated[int, BeforeValidator(whole_number)]
#: A count: a whole number, 0 or more. (A bound of a whole number goes before its validator,
#: or the JSON Schema would not show it.)
Count = Annotated[int, Field(ge=0), BeforeValidator(whole_number)]
