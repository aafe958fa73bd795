"""Benchmark: what the image checks alone add to `mkdocs build` (a script, not a test).

Generates a deterministic corpus (bench/corpus.py, its `IMAGES_ONLY` style: 1,000 notes, three
clean screenshots each in one `docs/_resources/` folder as notes apps export them, one of them a raw
`<img>` now and then, nested lists, code, links), then builds it with the checks on and off,
alternately, each build in a fresh process (bench/measure.py), and prints the medians and their
ratio. On a busy machine that ratio is noisy, so each build with the checks also measures the time
spent inside their hooks, which is their exact cost. The theme is MkDocs' own `mkdocs` theme by
default, for speed (`--theme material` for the site's own theme: slower builds, so a smaller share
for the checks). Then it times the checks alone (`python -m docker_notes check`'s code path), in
images per second. `bench/run.py` measures the whole plugin on the site's own settings.

    .venv/bin/python bench/images.py [--pages 1000] [--runs 5] [--theme mkdocs] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

import corpus
import measure
from run import image_references_per_second


def configs(root: Path, theme: str) -> dict[str, Path]:
    settings = {
        "theme": {"name": theme},
        "markdown_extensions": ["attr_list", "md_in_html", "tables", "pymdownx.superfences"],
        "extra_css": [],
        "plugins": ["docker-notes"],
    }
    return {
        which: corpus.write_config(
            root,
            which,
            notes={"commands": {"enabled": False}, "images": {"enabled": which == "on"}},
            settings=settings,
        )
        for which in ("on", "off")
    }


def build(config: Path, which: str) -> measure.Build:
    b = measure.build(config, which)
    if b.warnings:
        raise SystemExit(f"unexpected warnings building {config}: the corpus should be clean")
    return b


def _rounded(values: list[float]) -> list[float]:
    return sorted(round(v, 2) for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the corpus here and keep it")
    parser.add_argument("--theme", default="mkdocs", help="mkdocs (default, fast) or material")
    args = parser.parse_args()
    measure.compile_plugin()
    root = args.keep or Path(tempfile.mkdtemp(prefix="images-bench-"))
    try:
        generated = corpus.generate(root, args.pages, style=corpus.IMAGES_ONLY)
        print(f"corpus: {args.pages} notes, {generated.references} screenshots in {root}")
        paths = configs(root, args.theme)
        build(paths["on"], "on")  # warm the file cache and the bytecode
        build(paths["off"], "off")
        times: dict[str, list[float]] = {"on": [], "off": []}
        hooks: list[float] = []
        shares: list[float] = []
        for _ in range(args.runs):
            for which in ("off", "on"):
                b = build(paths[which], which)
                times[which].append(b.build)
                if which == "on":
                    spent = b.hooks["images"]
                    hooks.append(spent)
                    shares.append(spent / (b.build - spent))
        off, on = statistics.median(times["off"]), statistics.median(times["on"])
        print(f"theme: {args.theme}")
        print(f"mkdocs build, checks off: median {off:.3f} s  {_rounded(times['off'])}")
        print(f"mkdocs build, checks on:  median {on:.3f} s  {_rounded(times['on'])}")
        print(f"wall-clock ratio on/off: {on / off:.3f} ({(on / off - 1) * 100:+.1f} %)")
        print(
            f"time inside the checks' hooks: median {statistics.median(hooks):.3f} s, adding "
            f"{statistics.median(shares) * 100:.2f} % to the build without them  "
            f"{_rounded([h * 100 for h in shares])}"
        )
        alone = image_references_per_second(generated.docs)
        if alone["findings"]:
            raise SystemExit(f"the corpus should be clean: {alone['findings']} findings")
        print(
            f"checks alone (no build): {alone['references']} images in {alone['best_s']:.3f} s, "
            f"{alone['per_second']:,.0f} images/s"
        )
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
