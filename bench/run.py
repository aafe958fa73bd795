"""Benchmark: what the docker-notes plugin adds to `mkdocs build`, how it scales with pages, and
how that compares with what a user would otherwise pick (a script, not a timed test).

    .venv/bin/python bench/run.py             # 100, 200, 400 and 1,000 pages, 3 runs each
    .venv/bin/python bench/run.py --quick     # 100 and 200 pages, 3 runs
    .venv/bin/python bench/run.py --anchor    # also mkdocs-htmlproofer-plugin, in its own venv
    .venv/bin/python bench/run.py --sizes 200 --runs 5 --variants off,on --readme

For each size it generates a notes corpus (bench/corpus.py, deterministic) under bench/out/, then
builds it with every variant, alternating variant by variant within each run (the order rotating
from run to run), each build a fresh process (bench/measure.py). It reports medians of the wall
time, the on/off ratio, the time spent inside the plugin's own code (its exact cost, free of the
machine's noise, from builds of their own with the plugin timed) per page, and peak memory; the
instructions the build's process runs, off and on (valgrind: a count, the same on a busy
machine); the same builds without Material's `navigation.prune`; micro figures (commands
annotated per second on the real command lines of ../shared/corpus/commands.txt, image
references checked per second). Raw results go to
bench/out/latest.json; the tables are printed, written to bench/out/latest.md and, with --readme,
into bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import corpus
import measure

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
README = BENCH / "README.md"
COMMANDS_FILE = corpus.PROJECT.parent / "shared" / "corpus" / "commands.txt"
PROOFER_VENV = OUT / "venv-htmlproofer"
PRUNE = ("navigation.prune",)
# Sites are written to memory when it can: on disk, the kernel's writing back of the previous
# build's ~350 MB (1,000 pages) made the next build's system time vary by seconds.
SITES = Path("/dev/shm/docker-notes-bench") if Path("/dev/shm").is_dir() else OUT / "sites"

# name -> (docker-notes mode, theme features dropped from the site's own)
VARIANTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "plain": ("plain", ()),  # docker-notes not in the plugins at all
    "off": ("off", ()),  # listed, with enabled: false
    "on": ("on", ()),
    # `on` with the plugin's code timed (measure.py): the plugin's own time. The other variants
    # build without the timers, whose calls (~35 a page) cost ~0.3 % of a build.
    "timed": ("on", ()),
    "commands": ("commands", ()),  # only the command blocks
    "images": ("images", ()),  # only the image checks
    # The site uses navigation.prune; these show what it saves (every page renders the whole
    # navigation without it).
    "full-nav-off": ("off", PRUNE),
    "full-nav-on": ("on", PRUNE),
}
DEFAULT_VARIANTS = tuple(VARIANTS)
TIMED = {"timed"}
ANCHOR_VARIANTS = ("proofer-plain", "htmlproofer")
HTMLPROOFER = {"htmlproofer": {"validate_external_urls": False, "raise_error": False}}
# What the anchor venv shares with the project's, so both build with the same MkDocs and theme.
SHARED_PACKAGES = (
    "mkdocs",
    "mkdocs-material",
    "mkdocs-material-extensions",
    "pymdown-extensions",
    "markdown",
    "mkdocs-glightbox",
    "pygments",
    "jinja2",
)


# --- machine ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "mkdocs": importlib.metadata.version("mkdocs"),
        "material": importlib.metadata.version("mkdocs-material"),
        "load_average": os.getloadavg(),
    }


# --- builds -------------------------------------------------------------------------------------


def prepare(
    pages: int, variants: Sequence[str], anchor: bool, sites: Path
) -> tuple[corpus.Corpus, dict[str, Path]]:
    root = OUT / "corpora" / f"notes-{pages}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    generated = corpus.generate(root, pages)
    settings = corpus.site_settings()
    configs = {}
    for name in variants:
        mode, dropped = VARIANTS[name]
        notes = corpus.plugin_options(mode)
        configs[name] = corpus.write_config(
            root, name, notes=notes, drop_features=dropped, settings=settings, site_dir=sites / name
        )
    if anchor:
        configs["proofer-plain"] = corpus.write_config(
            root, "proofer-plain", notes=None, settings=settings, site_dir=sites / "proofer-plain"
        )
        configs["htmlproofer"] = corpus.write_config(
            root,
            "htmlproofer",
            notes=None,
            extra_plugins=(HTMLPROOFER,),
            settings=settings,
            site_dir=sites / "htmlproofer",
        )
    return generated, configs


def python_for(variant: str) -> str:
    return str(PROOFER_VENV / "bin" / "python") if variant in ANCHOR_VARIANTS else sys.executable


# glibc hands the top of the heap back to the system when 128 KiB or more of it is free, and raises
# that threshold the first time a large block is freed. MkDocs' build (glightbox parses every
# page twice) then page-faults ~30,000 to ~150,000 times at 1,000 pages, depending on which large
# block happened to be freed first: an accident of each variant's allocations, which moved a
# ratio by ±0.03 between versions that did the same work. With fixed thresholds, every variant
# keeps its heap: the builds compare the work done.
STEADY_HEAP = {"MALLOC_TRIM_THRESHOLD_": str(100 << 20), "MALLOC_TOP_PAD_": str(10 << 20)}


def run_builds(
    configs: dict[str, Path],
    order: Sequence[str],
    runs: int,
    sites: Path,
    say: Callable[[str], None],
    env: dict[str, str] | None = None,
) -> list[measure.Build]:
    """Every variant once per run, alternating, in a new (seeded) order each run so that no
    variant always follows the same one; one warm-up first. Each build starts with no site."""
    cache = OUT / "cache"

    def build(name: str) -> measure.Build:
        shutil.rmtree(sites / name, ignore_errors=True)
        timers = {"BENCH_TIMERS": "1" if name in TIMED else "0"}
        try:
            made = measure.build(
                configs[name],
                name,
                python=python_for(name),
                cache=cache,
                env={**(env or {}), **timers},
            )
            index = sites / name / "search" / "search_index.json"
            made.search_index_bytes = index.stat().st_size if index.exists() else 0
            return made
        finally:
            shutil.rmtree(sites / name, ignore_errors=True)

    for name in dict.fromkeys(["on" if "on" in order else order[0], order[0]]):
        build(name)
    builds = []
    for run in range(runs):
        for name in random.Random(f"{len(order)}-{run}").sample(list(order), len(order)):
            b = build(name)
            b.round = run
            builds.append(b)
            say(
                f"  run {run + 1}/{runs} {name:>13}: {b.wall:7.2f} s wall, {b.cpu:7.2f} s CPU, "
                f"{b.peak_mib:5.0f} MiB, plugin {b.hooks.get('total', 0.0):6.3f} s"
            )
    return builds


# valgrind's cachegrind without its cache simulation: it counts the instructions a process runs.
VALGRIND = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null")
_INSTRUCTIONS = re.compile(r"^==\d+== I\s+refs:\s+([\d,]+)", re.M)


def count_instructions(configs: dict[str, Path], sites: Path) -> dict[str, int] | None:
    """The instructions each variant's build runs in its own process: a count, not a time, the
    same whatever else the machine is doing (Python's hashing seeded, so that dictionaries are the
    same). Both builds at once, one a core; None without valgrind."""
    if shutil.which(VALGRIND[0]) is None:
        return None
    cache = OUT / "cache"
    env = measure.child_env(cache, {"BENCH_TIMERS": "0", "PYTHONHASHSEED": "0"})
    running = {}
    for name, config in configs.items():
        shutil.rmtree(sites / name, ignore_errors=True)
        command = [*VALGRIND, sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)]
        running[name] = subprocess.Popen(
            command,
            cwd=config.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    counts = {}
    for name, process in running.items():
        _, stderr = process.communicate()
        shutil.rmtree(sites / name, ignore_errors=True)
        found = _INSTRUCTIONS.search(stderr)
        if process.returncode != 0 or found is None:
            raise RuntimeError(f"{name}: build under valgrind failed:\n{stderr[-3000:]}")
        counts[name] = int(found[1].replace(",", ""))
    return counts


def ensure_proofer_venv(say: Callable[[str], None]) -> None:
    python = PROOFER_VENV / "bin" / "python"
    if python.exists():
        return
    say(f"creating {PROOFER_VENV.relative_to(corpus.PROJECT)} (mkdocs-htmlproofer-plugin)")
    subprocess.run([sys.executable, "-m", "venv", str(PROOFER_VENV)], check=True)
    pins = []
    for name in SHARED_PACKAGES:
        try:
            pins.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *pins, "mkdocs-htmlproofer-plugin"],
        check=True,
    )


# --- micro figures ------------------------------------------------------------------------------


def commands_per_second(rounds: int = 7) -> dict[str, Any]:
    """Detect, parse and render each real command line, with the parse cache emptied each round;
    and the same lines as `> …` quotes of one note through the Markdown extension."""
    import markdown

    from docker_notes.commands import detect, knowledge
    from docker_notes.commands.parse import parse_command
    from docker_notes.commands.render import render_code, render_explanations
    from docker_notes.commands.tokens import UnbalancedQuote
    from docker_notes.extension import DockerCommandsExtension

    lines = [ln for ln in COMMANDS_FILE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    started = time.perf_counter()
    k = knowledge.load()
    load = time.perf_counter() - started
    core: list[float] = []
    converted = 0
    for _ in range(rounds):
        k.cache.clear()
        converted = 0
        start = time.perf_counter()
        for n, line in enumerate(lines):
            if detect.detect(line, k).kind != detect.COMMAND:
                continue
            try:
                parsed = [parse_command(detect.unescape_markdown(line)[0], k)]
            except UnbalancedQuote:
                continue
            render_code(parsed, f"dn-{n}") + render_explanations(parsed, f"dn-{n}")
            converted += 1
        core.append(time.perf_counter() - start)
    note = "\n\n".join("> " + line for line in lines) + "\n"
    through: list[float] = []
    plain: list[float] = []
    for _ in range(rounds):
        k.cache.clear()
        ext = DockerCommandsExtension(report=lambda d: None)
        start = time.perf_counter()
        markdown.Markdown(extensions=[ext]).convert(note)
        through.append(time.perf_counter() - start)
        start = time.perf_counter()
        markdown.Markdown().convert(note)
        plain.append(time.perf_counter() - start)
    return {
        "lines": len(lines),
        "converted": converted,
        "knowledge_load_s": load,
        "first_round_s": core[0],
        "best_s": min(core),
        "per_second": converted / min(core),
        "extension_best_s": min(through),
        "markdown_alone_best_s": min(plain),
    }


def image_references_per_second(docs: Path, rounds: int = 3) -> dict[str, Any]:
    """The image checks alone over a corpus (`python -m docker_notes check`'s code path)."""
    from docker_notes.images import levels_with
    from docker_notes.images.cli import check_docs

    best, references, findings = float("inf"), 0, 0
    for _ in range(rounds):
        start = time.perf_counter()
        found, checker = check_docs(
            str(docs), levels=levels_with({}), max_bytes=1_000_000, docs_path="docs"
        )
        best = min(best, time.perf_counter() - start)
        references, findings = checker.references, len(found)
    return {
        "references": references,
        "findings": findings,
        "best_s": best,
        "per_second": references / best,
    }


# --- summaries ----------------------------------------------------------------------------------


def summarise(pages: int, builds: list[measure.Build]) -> dict[str, Any]:
    by: dict[str, list[measure.Build]] = {}
    for b in builds:
        by.setdefault(b.variant, []).append(b)

    def med(name: str, pick: Callable[[measure.Build], float]) -> float | None:
        return statistics.median(pick(b) for b in by[name]) if name in by else None

    summary: dict[str, Any] = {"pages": pages, "variants": {}, "paired": {}}
    # Each round's ratio to `off` built in the same round: slow drifts of a busy machine cancel.
    rounds = {b.round: b.wall for b in by.get("off", [])}
    for name in by:
        ratios = [b.wall / rounds[b.round] for b in by[name] if b.round in rounds]
        if name != "off" and ratios:
            summary["paired"][name] = statistics.median(ratios)
    for name in by:
        summary["variants"][name] = {
            "runs": len(by[name]),
            "wall_s": med(name, lambda b: b.wall),
            "walls_s": sorted(round(b.wall, 3) for b in by[name]),
            "build_s": med(name, lambda b: b.build),
            "cpu_s": med(name, lambda b: b.cpu),
            "user_s": med(name, lambda b: b.user),
            "peak_mib": max(b.peak_mib for b in by[name]),
            "plugin_s": med(name, lambda b: b.hooks.get("total", 0.0)),
            "commands_s": med(name, lambda b: b.hooks.get("commands", 0.0)),
            "images_s": med(name, lambda b: b.hooks.get("images", 0.0)),
            "warnings": max(b.warnings for b in by[name]),
            "gc_s": med(name, lambda b: b.gc),
            "search_index_bytes": max(b.search_index_bytes for b in by[name]),
        }
    return summary


def _ratio(v: dict[str, Any], a: str, b: str, key: str = "wall_s") -> float | None:
    if a in v and b in v and v[b][key]:
        return float(v[a][key] / v[b][key])
    return None


def _index_growth(v: dict[str, Any]) -> str:
    """search/search_index.json off → on, in MB, and how much the plugin adds."""
    off, on = (v.get(name, {}).get("search_index_bytes") for name in ("off", "on"))
    if not off or not on:
        return "–"
    return f"{off / 1e6:.2f} → {on / 1e6:.2f} MB (+{(on / off - 1) * 100:.0f} %)"


def _f(value: float | None, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def tables(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    m = results["machine"]
    out = [
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, MkDocs {m['mkdocs']}, "
        f"Material {m['material']}; {results['runs']} runs per variant, medians; "
        f"load average at start {m['load_average'][0]:.2f}. {results['date']}."
        + (" Heap thresholds fixed (`--steady-heap`)." if results.get("steady_heap") else ""),
        "",
        "**The plugin** (site's own settings; wall = whole `mkdocs build` process; on/off = "
        "ratio of the medians; paired = median of each round's on ÷ off; plugin = time inside "
        "the plugin's own code, its exact cost, in builds of their own with the plugin timed):",
        "",
        "| pages | off s | on s | on/off | on/off paired | on/off user CPU | commands only/off "
        "| images only/off | plain s | plugin s | plugin/off | plugin ms/page "
        "| peak MiB off → on | search index off → on |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in sizes:
        v = s["variants"]
        plugin = v["timed"]["plugin_s"] if "timed" in v else None
        per_page = plugin * 1000 / s["pages"] if plugin is not None else None
        share = plugin / v["off"]["wall_s"] if plugin is not None and "off" in v else None
        peak = (
            f"{v['off']['peak_mib']:.0f} → {v['on']['peak_mib']:.0f}"
            if "on" in v and "off" in v
            else "–"
        )
        out.append(
            f"| {s['pages']:,} | {_f(v.get('off', {}).get('wall_s'), '.2f')} "
            f"| {_f(v.get('on', {}).get('wall_s'), '.2f')} | {_f(_ratio(v, 'on', 'off'), '.3f')} "
            f"| {_f(s.get('paired', {}).get('on'), '.3f')} "
            f"| {_f(_ratio(v, 'on', 'off', 'user_s'), '.3f')} "
            f"| {_f(_ratio(v, 'commands', 'off'), '.3f')} | {_f(_ratio(v, 'images', 'off'), '.3f')} "
            f"| {_f(v.get('plain', {}).get('wall_s'), '.2f')} "
            f"| {_f(plugin, '.3f')} | {_f(share, '.3f')} "
            f"| {_f(per_page, '.2f')} | {peak} | {_index_growth(v)} |"
        )
    counted = [s for s in sizes if "instructions" in s]
    if counted:
        out += [
            "",
            "**Instructions** run by the build's process (valgrind; a count, not a time, so "
            "the same on a busy machine):",
            "",
            "| pages | off | on | on/off |",
            "|---:|---:|---:|---:|",
        ]
        for s in counted:
            i = s["instructions"]
            out.append(
                f"| {s['pages']:,} | {i['off'] / 1e9:.3f} G | {i['on'] / 1e9:.3f} G "
                f"| {i['on'] / i['off']:.4f} |"
            )
    fit = results.get("fit")
    if fit:
        out += [
            "",
            f"Plugin time fitted over the sizes: {fit['fixed_ms']:.0f} ms + "
            f"{fit['per_page_ms']:.3f} ms × pages (largest residual {fit['worst_residual_ms']:.0f} ms): "
            "linear in pages.",
        ]
    if any("full-nav-off" in s["variants"] for s in sizes):
        out += [
            "",
            "**Navigation**: the same builds without Material's `navigation.prune`, which the site "
            "uses (docker-notes off, and on):",
            "",
            "| pages | full navigation s | ms/page | prune s | ms/page | prune speed-up "
            "| full navigation on/off |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in sizes:
            v, n = s["variants"], s["pages"]
            if "full-nav-off" not in v:
                continue
            full, prune = v["full-nav-off"]["wall_s"], v.get("off", {}).get("wall_s")
            out.append(
                f"| {n:,} | {full:.2f} | {full * 1000 / n:.1f} "
                f"| {_f(prune, '.2f')} | {_f(prune and prune * 1000 / n, '.1f')} "
                f"| {_f(prune and full / prune, '.2f')}× "
                f"| {_f(_ratio(v, 'full-nav-on', 'full-nav-off'), '.3f')} |"
            )
    anchor = [s for s in sizes if "htmlproofer" in s["variants"]]
    if anchor:
        out += [
            "",
            "**Anchor**: mkdocs-htmlproofer-plugin (`validate_external_urls: false`) in its own "
            "venv with the same MkDocs and Material, same corpus:",
            "",
            "| pages | plain s | htmlproofer s | htmlproofer/plain | docker-notes on/off |",
            "|---:|---:|---:|---:|---:|",
        ]
        for s in anchor:
            v = s["variants"]
            out.append(
                f"| {s['pages']:,} | {v['proofer-plain']['wall_s']:.2f} "
                f"| {v['htmlproofer']['wall_s']:.2f} "
                f"| {_f(_ratio(v, 'htmlproofer', 'proofer-plain'), '.2f')}× "
                f"| {_f(_ratio(v, 'on', 'off'), '.3f')} |"
            )
    micro = results.get("micro", {})
    if c := micro.get("commands"):
        out += [
            "",
            f"**Commands**: the {c['lines']} real lines of `../shared/corpus/commands.txt` "
            f"({c['converted']} converted), detected, parsed and rendered with an empty parse "
            f"cache: best {c['best_s'] * 1000:.1f} ms ({c['per_second']:,.0f} commands/s; "
            f"first round of the process {c['first_round_s'] * 1000:.1f} ms); as one note "
            f"through the Markdown extension {c['extension_best_s'] * 1000:.1f} ms (Markdown "
            f"alone {c['markdown_alone_best_s'] * 1000:.1f} ms). Knowledge load "
            f"{c['knowledge_load_s'] * 1000:.0f} ms, once per build.",
        ]
    if i := micro.get("images"):
        out += [
            "",
            f"**Images**: the checks alone over the {i['pages']:,}-page corpus: "
            f"{i['references']:,} references ({i['findings']} findings) in "
            f"{i['best_s'] * 1000:.0f} ms, {i['per_second']:,.0f} references/s.",
        ]
    return "\n".join(out) + "\n"


def fit_linear(sizes: list[dict[str, Any]]) -> dict[str, float] | None:
    points = [
        (s["pages"], s["variants"]["timed"]["plugin_s"]) for s in sizes if "timed" in s["variants"]
    ]
    if len(points) < 2:
        return None
    xs, ys = [p for p, _ in points], [t for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    fixed = my - slope * mx
    worst = max(abs(y - (fixed + slope * x)) for x, y in points)
    return {
        "fixed_ms": fixed * 1000,
        "per_page_ms": slope * 1000,
        "worst_residual_ms": worst * 1000,
    }


MARK_START, MARK_END = "<!-- bench:results -->", "<!-- /bench:results -->"


def update_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    block = f"{MARK_START}\n{text}{MARK_END}"
    pattern = re.compile(re.escape(MARK_START) + ".*?" + re.escape(MARK_END), re.S)
    if not pattern.search(readme):
        raise SystemExit(f"{README}: no {MARK_START} … {MARK_END} block to replace")
    README.write_text(pattern.sub(lambda _: block, readme), encoding="utf-8")


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100,200,400,1000", help="pages, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="builds per variant and size")
    parser.add_argument("--quick", action="store_true", help="100 and 200 pages, 3 runs")
    parser.add_argument(
        "--variants",
        default=",".join(DEFAULT_VARIANTS),
        help=f"comma-separated, of: {', '.join(VARIANTS)}",
    )
    parser.add_argument("--anchor", action="store_true", help="also build with htmlproofer")
    parser.add_argument("--anchor-sizes", default="200,1000", help="sizes for --anchor")
    parser.add_argument("--anchor-runs", type=int, help="runs for the anchor (default: --runs)")
    parser.add_argument("--no-micro", action="store_true", help="skip the micro figures")
    parser.add_argument(
        "--sites", type=Path, default=SITES, help=f"where builds write their sites ({SITES})"
    )
    parser.add_argument(
        "--readme", action="store_true", help="write the tables into bench/README.md"
    )
    parser.add_argument(
        "--instructions",
        default="all",
        help="sizes at which to count the instructions of `off` and `on` under valgrind, "
        "comma-separated, or all (each about 15× as long as a build; '' for none)",
    )
    parser.add_argument(
        "--steady-heap",
        action="store_true",
        help="build every variant with glibc's heap thresholds fixed (see STEADY_HEAP)",
    )
    args = parser.parse_args(argv)
    sizes = [100, 200] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 3 if args.quick else args.runs
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if unknown := [v for v in variants if v not in VARIANTS]:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    anchor_sizes = {int(s) for s in args.anchor_sizes.split(",")} if args.anchor else set()
    if args.instructions == "all":
        counted = set(sizes)
    else:
        counted = {int(s) for s in args.instructions.split(",") if s.strip()}
    if not {"off", "on"} <= set(variants):
        counted = set()
    if anchor_sizes:
        ensure_proofer_venv(print)
    OUT.mkdir(exist_ok=True)
    measure.compile_plugin()

    def say(text: str) -> None:
        print(text, flush=True)

    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "runs": runs,
        "steady_heap": args.steady_heap,
        "sizes": [],
        "builds": [],
        "micro": {},
    }
    if not args.no_micro:
        if COMMANDS_FILE.exists():
            results["micro"]["commands"] = commands_per_second()
        else:
            say(f"no {COMMANDS_FILE}: no commands/s figure")
    started = time.perf_counter()
    for pages in sizes:
        with_anchor = pages in anchor_sizes
        generated, configs = prepare(pages, variants, with_anchor, args.sites)
        say(
            f"{pages} pages: {generated.command_lines} command lines, {generated.references} "
            f"screenshot references ({generated.broken} broken), in {generated.root}"
        )
        env = STEADY_HEAP if args.steady_heap else None
        builds = run_builds({k: configs[k] for k in variants}, variants, runs, args.sites, say, env)
        if with_anchor:
            anchor_runs = args.anchor_runs or runs
            anchor = {k: configs[k] for k in ANCHOR_VARIANTS}
            builds += run_builds(anchor, ANCHOR_VARIANTS, anchor_runs, args.sites, say, env)
        results["builds"] += [{"pages": pages, **b.as_dict()} for b in builds]
        results["sizes"].append(summarise(pages, builds))
        if pages in counted:
            say(f"{pages} pages: counting instructions under valgrind")
            counts = count_instructions({k: configs[k] for k in ("off", "on")}, args.sites)
            if counts is None:
                say("no valgrind: no instruction counts")
            else:
                results["sizes"][-1]["instructions"] = counts
        if not args.no_micro and pages == max(sizes):
            results["micro"]["images"] = {
                "pages": pages,
                **image_references_per_second(generated.docs),
            }
    results["fit"] = fit_linear(results["sizes"])
    results["machine"]["load_average_end"] = os.getloadavg()
    results["sites"] = str(args.sites)
    results["seconds"] = time.perf_counter() - started
    text = tables(results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"run-{stamp}.json", "latest.json"):
        (OUT / name).write_text(json.dumps(results, indent=1), encoding="utf-8")
    (OUT / "latest.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    if args.readme:
        update_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
