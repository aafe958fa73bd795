"""A screenshot that opens a list item sits beside its bullet, as a Markdown editor shows it.

The notes nest screenshots in lists (`* VMs` / `    * ![…](…)`, docs/docker.md). On the text's
baseline the bullet would hang by the image's bottom edge, a screenshot's height away from the
line it belongs to; docs/stylesheets/site.css hangs the image from the item's first line instead.
Measured in Chromium: where the bullet's pixels are, against the image's top edge.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from site_helpers import DESKTOP, PHONE, OpenPage, artifact, import_playwright

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

# The list items of docs/docker.md that hold only a screenshot.
SCREENSHOT_ITEMS = 2


def bullet_rows(page: Page, item: Locator) -> tuple[float, float]:
    """The first and last row of the item's bullet, in CSS pixels from the item's top: the ink
    in the strip two letters wide left of the item's text, where the marker is drawn."""
    box = item.bounding_box()
    font_size = item.evaluate("li => parseFloat(getComputedStyle(li).fontSize)")
    assert box is not None
    clip = {
        "x": box["x"] - 2 * font_size,
        "y": box["y"],
        "width": 2 * font_size - 1,
        "height": box["height"],
    }
    strip = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    scale = strip.height / box["height"]
    histogram = strip.histogram()
    background = max(range(len(histogram)), key=histogram.__getitem__)
    rows = [
        y
        for y in range(strip.height)
        if any(abs(strip.getpixel((x, y)) - background) > 60 for x in range(strip.width))
    ]
    assert rows, "no bullet left of the item"
    return rows[0] / scale, (rows[-1] + 1) / scale


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_screenshot_in_a_list_item_sits_beside_its_bullet(
    open_page: OpenPage, site_url: str, device: dict[str, Any]
) -> None:
    expect = import_playwright().expect
    page, watch = open_page(site_url + "docker/", **device)
    page.wait_for_function(
        """() => [...document.querySelectorAll("article img")]
            .every(img => img.complete && img.naturalWidth > 0)"""
    )
    items = page.locator("article li:has(> a > img:only-child)")
    expect(items).to_have_count(SCREENSHOT_ITEMS)
    for item in items.all():
        # Clear of the header, which stays at the top of the window.
        item.evaluate("li => li.scrollIntoView({block: 'center'})")
        item_box = item.bounding_box()
        image_box = item.locator("img").bounding_box()
        line = item.evaluate("li => parseFloat(getComputedStyle(li).lineHeight)")
        assert item_box and image_box and image_box["height"] > 3 * line
        top, bottom = bullet_rows(page, item)
        image_top = image_box["y"] - item_box["y"]
        # The bullet is on the image's first line of text, not a screenshot's height below it.
        assert image_top - 1 <= top and bottom <= image_top + line, (
            f"bullet at {top:.0f}–{bottom:.0f} px, image from {image_top:.0f} px "
            f"to {image_top + image_box['height']:.0f} px, a line is {line:.0f} px"
        )
    vms = items.first.locator("xpath=../..")  # "VMs", and its screenshot
    vms.evaluate("li => li.scrollIntoView({block: 'center'})")
    box = vms.bounding_box()
    assert box is not None
    name = "desktop" if device is DESKTOP else "phone"
    clip = {
        "x": 0,
        "y": box["y"] - 8,
        "width": device["viewport"]["width"],
        "height": box["height"] + 16,
    }
    page.screenshot(path=artifact(f"screenshots/notes-screenshot-bullets-{name}.png"), clip=clip)
    watch.assert_clean()
