"""The author's loop on the real project: edit a note, a screenshot, the knowledge, under `mkdocs serve`.

A temp copy of the project is served on a free 127.0.0.1 port; every change must show on the served
page (and in serve's log) on the next rebuild. The time from each edit to the changed page being
served is printed and written to `artifacts/serve-rebuilds.txt` (a figure, not a timed assertion).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from commands_helpers import blocks
from images_helpers import png
from serve_helpers import fetch, make_serve_options, mkdocs_serve, wait_for

pytestmark = pytest.mark.serve

PROJECT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT / "artifacts"


def copy_project(target: Path) -> Path:
    for name in ("mkdocs.yml", "cli-knowledge.yaml"):
        shutil.copy2(PROJECT / name, target / name)
    for name in ("docs", "overrides"):
        shutil.copytree(PROJECT / name, target / name)
    return target


def ps_explanation(url: str) -> str:
    """The served page's explanation of `ps` ("" while the page is being rebuilt)."""
    found = [b for b in blocks(fetch(url)) if b.copy == "docker ps -a"]
    return found[0].item_for("ps").text if found else ""


def test_edits_show_on_the_served_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    note = project / "docs" / "docker.md"
    timings: dict[str, float] = {}
    with mkdocs_serve(project, None, *make_serve_options()) as server:
        page_url = server.url + "docker/"
        first = fetch(page_url)
        assert [b.copy for b in blocks(first)] == [
            "docker run hello-world",
            "docker run -it ubuntu bash",
            "docker pull busybox",
        ]
        assert "dn-image-problem" not in first

        # 1. A new command and a link to a screenshot that is not there yet.
        mark = len(server.output)
        lines_before = note.read_text(encoding="utf-8").count("\n")
        with note.open("a", encoding="utf-8") as f:
            f.write("\n\n> docker ps -a\n\n![The running containers](_resources/ps-output.png)\n")
        shot_line = lines_before + 5
        timings["new command and broken image"] = wait_for(
            lambda: (
                "docker ps -a" in [b.copy for b in blocks(fetch(page_url))]
                and "dn-image-problem" in fetch(page_url)
            ),
            "the new block and the broken-image box",
        )
        page = fetch(page_url)
        ps = blocks(page)[-1]
        assert "Short for `docker container ls`".replace("`", "") in ps.item_for("ps").text
        assert "_resources/ps-output.png" in page
        wait_for(
            lambda: any(
                f"docs/docker.md:{shot_line}:" in line and "missing image" in line
                for line in server.lines_since(mark)
            ),
            "serve's warning naming the line",
        )

        # 2. The screenshot arrives: box and warning go away on the next rebuild.
        mark = len(server.output)
        start = time.monotonic()
        (project / "docs" / "_resources" / "ps-output.png").write_bytes(png())
        wait_for(
            lambda: (
                "dn-image-problem" not in fetch(page_url)
                and 'src="../_resources/ps-output.png"' in fetch(page_url)
            ),
            "the box to go away",
        )
        timings["screenshot added"] = time.monotonic() - start
        wait_for(
            lambda: any("no problems" in line for line in server.lines_since(mark)),
            "the rebuild's image summary",
        )
        assert not [line for line in server.lines_since(mark) if "missing image" in line]

        # 3. The author rewords an explanation in the project's knowledge file.
        knowledge = project / "cli-knowledge.yaml"
        knowledge.write_text(
            knowledge.read_text(encoding="utf-8")
            + "  docker:\n    commands:\n      container ls:\n"
            + '        explain: "Our own words: the containers, running or not with -a."\n',
            encoding="utf-8",
        )
        start = time.monotonic()
        wait_for(lambda: "Our own words" in ps_explanation(page_url), "the new explanation")
        timings["knowledge edited"] = time.monotonic() - start

    report = "\n".join(f"{what}: {seconds:.2f} s" for what, seconds in timings.items())
    print("\nedit → changed page served:\n" + report)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "serve-rebuilds.txt").write_text(report + "\n", encoding="utf-8")
