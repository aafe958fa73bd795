"""One `mkdocs build` in a fresh process: its wall time, CPU time, peak memory, and the time spent
inside the docker-notes plugin.

The child runs MkDocs' own command line (`mkdocs build -f CONFIG`) after wrapping the plugin's
hooks and its Markdown extensions' processors in timers. On a busy machine the wall-clock ratio of
two builds is noisy; the time inside our code is the exact cost, whatever the noise. The extension
runs while MkDocs converts a page, outside any plugin hook, so it is timed too. Each bucket counts
only its outermost call, so a hook calling another timed method is not counted twice. The garbage
collector's passes that fall inside a timed call are left out of it (the `off` build makes as many
passes; they land wherever the count of new objects crosses the threshold) and reported for the
whole build instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

CHILD = r"""
import functools, gc, json, os, resource, sys, time

spent = {"total": 0.0, "commands": 0.0, "images": 0.0}
depth = dict.fromkeys(spent, 0)
# The garbage collector's passes: a pass runs wherever the count of new objects crosses its
# threshold, inside the plugin or not (the `off` build makes as many), so it is left out of the
# plugin's time and counted for the whole build.
collecting = [0.0, 0.0]  # time spent in passes, start of the current one


def on_gc(phase, info):
    if phase == "start":
        collecting[1] = time.perf_counter()
    else:
        collecting[0] += time.perf_counter() - collecting[1]


gc.callbacks.append(on_gc)


def timed(buckets, method):
    # One wrapper for all its buckets: the Markdown extension's test() runs ~30 times a page.
    @functools.wraps(method)  # keeps `mkdocs_priority` of @event_priority hooks
    def wrapper(*args, **kwargs):
        outer = [b for b in buckets if not depth[b]]
        if not outer:
            return method(*args, **kwargs)
        for b in outer:
            depth[b] += 1
        collected = collecting[0]
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            took = time.perf_counter() - start - (collecting[0] - collected)
            for b in outer:
                spent[b] += took
                depth[b] -= 1
    return wrapper


def patch(cls, names, *buckets):
    for name in names:
        if name in vars(cls):
            setattr(cls, name, timed(buckets, vars(cls)[name]))


try:
    from docker_notes import extension, mkdocs_commands, mkdocs_images, plugin, safe_urls
    from docker_notes.structure import extension as structure
except ImportError:  # a venv without the plugin (the htmlproofer anchor)
    plugin = None
if plugin is not None and os.environ.get("BENCH_TIMERS") != "0":
    hooks = [n for n in vars(plugin.DockerNotesPlugin) if n.startswith("on_")]
    patch(plugin.DockerNotesPlugin, hooks, "total")
    patch(extension.DockerCommandsExtension, ["extendMarkdown"], "total", "commands")
    patch(extension._State, ["start"], "total", "commands")
    patch(extension._CommandQuoteProcessor, ["test", "run"], "total", "commands")
    # The other Markdown extensions the plugin adds: the notes' structure, the safe addresses.
    patch(structure._StructurePreprocessor, ["run"], "total")
    patch(structure._DropSeparators, ["run"], "total")
    patch(safe_urls._SafeUrls, ["run"], "total")
    patch(safe_urls._GuardRawHtml, ["run"], "total")
    patch(mkdocs_commands.CommandBlocks, ["__init__", *hooks], "commands")
    patch(mkdocs_images.ImageChecks, ["__init__", *hooks], "images")
    patch(mkdocs_images._ReplacedWarnings, ["filter"], "total", "images")

from mkdocs.__main__ import cli

start = time.perf_counter()
cli.main(args=["build", "-f", sys.argv[1]], standalone_mode=False)
build = time.perf_counter() - start
# The build's own CPU time, without that of any child process.
own = resource.getrusage(resource.RUSAGE_SELF)
with open(sys.argv[2], "w") as f:
    json.dump(
        {"build": build, "hooks": spent, "gc": collecting[0], "own": own.ru_utime + own.ru_stime},
        f,
    )
"""


@dataclass
class Build:
    """One build. Seconds, except peak memory (MiB)."""

    variant: str
    wall: float  # the whole process, as a user waits for `mkdocs build`
    build: float  # inside the process: MkDocs' command, without interpreter start-up
    cpu: float  # user + system time of the process
    user: float  # user time alone: the Python work, without the kernel's file system work
    peak_mib: float
    hooks: dict[str, float] = field(default_factory=dict)  # total, commands, images
    warnings: int = 0
    round: int = 0  # of the benchmark's rounds, in which every variant builds once
    gc: float = 0.0  # the garbage collector's passes, in the whole build (left out of `hooks`)
    own_cpu: float = 0.0  # CPU time of the build's own process, without child processes
    search_index_bytes: int = 0  # the size of search/search_index.json

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def compile_plugin() -> None:
    """Write the plugin's bytecode, as installing it from a wheel does: the project's editable
    install writes none, and where PYTHONDONTWRITEBYTECODE is set every build would compile the
    plugin's modules again."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("docker_notes")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def child_env(cache: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    # The knowledge's disk cache lives with the benchmark's files, warmed by the first build,
    # as it is after an author's first build.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(cache), **(extra or {})}


def build(
    config: Path,
    variant: str,
    *,
    python: str = sys.executable,
    cache: Path | None = None,
    env: dict[str, str] | None = None,
) -> Build:
    """Build config in a fresh process, in the config's folder; raise on failure. `env` adds to
    the environment (PYTHONPATH=DIR builds with another copy of the plugin, for a before/after)."""
    cache = cache or config.parent / "cache"
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        result, log = Path(tmp) / "result.json", Path(tmp) / "stderr"
        with log.open("wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(
                [python, "-c", CHILD, str(config), str(result)],
                cwd=config.parent,
                env=child_env(cache, env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            # wait4 gives this child's own CPU time and peak memory, unmixed with other children.
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr = log.read_text(encoding="utf-8", errors="replace")
        if process.returncode != 0 or not result.exists():
            raise RuntimeError(f"{variant}: build of {config} failed:\n{stderr[-3000:]}")
        inside = json.loads(result.read_text(encoding="utf-8"))
    return Build(
        variant=variant,
        wall=wall,
        build=inside["build"],
        cpu=usage.ru_utime + usage.ru_stime,
        user=usage.ru_utime,
        peak_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        hooks=inside["hooks"],
        gc=inside["gc"],
        own_cpu=inside["own"],
        warnings=sum(1 for line in stderr.splitlines() if line.startswith("WARNING")),
    )
