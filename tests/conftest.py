"""Shared test set-up: golden-file regeneration and a guard against unexpected warnings."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

pytest_plugins = ["site_helpers"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the expected outputs of the golden tests from the current behaviour",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


class LogGuard:
    """Warnings a test expects must be claimed with `expect()`; any other one fails the test."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        self.claimed: set[int] = set()

    def warnings(self) -> list[logging.LogRecord]:
        return [r for r in self.caplog.records if r.levelno >= logging.WARNING]

    def expect(self, pattern: str, count: int | None = None) -> list[str]:
        """Claim the warnings matching `pattern` (a regex); at least one, or exactly `count`."""
        found = [
            r
            for r in self.warnings()
            if id(r) not in self.claimed and re.search(pattern, r.getMessage())
        ]
        messages = [r.getMessage() for r in found]
        if count is None:
            assert found, f"no warning matches {pattern!r}; got {self.unclaimed()}"
        else:
            assert len(found) == count, f"{len(found)} warnings match {pattern!r}: {messages}"
        self.claimed.update(id(r) for r in found)
        return messages

    def unclaimed(self) -> list[str]:
        return [r.getMessage() for r in self.warnings() if id(r) not in self.claimed]


@pytest.fixture(autouse=True)
def log_guard(caplog: pytest.LogCaptureFixture) -> Iterator[LogGuard]:
    caplog.set_level(logging.INFO)
    guard = LogGuard(caplog)
    yield guard
    unexpected = guard.unclaimed()
    assert not unexpected, f"unexpected warnings: {unexpected}"
