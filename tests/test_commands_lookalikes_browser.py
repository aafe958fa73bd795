"""Look-alike characters in Chromium: the reader sees each one marked where it stands, a bidi control
shows as its code point instead of reordering the line, and the copy button copies the command as
meant."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from site_helpers import (
    READ_CLIPBOARD,
    TINY_SITE_CONFIG,
    OpenPage,
    artifact,
    import_playwright,
    serve_directory,
)

expect = import_playwright().expect

pytestmark = pytest.mark.browser

NOTE = "# Pasted\n\n> docker run \u2013it ubu\u202entu bash\n\n> docker\u00a0ps -a\n"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A one-page site with the note, built without --strict: its look-alikes are warnings."""
    project = tmp_path_factory.mktemp("lookalikes")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text(NOTE, encoding="utf-8")
    (project / "mkdocs.yml").write_text(TINY_SITE_CONFIG.format(name="Pasted"), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "docs/index.md:3:14: `\u2013it` starts with `\u2013` (U+2013 EN DASH)" in result.stderr
    assert "docs/index.md:3:21: an invisible U+202E RIGHT-TO-LEFT OVERRIDE" in result.stderr
    assert "docs/index.md:5:9: a U+00A0 NO-BREAK SPACE" in result.stderr
    with serve_directory(project / "site") as url:
        yield url


def test_the_reader_sees_each_look_alike_and_copies_the_command_as_meant(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_page(site_url)
    block = page.locator(".dn-cmd").first
    code = block.locator("pre code")
    # Shown in the order the shell reads it: no character reorders the line.
    assert code.inner_text() == "docker run \u2013it ubuntu bash"
    hidden = code.locator("mark.dn-lookalike--hidden")
    expect(hidden).to_have_count(1)
    shown = hidden.evaluate("m => getComputedStyle(m, '::before').content")
    assert shown == '"U+202E"'
    assert hidden.bounding_box() is not None and hidden.bounding_box()["width"] > 5  # type: ignore[index]
    dash = code.locator("mark.dn-lookalike").first
    assert dash.inner_text() == "\u2013"
    assert dash.get_attribute("title") == "U+2013 EN DASH, not -: copied as -"
    # Marked: a frame the plain code does not have.
    assert dash.evaluate("m => getComputedStyle(m).boxShadow") != "none"
    block.screenshot(path=artifact("screenshots/lookalikes.png"))

    page.evaluate("navigator.clipboard.writeText('')")
    block.hover()
    block.locator('button.md-code__button[data-md-type="copy"]').click()
    expect(page.locator(".md-dialog")).to_have_class(re.compile(r"\bmd-dialog--active\b"))
    assert page.evaluate(READ_CLIPBOARD) == "docker run -it ubuntu bash"

    # The no-break space is marked between the words; the line is still a command block.
    second = page.locator(".dn-cmd").nth(1)
    expect(second.locator("mark.dn-lookalike")).to_have_count(1)
    assert second.locator(".highlight").get_attribute("data-copy") == "docker ps -a"
    watch.assert_clean()


def test_the_explanation_tells_what_is_copied_in_its_place(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_page(site_url)
    block = page.locator(".dn-cmd").first
    block.locator("code .dn-t").filter(has_text="ubu").click()
    pop = page.locator(".dn-pop:not([hidden])")
    expect(pop).to_contain_text("U+202E RIGHT-TO-LEFT OVERRIDE")
    expect(pop).to_contain_text("the copy button leaves it out")
    assert "\u202e" not in page.content()
    watch.assert_clean()
