"""The built notes page in Chromium: images, colour schemes, the zoomed view, and nothing off-site."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from site_helpers import LOCAL_HOST, OpenPage, PageWatch, artifact, import_playwright

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# Skips the module (fails it under CI) when Playwright is missing.
expect = import_playwright().expect

pytestmark = pytest.mark.browser

SCREENSHOTS = ["2020-07-22-01-16-49.png", "2020-07-22-01-17-13.png"]


@pytest.fixture
def notes(open_page: OpenPage, site_url: str) -> tuple[Page, PageWatch]:
    page, watch = open_page(site_url + "docker/")
    expect(page.locator("h1")).to_have_text("Docker")
    return page, watch


def scheme(page: Page) -> str | None:
    return page.locator("body").get_attribute("data-md-color-scheme")


def palette_toggle(page: Page) -> Locator:
    # Material shows only the label that switches to the other scheme.
    return page.locator('form[data-md-component="palette"] label:visible')


def test_the_screenshots_load_and_nothing_leaves_the_local_host(
    notes: tuple[Page, PageWatch],
) -> None:
    page, watch = notes
    images = page.locator("article img")
    expect(images).to_have_count(len(SCREENSHOTS))
    page.wait_for_function(
        """() => [...document.querySelectorAll("article img")]
            .every(img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0)"""
    )
    for img, name in zip(images.all(), SCREENSHOTS, strict=True):
        expect(img).to_have_attribute("src", re.compile(re.escape(name) + "$"))
        box = img.bounding_box()
        assert box is not None and box["width"] > 0
    # Material's search index and worker load once the page is idle: wait for them too.
    page.wait_for_load_state("networkidle")
    loaded = {url.split("?")[0] for url in watch.requests}
    assert any(u.endswith("/search/search_index.json") for u in loaded), loaded
    assert all(any(u.endswith("/_resources/" + name) for u in loaded) for name in SCREENSHOTS)
    assert not watch.offsite(), f"requests off {LOCAL_HOST}: {watch.offsite()}"
    watch.assert_clean()


def test_the_palette_toggle_switches_to_dark_and_back(notes: tuple[Page, PageWatch]) -> None:
    page, watch = notes
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    assert scheme(page) == "default"
    page.screenshot(path=artifact("screenshots/notes-light.png"))
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    expect(palette_toggle(page)).to_have_count(1)
    expect(palette_toggle(page)).to_have_attribute("for", "__palette_1")
    palette_toggle(page).click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    expect(page.locator("body")).not_to_have_css("background-color", background)
    page.mouse.move(640, 790)  # off the toggle, whose tooltip would cover the page
    page.screenshot(path=artifact("screenshots/notes-dark.png"), animations="disabled")

    expect(palette_toggle(page)).to_have_attribute("for", "__palette_0")
    palette_toggle(page).click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    expect(page.locator("body")).to_have_css("background-color", background)
    watch.assert_clean()


def test_a_screenshot_opens_zoomed_and_escape_closes_it(notes: tuple[Page, PageWatch]) -> None:
    page, watch = notes
    first = page.locator("article img").first
    first.scroll_into_view_if_needed()
    first.click()
    container = page.locator(".glightbox-container")
    expect(container).to_be_visible()
    zoomed = page.locator("#glightbox-body .gslide.current img")
    expect(zoomed).to_be_visible()
    expect(zoomed).to_have_attribute("src", re.compile(re.escape(SCREENSHOTS[0]) + "$"))
    page.wait_for_function(
        """() => {
            const img = document.querySelector("#glightbox-body .gslide.current img");
            return img && img.complete && img.naturalWidth > 0;
        }"""
    )
    # Fast-forwards the opening animation, so the picture shows the zoomed view, not its start.
    page.screenshot(path=artifact("screenshots/notes-zoomed.png"), animations="disabled")

    page.keyboard.press("Escape")
    expect(container).to_have_count(0)
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bglightbox-open\b"))
    watch.assert_clean()
