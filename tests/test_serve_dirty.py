"""`make serve` on a site of many notes: `mkdocs serve --dirty` rebuilds only what an edit changes,
and stays correct (mkdocs_serve.py).

One real `mkdocs serve --dirty` over a temp copy of 200 generated notes (enough to tell a one-page
rebuild from a full one), its site folder in the test's own temp dir so that the test sees which
pages were written again. Each step edits the notes as an author does and waits for the result
on the served pages and in serve's log.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from commands_helpers import blocks
from images_helpers import png
from serve_helpers import Server, fetch, make_serve_options, mkdocs_serve, wait_for
from site_helpers import bench_corpus

pytestmark = pytest.mark.serve

NOTES = 200
KNOWLEDGE = """\
programs:
  docker:
    commands:
      container ls:
        explain: "{words}"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    corpus = bench_corpus()
    root = tmp_path / "notes"
    root.mkdir()
    corpus.generate(root, NOTES)
    options = {**corpus.plugin_options("on"), "commands": {"knowledge": ["mine.yaml"]}}
    config = corpus.write_config(root, "serve", notes=options)
    config.rename(root / "mkdocs.yml")
    (root / "mine.yaml").write_text(KNOWLEDGE.format(words="Lists containers."), encoding="utf-8")
    return root


def pages_written(site: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}


def rebuild_log(server: Server, mark: int) -> list[str]:
    """serve's lines of the rebuild that started after `mark`, once it has ended."""
    try:
        wait_for(
            # Not "Documentation built in …": MkDocs tells each text of it once per session.
            lambda: any("Reloading browsers" in line for line in server.lines_since(mark)),
            "the rebuild to end",
            120,
        )
    except pytest.fail.Exception:
        pytest.fail("no rebuild ended; serve's log since:\n" + "".join(server.lines_since(mark)))
    return server.lines_since(mark)


