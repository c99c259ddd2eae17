"""``python -m scorecard.sample DIR``: write a sample project."""

from __future__ import annotations

import sys

from scorecard.sample import main

sys.exit(main(sys.argv[1:]))
