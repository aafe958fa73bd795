"""Did-you-mean: the closest known word to a typo (`rum` → `run`, `ngnix` → `nginx`)."""

from __future__ import annotations

import functools
from collections.abc import Iterable


def distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit (`ngnix` → `nginx` is 1)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def closest(word: str, choices: Iterable[str], max_share: float = 0.34) -> str | None:
    """The nearest choice within about a third of the word's length; ties go to the same length."""
    return _closest(word, tuple(choices), max_share)


@functools.lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...], max_share: float) -> str | None:
    limit = max(1, int(len(word) * max_share))
    best: tuple[int, int, str] | None = None
    lowered = word.lower()
    for choice in choices:
        if choice == word:
            return None
        if abs(len(choice) - len(word)) > limit:
            continue  # cannot be within the limit: skip the quadratic distance
        d = distance(lowered, choice.lower())
        if d <= limit:
            key = (d, abs(len(choice) - len(word)), choice)
            if best is None or key < best:
                best = key
    return best[2] if best else None