def test_dirty_serve_rebuilds_what_changed_and_stays_correct(project: Path, tmp_path: Path) -> None:
    serve_tmp = tmp_path / "serve"
    serve_tmp.mkdir()
    docs = project / "docs"
    note = next(docs.glob("00-*/note-0001.md"))
    with mkdocs_serve(
        project, None, *make_serve_options(), env={"TMPDIR": str(serve_tmp)}
    ) as server:
        site = next(serve_tmp.glob("mkdocs_*"))
        url = server.url + note.relative_to(docs).with_suffix("").as_posix() + "/"
        before = pages_written(site)
        assert len(before) > NOTES

        # 1. One note edited: its page alone is written again, a new command and a missing
        #    screenshot show on it; every warning of the site is told once.
        mark = len(server.output)
        with note.open("a", encoding="utf-8") as f:
            f.write(
                "\n\nEdited here.\n\n> docker ps -a\n\n![The new shot](../_resources/new.png)\n"
            )
        wait_for(lambda: "Edited here." in fetch(url), "the edited page")
        log = rebuild_log(server, mark)
        assert any("Rebuilding 1 page(s) (dirty)" in line for line in log), log
        after = pages_written(site)
        rewritten = sorted(p for p in before if after[p] != before[p])
        assert rewritten == [site / url.removeprefix(server.url) / "index.html"]
        page = fetch(url)
        assert "docker ps -a" in [b.copy for b in blocks(page)]
        assert "dn-image-problem" in page
        warnings = [line for line in log if line.startswith("WARNING")]
        assert any(
            note.name in w and "missing image '../_resources/new.png'" in w for w in warnings
        )
        assert len(warnings) == len(set(warnings))
        assert len([w for w in warnings if note.name not in w]) > 5  # the others', carried over
        assert not any("dirty' build is being performed" in line for line in log)
        # The navigation of the page names the other notes; the search still has every page.
        titles = re.findall(r'class="md-nav__link">\s*<span class="md-ellipsis">\s*(.*?)\s*<', page)
        assert len(titles) > 10 and all(titles)
        _assert_search_index_complete(server)

        # 2. The screenshot arrives: box and warning go; then it goes, and they come back.
        shot = docs / "_resources" / "new.png"
        mark = len(server.output)
        shot.write_bytes(png())
        wait_for(lambda: "dn-image-problem" not in fetch(url), "the box to go")
        log = rebuild_log(server, mark)
        assert any("Rebuilding 1 page(s)" in line for line in log), log
        assert not any("new.png" in line for line in log)
        mark = len(server.output)
        shot.unlink()
        wait_for(lambda: "dn-image-problem" in fetch(url), "the box to come back")
        log = rebuild_log(server, mark)
        assert any("missing image '../_resources/new.png'" in line for line in log)

        # 3. An image nothing uses: the orphan summary names it, and only it (the pages not
        #    rebuilt still use theirs), until it goes.
        lonely = docs / "_resources" / "lonely.png"
        mark = len(server.output)
        lonely.write_bytes(png())
        log = rebuild_log(server, mark)
        orphans = [line for line in log if "not used by any page" in line]
        assert len(orphans) == 1 and "1 image in docs/" in orphans[0], orphans
        assert any("lonely.png" in line for line in log)
        mark = len(server.output)
        lonely.unlink()
        log = rebuild_log(server, mark)
        assert not any("not used by any page" in line for line in log)

        # 4. A note added: the home page lists it, and so does the navigation of a note next
        #    to it that did not change (a full rebuild).
        neighbour = next(p for p in note.parent.glob("note-*.md") if p != note)
        neighbour_url = server.url + neighbour.relative_to(docs).with_suffix("").as_posix() + "/"
        mark = len(server.output)
        (note.parent / "brand-new.md").write_text(
            "# Brand new note\n\n> docker images\n", encoding="utf-8"
        )
        wait_for(lambda: "Brand new" in fetch(server.url), "the home page to list the new note")
        wait_for(lambda: "Brand new" in fetch(neighbour_url), "the new note in the navigation")
        log = rebuild_log(server, mark)
        assert any("Rebuilding every page" in line for line in log), log
        _assert_search_index_complete(server)
        # Deleted again: it leaves the home page, and its own page is no longer served.
        new_url = neighbour_url.rsplit("/", 2)[0] + "/brand-new/"
        assert "Brand new" in fetch(new_url)
        mark = len(server.output)
        (note.parent / "brand-new.md").unlink()
        wait_for(lambda: "Brand new" not in fetch(server.url), "the home page to drop the note")
        rebuild_log(server, mark)
        assert fetch(new_url) == ""

        # 5. The author's knowledge file: every page gets the new words.
        mark = len(server.output)
        (project / "mine.yaml").write_text(
            KNOWLEDGE.format(words="Our own words for ps."), encoding="utf-8"
        )
        wait_for(
            lambda: any(
                b.copy == "docker ps -a" and "Our own words" in b.item_for("ps").text
                for b in blocks(fetch(url))
            ),
            "the new explanation",
            120,
        )
        assert any("Rebuilding every page" in line for line in rebuild_log(server, mark))


def _assert_search_index_complete(server: Server) -> None:
    index = json.loads(fetch(server.url + "search/search_index.json"))
    pages = Counter(d["location"] for d in index["docs"] if "#" not in d["location"])
    assert len(pages) > NOTES and max(pages.values()) == 1, pages.most_common(3)


def test_the_threshold_of_full_rebuilds_covers_the_home_pages_cards() -> None:
    """On sites of up to SMALL_SITE notes every rebuild is a full one, because the home page shows
    each note's sections there (its cards); it must not show them on larger sites."""
    from docker_notes.mkdocs_serve import SMALL_SITE

    template = (Path(__file__).parents[1] / "overrides" / "notes-index.html").read_text()
    found = re.search(r"cards_up_to\s*=\s*(\d+)", template)
    if found is None:
        pytest.skip("the home page template shows no cards")
    assert int(found[1]) <= SMALL_SITE
