"""Benchmark: what the image checks add to `mkdocs build` (a script, not a test).

Generates a deterministic corpus of 1,000 notes with 3,000 screenshots (tiny valid PNGs in one
`docs/_resources/` folder, as notes apps export them; two Markdown images and one raw `<img>` per
note, nested lists, code, links), then builds it with the checks on and off, alternately, each
build in a fresh process, and prints the medians and their ratio. On a busy machine that ratio is
noisy, so each build with the checks also measures the time spent inside their hooks, which is
their exact cost. The theme is MkDocs' own `mkdocs` theme by default, for speed (`--theme
material` for the site's own theme: slower builds, so a smaller share for the checks). Then it
times the checks alone (`python -m docker_notes check`'s code path), in images per second.

    .venv/bin/python bench/images.py [--pages 1000] [--runs 5] [--theme mkdocs] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import zlib
from pathlib import Path

BUILD = textwrap.dedent(
    """
    import logging, sys, time
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from docker_notes.mkdocs_images import ImageChecks

    # Time spent inside the image checks' hooks: the exact cost, whatever the machine's noise.
    spent = [0.0]
    def timed(method):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
        return wrapper
    for name in ("__init__", "on_files", "on_page_markdown", "on_page_content", "on_post_build"):
        setattr(ImageChecks, name, timed(getattr(ImageChecks, name)))

    logging.basicConfig(level=logging.WARNING)
    config = load_config(sys.argv[1])
    start = time.perf_counter()
    build(config)
    print(time.perf_counter() - start, spent[0])
    """
)


def png(seed: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rgb = bytes(((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256))
    rows = b"".join(b"\x00" + rgb * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def note(n: int, pages: int) -> str:
    shot = [f"2020-07-{n % 28 + 1:02d}-{n:04d}-{k}.png" for k in range(3)]
    following = (n + 1) % pages
    other = f"../topic-{following // 50:02d}/note-{following:04d}.md"
    return textwrap.dedent(
        f"""\
        ---
        title: Note {n}
        ---

        # VM vs container {n}
        * VM "virtualizes" the hardware
        * Container "virtualizes" the OS
            * WHAT IS SHARED?
                * kernel, OS binaries etc.
        * VMs
            * ![Virtual machines, step {n}](../_resources/{shot[0]})
        * Containers
            * ![Containers, step {n}](../_resources/{shot[1]} "Containers")

        # Commands
        > docker run -it ubuntu bash

        ```bash
        docker ps -a  # ![not an image](nowhere.png)
        ```

        Run `docker images` to list them, then see [the next note]({other}).

        <img src="../_resources/{shot[2]}" alt="Screenshot of the terminal, step {n}" style="zoom:50%;">

        # Notes
        * When working with containers, it is best practice to map one process to one container.
        * Containers are immutable: do not write data into your container that must persist.
        """
    )


def generate(root: Path, pages: int, theme: str) -> None:
    docs = root / "docs"
    (docs / "_resources").mkdir(parents=True)
    (docs / "index.md").write_text("# Notes\n\nA generated corpus.\n", encoding="utf-8")
    for n in range(pages):
        folder = docs / f"topic-{n // 50:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"note-{n:04d}.md").write_text(note(n, pages), encoding="utf-8")
        for k in range(3):
            name = f"2020-07-{n % 28 + 1:02d}-{n:04d}-{k}.png"
            (docs / "_resources" / name).write_bytes(png(n * 3 + k))
    for enabled in (True, False):
        (root / f"mkdocs-{'on' if enabled else 'off'}.yml").write_text(
            textwrap.dedent(
                f"""\
                site_name: Benchmark
                theme: {{name: {theme}}}
                site_dir: site-{"on" if enabled else "off"}
                markdown_extensions: [attr_list, md_in_html, tables, pymdownx.superfences]
                plugins:
                  - docker-notes:
                      commands: {{enabled: false}}
                      images: {{enabled: {str(enabled).lower()}}}
                """
            ),
            encoding="utf-8",
        )


def build_seconds(root: Path, which: str) -> tuple[float, float]:
    """Seconds of the whole build, and of the image checks' hooks in it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(root / f"mkdocs-{which}.yml")],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=600,
    )
    if "WARNING" in result.stderr:
        raise SystemExit(f"unexpected warnings:\n{result.stderr}")
    total, hooks = result.stdout.split()[-2:]
    return float(total), float(hooks)


def core_throughput(root: Path) -> tuple[int, float]:
    from docker_notes.images import levels_with
    from docker_notes.images.cli import check_docs

    start = time.perf_counter()
    findings, checker = check_docs(
        str(root / "docs"), levels=levels_with({}), max_bytes=1_000_000, docs_path="docs"
    )
    elapsed = time.perf_counter() - start
    if findings:
        raise SystemExit(f"the corpus should be clean: {findings[:3]}")
    return checker.references, elapsed


def _rounded(values: list[float]) -> list[float]:
    return sorted(round(v, 2) for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the corpus here and keep it")
    parser.add_argument("--theme", default="mkdocs", help="mkdocs (default, fast) or material")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="images-bench-"))
    try:
        generate(root, args.pages, args.theme)
        print(f"corpus: {args.pages} notes, {args.pages * 3} screenshots in {root}")
        build_seconds(root, "on")  # warm the file cache and the bytecode
        build_seconds(root, "off")
        times: dict[str, list[float]] = {"on": [], "off": []}
        hooks: list[float] = []
        shares: list[float] = []
        for _ in range(args.runs):
            for which in ("off", "on"):
                total, spent = build_seconds(root, which)
                times[which].append(total)
                if which == "on":
                    hooks.append(spent)
                    shares.append(spent / (total - spent))
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
        images, seconds = core_throughput(root)
        print(
            f"checks alone (no build): {images} images in {seconds:.3f} s, {images / seconds:,.0f} images/s"
        )
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
