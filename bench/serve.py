"""Benchmark: the author's preview, edit → changed page served, under a real `mkdocs serve`.

    .venv/bin/python bench/serve.py                    # 100, 400 and 1,000 notes, 7 edits each
    .venv/bin/python bench/serve.py --sizes 1000 --edits 5

For each size it generates a notes corpus (bench/corpus.py), then for each variant starts
`mkdocs serve` on 127.0.0.1, waits for the first build, and edits one note again and again (a
new line at its end, a different note each time), timing each edit from the write to the
changed page being served. Variants:

- `make serve`: the README's command, `mkdocs serve --dirty --no-strict` with the plugin;
- `full`: `mkdocs serve --no-strict` with the plugin, which rebuilds every page;
- `mkdocs dirty`: MkDocs' own `--dirty` with the plugin off (its navigation and search are
  wrong: the speed the plugin's corrections cost against).

It also times, under `make serve`, a note added (a full rebuild, and the new page served).
Medians; the table is printed and, with --readme, written into bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import corpus

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out" / "serve"
README = BENCH / "README.md"
MARK_START, MARK_END = "<!-- bench:serve -->", "<!-- /bench:serve -->"

VARIANTS = {
    "make serve": (("--dirty", "--no-strict"), "on"),
    "full": (("--no-strict",), "on"),
    "mkdocs dirty": (("--dirty", "--no-strict"), "off"),
}


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(condition: object, timeout: float = 300) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():  # type: ignore[operator]
            return time.monotonic() - start
        time.sleep(0.02)
    raise TimeoutError(f"not served within {timeout} s")


class Serve:
    def __init__(self, config: Path, options: tuple[str, ...]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config)]
        command += ["-a", f"127.0.0.1:{self.port}", *options]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(self.tmp)}
        self.output: list[str] = []
        self.process = subprocess.Popen(
            command,
            cwd=config.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(
            target=lambda: self.output.extend(self.process.stdout or []), daemon=True
        ).start()

    def __enter__(self) -> Serve:
        wait(lambda: bool(fetch(self.url)) or self.process.poll() is not None)
        if self.process.poll() is not None:
            raise RuntimeError("mkdocs serve exited:\n" + "".join(self.output[-30:]))
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


def edits(serve: Serve, docs: Path, notes: list[Path], count: int, tag: str) -> list[float]:
    """Append a line to a note, `count` times (a different note each time): seconds from the
    write to the page served with it."""
    took = []
    for k in range(count):
        note = notes[(k * 37) % len(notes)]
        url = serve.url + note.relative_to(docs).with_suffix("").as_posix() + "/"
        marker = f"Edit {tag} {k} {time.time_ns()}"
        time.sleep(1.0)  # the watcher settles; every edit starts from a quiet server
        start = time.monotonic()
        with note.open("a", encoding="utf-8") as f:
            f.write(f"\n\n{marker}\n")
        wait(lambda url=url, marker=marker: marker in fetch(url))
        took.append(time.monotonic() - start)
    return took


def note_added(serve: Serve, docs: Path, tag: str) -> float:
    """A new note: seconds until the home page lists it."""
    title = f"Added {tag} {time.time_ns()}"
    time.sleep(1.0)
    start = time.monotonic()
    (docs / "00-basics" / f"added-{time.time_ns()}.md").write_text(
        f"---\ntitle: {title}\n---\n\n> docker ps\n", encoding="utf-8"
    )
    wait(lambda: title in fetch(serve.url))
    return time.monotonic() - start


def run(sizes: list[int], count: int) -> list[dict[str, object]]:
    rows = []
    settings = corpus.site_settings()
    for pages in sizes:
        root = OUT / f"notes-{pages}"
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        corpus.generate(root, pages)
        docs = root / "docs"
        notes = sorted(p for p in docs.rglob("note-*.md"))
        row: dict[str, object] = {"pages": pages}
        for name, (options, mode) in VARIANTS.items():
            config = corpus.write_config(
                root, mode, notes=corpus.plugin_options(mode), settings=settings
            )
            with Serve(config, options) as serve:
                took = edits(serve, docs, notes, count, name)
                row[name] = took
                print(f"{pages} notes, {name}: " + ", ".join(f"{t:.2f}" for t in took), flush=True)
                if name == "make serve":
                    row["added"] = note_added(serve, docs, name)
                    print(f"{pages} notes, note added: {row['added']:.2f} s", flush=True)
        rows.append(row)
    return rows


def table(rows: list[dict[str, object]], count: int) -> str:
    out = [
        f"Edit → changed page served, medians of {count} edits (seconds); "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}:",
        "",
        "| notes | `make serve` | full rebuild | MkDocs' own `--dirty` (plugin off) | note added (`make serve`) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [
            f"{statistics.median(row[name]):.2f}"  # type: ignore[arg-type]
            for name in VARIANTS
        ]
        out.append(f"| {row['pages']:,} | " + " | ".join(cells) + f" | {row['added']:.2f} |")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100,400,1000")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument(
        "--readme", action="store_true", help="write the table into bench/README.md"
    )
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.edits)
    text = table(rows, args.edits)
    print()
    print(text)
    if args.readme:
        readme = README.read_text(encoding="utf-8")
        block = f"{MARK_START}\n{text}{MARK_END}"
        pattern = re.compile(re.escape(MARK_START) + ".*?" + re.escape(MARK_END), re.S)
        readme = (
            pattern.sub(lambda _: block, readme)
            if pattern.search(readme)
            else readme + "\n" + block + "\n"
        )
        README.write_text(readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
