"""How many tokens of real command lines get a specific explanation, and which do not.

    python tools/command_coverage.py [COMMANDS_FILE]

Each line of the file is treated as the text of a `> …` quote line in a note: lines the plugin
converts are parsed and every token counted; a token counts as explained when its explanation is
specific to it (not the generic "an argument passed to X" of a program we know only in part). Lines
left as written (a capitalised `Docker run`, an unclosed quote, prose) are listed apart.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from docker_notes.commands import detect, knowledge
from docker_notes.commands.parse import parse_command
from docker_notes.commands.tokens import UnbalancedQuote

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "commands.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    lines = [ln for ln in args.file.read_text(encoding="utf-8").splitlines() if ln.strip()]
    k = knowledge.load()
    total = explained = 0
    misses: Counter[str] = Counter()
    left: list[tuple[str, str]] = []
    started = time.perf_counter()
    for line in lines:
        found = detect.detect(line, k)
        if found.kind != detect.COMMAND:
            left.append((line, found.kind if found.kind != detect.PROSE else "not a command line"))
            continue
        try:
            parsed = parse_command(detect.unescape_markdown(line)[0], k)
        except UnbalancedQuote as e:
            left.append((line, str(e)))
            continue
        for token in parsed.tokens:
            total += 1
            if token.explanation.specific:
                explained += 1
            else:
                misses[f"{token.text!r} ({token.explanation.label})"] += 1
    elapsed = time.perf_counter() - started
    share = explained / total if total else 0.0
    print(f"{len(lines)} lines, {len(lines) - len(left)} converted, {total} tokens")
    print(f"specific explanations: {explained}/{total} = {share:.1%}")
    print(f"time to detect and parse all lines: {elapsed * 1000:.1f} ms")
    print("\ntokens without a specific explanation:")
    for miss, count in misses.most_common():
        print(f"  {count:3}× {miss}")
    print("\nlines left as written:")
    for line, why in left:
        print(f"  {line}\n      ({why})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
