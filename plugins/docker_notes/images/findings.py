"""What the image checks report: finding kinds, their default levels, and how a finding reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

Level = Literal["ignore", "info", "warn"]

# Warn-level findings fail `mkdocs build --strict` and make `python -m docker_notes check` exit 1.
DEFAULT_LEVELS: dict[str, Level] = {
    "missing": "warn",
    "undefined-reference": "warn",
    "case-mismatch": "warn",
    "outside-docs": "warn",
    "absolute-path": "warn",
    "excluded": "warn",
    "not-a-file": "warn",
    "empty-file": "warn",
    "not-an-image": "warn",
    "wrong-extension": "warn",
    "empty-alt": "info",
    "oversized": "info",
    "remote": "info",
    "orphan": "info",
}
KINDS = tuple(DEFAULT_LEVELS)

# The browser shows nothing for these: under `mkdocs serve` the image becomes a box naming them.
BROKEN = frozenset(
    {
        "missing",
        "case-mismatch",
        "outside-docs",
        "absolute-path",
        "excluded",
        "not-a-file",
        "empty-file",
        "not-an-image",
    }
)


def levels_with(overrides: dict[str, str] | None) -> dict[str, Level]:
    """The default levels updated by the `levels:` option; ValueError for an unknown kind/level."""
    levels = dict(DEFAULT_LEVELS)
    for kind, level in (overrides or {}).items():
        if kind not in DEFAULT_LEVELS:
            raise ValueError(
                f"unknown image finding kind {kind!r}; known kinds: {', '.join(KINDS)}"
            )
        if level not in ("ignore", "info", "warn"):
            raise ValueError(f"level of {kind!r} must be ignore, info or warn, not {level!r}")
        levels[kind] = cast(Level, level)
    return levels


@dataclass(frozen=True)
class Finding:
    kind: str
    level: Level
    path: str  # relative to the project directory (mkdocs.yml's folder), so editors can jump to it
    line: int  # 1-based, in the source file with its front matter; 0 for a finding about no line
    col: int  # 1-based
    message: str

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.col}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"
