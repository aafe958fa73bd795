"""What the CommonMark structure extension (`docker_notes.structure`) costs a build.

    .venv/bin/python bench/structure.py [--pages 1000] [--rounds 5]

Generates the benchmark's notes corpus (bench/corpus.py) and builds it in fresh processes with the
plugin's `commonmark` option on and off, alternating, `--rounds` times; a third kind of build, with
the option on, times the extension's own code (its preprocessor and tree processor) inside the
build. Prints the median build times, their ratio, the paired ratio (each round's on ÷ off) and
the extension's own time as a share of the build; then, for the shared real notes (when present),
the time to rewrite each against Python-Markdown's time to convert it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

CHILD = r"""
import json, sys, time
from docker_notes.structure import extension

spent = [0.0]

def timed(method):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
    return wrapper

if sys.argv[3] == "timed":
    extension._StructurePreprocessor.run = timed(extension._StructurePreprocessor.run)
    extension._DropSeparators.run = timed(extension._DropSeparators.run)

from mkdocs.__main__ import cli

start = time.perf_counter()
cli.main(args=["build", "-q", "-f", sys.argv[1]], standalone_mode=False)
with open(sys.argv[2], "w") as f:
    json.dump({"build": time.perf_counter() - start, "structure": spent[0]}, f)
"""


def build(config: Path, mode: str = "plain") -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-structure-") as tmp:
        result = Path(tmp) / "result.json"
        subprocess.run(
            [sys.executable, "-c", CHILD, str(config), str(result), mode],
            cwd=config.parent,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(config.parent)},
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        data: dict[str, float] = json.loads(result.read_text(encoding="utf-8"))
        return data


def measure_builds(pages: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-structure-") as tmp:
        root = Path(tmp)
        corpus.generate(root, pages)
        on = corpus.write_config(root, "on", notes={"commonmark": True})
        off = corpus.write_config(root, "off", notes={"commonmark": False})
        build(on), build(off)  # warm the knowledge cache and the file system
        times: dict[str, list[float]] = {"on": [], "off": []}
        for n in range(rounds):
            order = [("on", on), ("off", off)] if n % 2 == 0 else [("off", off), ("on", on)]
            for name, config in order:
                times[name].append(build(config)["build"])
        timed = [build(on, "timed") for _ in range(max(1, rounds // 2))]
    on_s, off_s = statistics.median(times["on"]), statistics.median(times["off"])
    paired = statistics.median(a / b for a, b in zip(times["on"], times["off"], strict=True))
    own = statistics.median(t["structure"] / t["build"] for t in timed)
    per_page = statistics.median(t["structure"] for t in timed) / pages * 1000
    print(f"{pages} pages, {rounds} rounds: commonmark off {off_s:.2f} s, on {on_s:.2f} s")
    print(f"  on/off {on_s / off_s:.3f}, paired {paired:.3f}")
    print(f"  the extension's own time: {own:.1%} of the build ({per_page:.2f} ms a page)")


def measure_real_notes() -> None:
    import markdown

    from docker_notes.structure.rewrite import rewrite

    notes = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "notes"
    if not notes.is_dir():
        return
    settings = corpus.site_settings()
    names = [e if isinstance(e, str) else next(iter(e)) for e in settings["markdown_extensions"]]
    configs = {
        name: options
        for entry in settings["markdown_extensions"]
        if isinstance(entry, dict)
        for name, options in entry.items()
    }
    quiet = {"docker_notes": {"report": lambda diagnostic: None}}
    md = markdown.Markdown(extensions=[*names, "docker_notes"], extension_configs=configs | quiet)
    for path in sorted(notes.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        source = text.expandtabs(4)
        rewrite(source), md.reset().convert(text)
        took = min(_timed(lambda s=source: rewrite(s)) for _ in range(5))
        convert = min(_timed(lambda t=text: md.reset().convert(t)) for _ in range(3))
        print(
            f"{path.name[:40]:40} {len(text.splitlines()):5} lines: rewrite {took * 1000:6.2f} ms, "
            f"Python-Markdown {convert * 1000:7.1f} ms ({took / convert:.1%})"
        )


def _timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    measure_real_notes()
    measure_builds(args.pages, args.rounds)


if __name__ == "__main__":
    main()
