"""Command blocks in Chromium: the copy button copies only the command, and every token explains itself
to a mouse, a keyboard, a finger and a printer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from site_helpers import (
    NOTES_COMMANDS,
    READ_CLIPBOARD,
    OpenPage,
    artifact,
    block_of,
    build_tiny_site,
    explanation_item,
    import_playwright,
    open_notes,
    serve_directory,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# Skips the module (fails it under CI) when Playwright is missing.
expect = import_playwright().expect

pytestmark = pytest.mark.browser

COMMANDS = NOTES_COMMANDS
RUN_IT = "docker run -it ubuntu bash"
CONTINUED = "docker run -d \\\n  -p 8000:8000 \\\n  nginx:1.27"

TINY_NOTE = (
    "# Prompts\n\n> $ docker ps -a\n\n"
    + "\n".join("> " + line for line in CONTINUED.splitlines())
    + "\n"
)


@pytest.fixture(scope="module")
def tiny_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_tiny_site(tmp_path_factory.mktemp("prompted"), TINY_NOTE, "Prompted commands")
    with serve_directory(site) as url:
        yield url


def token(block: Locator, text: str) -> Locator:
    return block.locator("code .dn-t").filter(has_text=re.compile(rf"^{re.escape(text)}$"))


def copy(page: Page, block: Locator) -> str:
    page.evaluate("navigator.clipboard.writeText('')")
    block.hover()
    block.locator('button.md-code__button[data-md-type="copy"]').click()
    expect(page.locator(".md-dialog")).to_have_class(re.compile(r"\bmd-dialog--active\b"))
    return page.evaluate(READ_CLIPBOARD)


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def assert_near(pop: Locator, tok: Locator, block: Locator) -> None:
    p, t, b = box(pop), box(tok), box(block)
    assert t["y"] + t["height"] - 1 <= p["y"] <= t["y"] + t["height"] + 40, (p, t)
    assert b["x"] - 1 <= p["x"] and p["x"] + p["width"] <= b["x"] + b["width"] + 1, (p, b)
    # Its horizontal span overlaps the token it explains.
    assert p["x"] <= t["x"] + t["width"] and t["x"] <= p["x"] + p["width"], (p, t)


# --- Copying ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_the_copy_button_copies_exactly_the_command(
    open_page: OpenPage, site_url: str, command: str
) -> None:
    page, watch = open_notes(open_page, site_url)
    assert copy(page, block_of(page, command)) == command
    watch.assert_clean()


@pytest.mark.parametrize(
    ("block_id", "expected"),
    [("dn-1", "docker ps -a"), ("dn-2", CONTINUED)],
    ids=["prompt", "continuation"],
)
def test_prompts_are_left_out_and_continuation_lines_kept_as_written(
    open_page: OpenPage, tiny_site_url: str, block_id: str, expected: str
) -> None:
    page, watch = open_page(tiny_site_url)
    block = page.locator(f"#{block_id}")
    if block_id == "dn-1":
        # The prompt is shown (and explained), just not copied.
        expect(token(block, "$")).to_have_count(1)
    assert copy(page, block) == expected
    watch.assert_clean()


# --- Explanations -------------------------------------------------------------------------------


def test_clicking_a_token_opens_its_explanation_next_to_it_and_again_closes_it(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_notes(open_page, site_url)
    block = block_of(page, RUN_IT)
    it = token(block, "-it")
    pop = block.locator(".dn-pop")
    expect(pop).to_be_hidden()

    it.click()
    expect(pop).to_be_visible()
    expect(pop).to_contain_text(re.compile("interactive", re.IGNORECASE))
    expect(pop).to_contain_text(re.compile(r"\btty\b|terminal", re.IGNORECASE))
    expect(it).to_have_attribute("aria-expanded", "true")
    assert_near(pop, it, block)
    p, b = box(pop), box(block)
    top, bottom = min(p["y"], b["y"]), max(p["y"] + p["height"], b["y"] + b["height"])
    page.screenshot(
        path=artifact("screenshots/explanation.png"),
        clip={
            "x": b["x"] - 16,
            "y": top - 16,
            "width": b["width"] + 32,
            "height": bottom - top + 32,
        },
    )

    # The pointer still rests on the token, so its hover timer has fired by now; it must not have
    # unpinned what the click opened. A fixed wait, as what is checked is that nothing changes.
    page.wait_for_timeout(300)
    expect(pop).to_be_visible()
    it.click()
    expect(pop).to_be_hidden()
    expect(it).to_have_attribute("aria-expanded", "false")

    it.click()
    expect(pop).to_be_visible()
    page.keyboard.press("Escape")
    expect(pop).to_be_hidden()

    it.click()
    expect(pop).to_be_visible()
    page.locator("h1").click()
    expect(pop).to_be_hidden()
    watch.assert_clean()


def test_the_keyboard_reaches_opens_moves_and_closes_the_explanations(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_notes(open_page, site_url)
    block = block_of(page, RUN_IT)
    tokens = block.locator("code .dn-t")
    expect(tokens).to_have_count(5)
    # A block is one stop in the tab order: its first token.
    expect(block.locator('code .dn-t[tabindex="0"]')).to_have_count(1)
    expect(tokens.first).to_have_attribute("tabindex", "0")
    expect(tokens.first).to_have_attribute("role", "button")

    page.locator("#to-trigger-ubuntu-bash a.headerlink").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if tokens.first.evaluate("el => el === document.activeElement"):
            break
    expect(tokens.first).to_be_focused()
    assert tokens.first.evaluate("el => el.matches(':focus-visible')")
    assert tokens.first.evaluate("el => getComputedStyle(el).outlineStyle") != "none"

    pop = block.locator(".dn-pop")
    run = token(block, "run")
    page.keyboard.press("ArrowRight")
    expect(run).to_be_focused()
    expect(pop).to_be_hidden()
    page.keyboard.press("Enter")
    expect(pop).to_be_visible()
    run_text = explanation_item(page, run).locator(".dn-x__text").text_content()
    assert run_text
    expect(pop).to_contain_text(run_text)
    expect(pop.locator(".dn-x__tok")).to_have_text("run")
    assert_near(pop, run, block)

    it = token(block, "-it")
    page.keyboard.press("ArrowRight")
    expect(it).to_be_focused()
    expect(pop.locator(".dn-x__tok")).to_have_text("-it (--interactive, --tty)")
    expect(pop).to_contain_text(re.compile("interactive", re.IGNORECASE))
    assert_near(pop, it, block)
    expect(run).to_have_attribute("tabindex", "-1")
    expect(it).to_have_attribute("tabindex", "0")

    page.keyboard.press("Escape")
    expect(pop).to_be_hidden()
    expect(it).to_be_focused()
    page.keyboard.press(" ")
    expect(pop).to_be_visible()
    page.keyboard.press(" ")
    expect(pop).to_be_hidden()
    watch.assert_clean()


def test_hovering_a_token_shows_its_explanation_with_its_links(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_notes(open_page, site_url)
    block = block_of(page, RUN_IT)
    pop = block.locator(".dn-pop")
    ubuntu = token(block, "ubuntu")
    ubuntu.hover()
    expect(pop).to_be_visible()
    expect(pop.locator('a[href="https://hub.docker.com/_/ubuntu"]')).to_be_visible()
    assert_near(pop, ubuntu, block)
    # Leaving the token (not into the pop-over) hides a hovered explanation again.
    page.mouse.move(5, 790)
    expect(pop).to_be_hidden()
    watch.assert_clean()


def test_tapping_a_token_opens_it_and_tapping_elsewhere_closes_it(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_notes(
        open_page,
        site_url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )
    block = block_of(page, RUN_IT)
    pop = block.locator(".dn-pop")
    it = token(block, "-it")
    it.scroll_into_view_if_needed()
    it.tap()
    expect(pop).to_be_visible()
    expect(pop).to_contain_text(re.compile("interactive", re.IGNORECASE))
    assert_near(pop, it, block)
    p = box(pop)
    assert p["x"] >= 0 and p["x"] + p["width"] <= 390, f"the pop-over leaves the screen: {p}"

    page.locator("h1").tap()
    expect(pop).to_be_hidden()
    watch.assert_clean()


def test_print_shows_every_explanation_and_no_pop_over(open_page: OpenPage, site_url: str) -> None:
    page, watch = open_notes(open_page, site_url)
    block = block_of(page, RUN_IT)
    token(block, "-it").click()
    expect(block.locator(".dn-pop")).to_be_visible()

    page.emulate_media(media="print")
    items = page.locator(".dn-cmd li.dn-x")
    expect(items).to_have_count(3 + 5 + 3)
    for item in items.all():
        assert box(item)["height"] > 0, f"{item.get_attribute('id')} does not print"
    expect(block.locator(".dn-pop")).to_be_hidden()

    pdf = page.pdf(path=artifact("notes.pdf"), print_background=True)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
    assert Path(artifact("notes.pdf")).stat().st_size == len(pdf)
    watch.assert_clean()
