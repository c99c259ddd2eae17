"""scorecard: audits of organisational health, scored and published."""

from __future__ import annotations

#: The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"

#: The name it installs under (`pip install hospital-scorecard`); the command and the package
#: are `scorecard`.
DISTRIBUTION = "hospital-scorecard"


def installed_version() -> str:
    """The version installed, from the distribution's own metadata; ``__version__`` when it
    runs from a folder that was not installed."""
    import importlib.metadata  # only `init` asks; the other commands start without it

    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return __version__
