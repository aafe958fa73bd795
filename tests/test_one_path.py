"""One synchronous path: the plugin writes nothing into the site and starts no process or thread,
and a build interrupted at any page leaves nothing of ours behind.

A child process builds a small site under an audit hook (PEP 578) that records every file opened
for writing under the site folder, and every process or thread started, with whether the plugin's
code was on the stack; a hook of the site's stops the build at page K, for every K.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from commands_helpers import blocks

NOTES = 4
CHILD = textwrap.dedent(
    """\
    import json, os, sys, traceback

    site = os.path.realpath(sys.argv[2])
    ours = os.path.join("docker_notes", "")
    seen = {"writes": [], "ours": []}

    def from_plugin():
        frame = sys._getframe(2)
        while frame is not None:
            if ours in frame.f_code.co_filename:
                return True
            frame = frame.f_back
        return False

    def writing(path, mode, flags):
        if not isinstance(path, str):
            return False
        if mode is not None:
            return bool(set(mode) & set("wax+"))
        return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))

    def audit(event, args):
        if event == "open" and writing(*args):
            path = os.path.realpath(args[0])
            if path.startswith(site):
                seen["writes"].append(path)
                if from_plugin():
                    seen["ours"].append(f"write {path}")
        elif event in ("subprocess.Popen", "os.fork", "os.posix_spawn", "_thread.start_new_thread"):
            if from_plugin():
                seen["ours"].append(event)

    sys.addaudithook(audit)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    try:
        build(load_config(sys.argv[1], site_dir=site))
        seen["result"] = "built"
    except Exception as e:
        seen["result"] = f"{type(e).__name__}: {e}"
    print(json.dumps(seen))
    """
)
STOP_HOOK = """\
import os

count = 0

def on_post_page(output, page, config):
    global count
    count += 1
    if count == int(os.environ["STOP_AT"]):
        raise RuntimeError(f"stopped at page {count}")
    return output
"""
CONFIG = """\
site_name: Interrupted
theme:
  name: material
plugins:
  - search
  - docker-notes
markdown_extensions:
  - pymdownx.superfences
hooks: [stop.py]
"""


def make_project(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for n in range(NOTES):
        (docs / f"note-{n}.md").write_text(
            f"# Note {n}\n\n> docker run -it ubuntu:{n} bash\n\n> docker ps -a\n", encoding="utf-8"
        )
    (root / "stop.py").write_text(STOP_HOOK, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root / "mkdocs.yml"


def build(config: Path, site: Path, stop_at: int) -> dict[str, object]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STOP_AT": str(stop_at)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(config), str(site)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return seen


@pytest.mark.parametrize("stop_at", [0, *range(1, NOTES + 1)])
def test_nothing_of_ours_is_written_and_an_interrupted_build_leaves_only_mkdocs_pages(
    tmp_path: Path, stop_at: int
) -> None:
    config = make_project(tmp_path)
    site = tmp_path / "site"
    seen = build(config, site, stop_at)
    assert seen["ours"] == [], "the plugin wrote into the site or started a process or thread"
    if stop_at == 0:  # never stopped: the whole site
        assert seen["result"] == "built"
    else:
        assert seen["result"] == f"RuntimeError: stopped at page {stop_at}"
    pages = sorted(site.glob("note-*/index.html"))
    # MkDocs writes a page once its plugins have returned it: the pages before the stop.
    assert len(pages) == (NOTES if stop_at == 0 else stop_at - 1)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        n = page.parent.name.removeprefix("note-")
        assert [b.copy for b in blocks(text)] == [f"docker run -it ubuntu:{n} bash", "docker ps -a"]
    # Every file of the site was seen opened for writing (the audit sees what it must), and none
    # is a leftover of a half-done write.
    every = {p for p in site.rglob("*") if p.is_file()}
    written = {Path(p) for p in seen["writes"]}  # type: ignore[attr-defined]
    assert every and every <= written
    assert not [p for p in every if p.name.endswith((".dn-part", ".tmp"))]
