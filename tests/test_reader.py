"""The notes page as a reader meets it: on a desktop and on a phone, from the keyboard, through the
search, with a screen reader's eyes (axe-core), on paper, and over the network."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from site_helpers import (
    DESKTOP,
    LOCAL_HOST,
    NOTES_COMMANDS,
    PHONE,
    OpenPage,
    PageWatch,
    artifact,
    block_of,
    build_tiny_site,
    explanation_item,
    import_playwright,
    npm_package_file,
    open_notes,
    serve_directory,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Request

# Skips the module (fails it under CI) when Playwright is missing.
expect = import_playwright().expect

pytestmark = pytest.mark.browser

TOKENS = {
    "docker run hello-world": ["docker", "run", "hello-world"],
    "docker run -it ubuntu bash": ["docker", "run", "-it", "ubuntu", "bash"],
    "docker pull busybox": ["docker", "pull", "busybox"],
}
assert list(TOKENS) == NOTES_COMMANDS
IMAGE_PAGES = {
    "hello-world": "https://hub.docker.com/_/hello-world",
    "ubuntu": "https://hub.docker.com/_/ubuntu",
    "busybox": "https://hub.docker.com/_/busybox",
}
DEVICES = pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
SCHEMES = pytest.mark.parametrize(
    ("color_scheme", "material_scheme"), [("light", "default"), ("dark", "slate")]
)
# A4 at 96 dpi: the width a printed page lays its text out in.
PAPER = {"width": 794, "height": 1123}

AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Bytes over the wire, text gzip-compressed as GitHub Pages sends it. Decoded, the first load is
# about 485 KB, and Material's own CSS and JavaScript are 264 KB of that: no budget under that
# could be met by settings alone.
TRANSFER_BUDGET = 350_000

LONG_COMMAND = (
    "docker run --detach --name a-container-with-a-rather-long-name --publish 8080:80"
    " --env GREETING=hello-from-a-long-environment-value"
    " --volume /srv/a/very/long/host/path/to/the/site/content:/usr/share/nginx/html:ro nginx:1.27"
)


# --- Fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A one-page site whose only command is far wider than a desktop's text column."""
    note = f"# Long\n\n> {LONG_COMMAND}\n\nText after the command.\n"
    site = build_tiny_site(tmp_path_factory.mktemp("long-command"), note, "Long commands")
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="module")
def compressed_site_url(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site, compress=True) as url:
        yield url


@pytest.fixture(scope="module")
def axe_script(request: pytest.FixtureRequest) -> Path:
    return npm_package_file(request, "axe-core", AXE_VERSION, "axe.min.js")


def wait_for_images(page: Page) -> None:
    page.wait_for_function(
        """() => [...document.querySelectorAll("article img")]
            .every(img => img.complete && img.naturalWidth > 0)"""
    )


def wait_for_stillness(page: Page) -> None:
    """Until no transition runs: a colour read mid-fade is neither the old nor the new one."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: scrollWidth, innerWidth = {widths}"


def overflow(code: Locator) -> dict[str, Any]:
    return code.evaluate(
        """el => ({scroll: el.scrollWidth, client: el.clientWidth,
                  overflowX: getComputedStyle(el).overflowX})"""
    )


def _luminance(rgb: tuple[float, ...]) -> float:
    channels = [c / 255 for c in rgb[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(css_a: str, css_b: str) -> float:
    """WCAG contrast ratio of two opaque `rgb(…)` colours as getComputedStyle gives them."""
    a, b = (tuple(float(n) for n in re.findall(r"[\d.]+", c)) for c in (css_a, css_b))
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- Layout on a desktop and on a phone ---------------------------------------------------------


@DEVICES
def test_the_page_fits_the_screen_and_a_screenshot_zooms_on_a_tap_or_click(
    open_page: OpenPage, site_url: str, device: dict[str, Any]
) -> None:
    page, watch = open_notes(open_page, site_url, **device)
    wait_for_images(page)
    assert_no_horizontal_scroll(page)
    column = page.locator("article.md-content__inner")
    col = column.evaluate(
        """el => {
            const r = el.getBoundingClientRect(), s = getComputedStyle(el);
            return {left: r.left + parseFloat(s.paddingLeft),
                    right: r.right - parseFloat(s.paddingRight)};
        }"""
    )
    images = page.locator("article img")
    expect(images).to_have_count(2)
    for img in images.all():
        box = img.bounding_box()
        assert box is not None
        assert col["left"] - 0.5 <= box["x"], (box, col)
        assert box["x"] + box["width"] <= col["right"] + 0.5, f"wider than the text: {box}, {col}"
    if device is PHONE:
        page.screenshot(path=artifact("screenshots/notes-phone.png"))

    first = images.first
    if device is PHONE:
        first.tap()
    else:
        first.click()
    zoomed = page.locator("#glightbox-body .gslide.current img")
    expect(zoomed).to_be_visible()
    page.wait_for_function(
        """() => {
            const img = document.querySelector("#glightbox-body .gslide.current img");
            return img && img.complete && img.naturalWidth > 0;
        }"""
    )
    box = zoomed.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= device["viewport"]["width"], (
        f"the zoom leaves the screen: {box}"
    )
    close = page.locator(".glightbox-container .gclose")
    if device is PHONE:
        close.tap()
    else:
        close.click()
    expect(page.locator(".glightbox-container")).to_have_count(0)
    watch.assert_clean()


def test_on_a_phone_a_tap_on_a_token_opens_its_explanation_and_another_tap_closes_it(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_notes(open_page, site_url, **PHONE)
    block = block_of(page, "docker pull busybox")
    busybox = block.locator("code .dn-t").filter(has_text=re.compile("^busybox$"))
    pop = block.locator(".dn-pop")
    busybox.tap()
    expect(pop).to_be_visible()
    expect(pop.locator(".dn-x__tok")).to_have_text("busybox")
    expect(pop.locator(f'a[href="{IMAGE_PAGES["busybox"]}"]')).to_be_visible()
    box = pop.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (
        f"the pop-over leaves the screen: {box}"
    )
    assert_no_horizontal_scroll(page)
    wait_for_stillness(page)
    page.screenshot(path=artifact("screenshots/notes-phone-explanation.png"))

    busybox.tap()
    expect(pop).to_be_hidden()
    expect(busybox).to_have_attribute("aria-expanded", "false")
    watch.assert_clean()


@DEVICES
def test_a_long_command_scrolls_inside_its_block_and_not_the_page(
    open_page: OpenPage, long_site_url: str, device: dict[str, Any]
) -> None:
    page, watch = open_page(long_site_url, **device)
    code = page.locator(".dn-cmd pre > code")
    expect(code).to_have_count(1)
    expect(code).to_have_text(LONG_COMMAND)
    # Material makes the <code> inside the <pre> the scrolling box.
    sizes = overflow(code)
    assert sizes["scroll"] > sizes["client"], f"the command is not wider than its block: {sizes}"
    assert sizes["overflowX"] in ("auto", "scroll"), sizes
    assert_no_horizontal_scroll(page)
    scrolled = code.evaluate("el => { el.scrollLeft = el.scrollWidth; return el.scrollLeft; }")
    assert scrolled > 0, "the block does not scroll to the end of its command"
    # The page has not moved along with it.
    assert page.evaluate("window.scrollX") == 0
    watch.assert_clean()


# --- Keyboard -----------------------------------------------------------------------------------


@SCHEMES
def test_tab_from_the_top_of_the_page_reaches_a_token_with_a_visible_outline(
    open_page: OpenPage, site_url: str, color_scheme: str, material_scheme: str
) -> None:
    page, watch = open_notes(open_page, site_url, color_scheme=color_scheme)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material_scheme)
    assert page.evaluate("document.activeElement === document.body")
    presses = 0
    while not page.evaluate("document.activeElement.matches('.dn-cmd .dn-t')"):
        presses += 1
        assert presses <= 150, "150 presses of Tab never reached a command's token"
        page.keyboard.press("Tab")
    first = block_of(page, "docker run hello-world").locator("code .dn-t").first
    expect(first).to_be_focused()
    expect(first).to_have_text("docker")
    print(f"{color_scheme}: Tab pressed {presses} times to reach the first command token")

    style = first.evaluate(
        """el => {
            const s = getComputedStyle(el);
            return {visible: el.matches(":focus-visible"), style: s.outlineStyle,
                    width: parseFloat(s.outlineWidth), color: s.outlineColor,
                    background: getComputedStyle(el.closest("code")).backgroundColor};
        }"""
    )
    assert style["visible"], "the token does not match :focus-visible"
    assert style["style"] not in ("none", "hidden") and style["width"] >= 1, style
    # WCAG 1.4.11: a focus indicator needs 3:1 against what surrounds it.
    ratio = contrast(style["color"], style["background"])
    assert ratio >= 3, f"the focus outline has a contrast of {ratio:.2f}:1 on the code: {style}"

    pop = block_of(page, "docker run hello-world").locator(".dn-pop")
    page.keyboard.press("Enter")
    expect(pop).to_be_visible()
    expect(pop.locator(".dn-x__tok")).to_have_text("docker")
    page.keyboard.press("Escape")
    expect(pop).to_be_hidden()
    expect(first).to_be_focused()
    watch.assert_clean()


# --- Every token explains itself ----------------------------------------------------------------


@pytest.mark.parametrize("command", list(TOKENS))
def test_each_token_opens_the_explanation_of_that_token(
    open_page: OpenPage, site_url: str, command: str
) -> None:
    page, watch = open_notes(open_page, site_url)
    block = block_of(page, command)
    tokens = block.locator("code .dn-t")
    expect(tokens).to_have_text(TOKENS[command])
    pop = block.locator(".dn-pop")
    for i, text in enumerate(TOKENS[command]):
        tok = tokens.nth(i)
        tok.click()
        expect(pop).to_be_visible()
        expect(tok).to_have_attribute("aria-expanded", "true")
        expect(block.locator('.dn-t[aria-expanded="true"]')).to_have_count(1)
        expect(pop).to_have_attribute("aria-label", f"Explanation of {text}")
        # The token as written, then its other spellings: `-it (--interactive, --tty)`.
        spelled = re.compile(re.escape(text) + r"( \(.*\))?$")
        expect(pop.locator(".dn-x__tok")).to_have_text(spelled)
        # The pop-over shows the token's item of the list (or the earlier one it refers to).
        item = explanation_item(page, tok)
        expect(item.locator(".dn-x__tok")).to_have_text(spelled)
        item_text = item.locator(".dn-x__text").text_content()
        assert item_text
        expect(pop.locator(".dn-x__text")).to_have_text(item_text)
        if text == "-it":
            expect(pop).to_contain_text(re.compile(r"interactive", re.IGNORECASE))
            expect(pop).to_contain_text(re.compile(r"standard input|\bstdin\b", re.IGNORECASE))
            expect(pop).to_contain_text(re.compile(r"\btty\b", re.IGNORECASE))
        if text in IMAGE_PAGES:
            expect(pop.locator(f'a[href="{IMAGE_PAGES[text]}"]')).to_be_visible()
    page.keyboard.press("Escape")
    expect(pop).to_be_hidden()
    watch.assert_clean()


# --- Search -------------------------------------------------------------------------------------


@SCHEMES
def test_the_search_finds_the_notes_page(
    open_page: OpenPage, site_url: str, color_scheme: str, material_scheme: str
) -> None:
    page, watch = open_notes(open_page, site_url, color_scheme=color_scheme)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material_scheme)
    field = page.locator("input.md-search__input")
    field.click()
    expect(field).to_be_focused()
    results = page.locator(".md-search-result__list a.md-search-result__link")
    for query in ("busybox", "interactive"):
        field.fill("")
        # Material searches on key presses, so the query is typed, not set.
        field.press_sequentially(query)
        expect(page.locator(".md-search-result__meta")).to_contain_text(re.compile(r"\d+ match"))
        expect(results.first).to_be_visible()
        # Material redraws the list as the query grows: read it in one go, once it has the page
        # (reading link by link raced a redraw that had fewer links).
        page.wait_for_function(
            "prefix => [...document.querySelectorAll("
            "'.md-search-result__list a.md-search-result__link')]"
            ".some(a => a.href.startsWith(prefix))",
            arg=site_url + "docker/",
        )
        expect(page.locator(".md-search-result__list")).to_contain_text(
            re.compile(query, re.IGNORECASE)
        )
    wait_for_stillness(page)
    page.screenshot(path=artifact(f"screenshots/notes-search-{color_scheme}.png"))
    watch.assert_clean()


# --- Accessibility ------------------------------------------------------------------------------


def serious_violations(page: Page, axe_script: Path) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script))
    wait_for_stillness(page)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            found.append(
                f"{violation['impact']} {violation['id']} ({violation['help']}) at "
                f"{node['target']}: {summary}"
            )
    return found


@SCHEMES
def test_axe_finds_no_serious_violation_closed_or_open(
    open_page: OpenPage,
    site_url: str,
    axe_script: Path,
    color_scheme: str,
    material_scheme: str,
) -> None:
    page, watch = open_notes(open_page, site_url, color_scheme=color_scheme)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material_scheme)
    wait_for_images(page)
    found = serious_violations(page, axe_script)
    assert not found, "as loaded:\n" + "\n".join(found)

    # Everything the command blocks can show at once: every list, a pop-over, an active token.
    page.evaluate(
        "document.querySelectorAll('details.dn-explain').forEach(d => { d.open = true; })"
    )
    block = block_of(page, "docker run -it ubuntu bash")
    block.locator("code .dn-t").filter(has_text=re.compile("^-it$")).click()
    expect(block.locator(".dn-pop")).to_be_visible()
    found = serious_violations(page, axe_script)
    assert not found, "with the explanations open:\n" + "\n".join(found)
    watch.assert_clean()


def test_every_screenshot_has_a_meaningful_accessible_name(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_notes(open_page, site_url)
    images = page.locator("article img")
    expect(images).to_have_count(2)
    for img in images.all():
        alt = (img.get_attribute("alt") or "").strip()
        src = img.get_attribute("src") or ""
        stem = Path(src).stem
        assert len(alt.split()) >= 3, f"{src}: alt {alt!r} does not say what it shows"
        assert not re.search(r"\.(png|jpe?g|gif|webp|svg)\b", alt, re.IGNORECASE), (src, alt)
        assert stem not in alt, (src, alt)
        # What assistive technology announces, after ARIA and roles: the alt, for the picture and
        # for the link that zooms it.
        expect(img).to_have_accessible_name(alt)
        expect(img.locator("xpath=ancestor::a[1]")).to_have_accessible_name(alt)
    watch.assert_clean()


# --- Paper --------------------------------------------------------------------------------------


def assert_prints_whole(page: Page) -> None:
    """On paper every command wraps instead of being cut, and every explanation shows."""
    page.set_viewport_size(PAPER)
    page.emulate_media(media="print")
    codes = page.locator(".dn-cmd pre > code")
    for code in codes.all():
        sizes = overflow(code)
        assert sizes["scroll"] <= sizes["client"], f"{code.text_content()!r} is cut: {sizes}"
    for explanation in page.locator(".dn-cmd ul.dn-list").all():
        expect(explanation).to_be_visible()
    for token in page.locator(".dn-cmd code .dn-t").all():
        # Each token has its item on paper; a repeated one points to the explanation above.
        own = page.locator(f"li.dn-x#{token.get_attribute('data-dn')}")
        expect(own.locator(".dn-x__tok")).to_contain_text(token.text_content() or "")
        expect(own).to_be_visible()
        expect(explanation_item(page, token).locator(".dn-x__text")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PAPER["width"]


def test_print_wraps_long_commands_and_shows_their_explanations(
    open_page: OpenPage, long_site_url: str
) -> None:
    page, watch = open_page(long_site_url)
    code = page.locator(".dn-cmd pre > code")
    line_height = code.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert_prints_whole(page)
    box = code.bounding_box()
    assert box is not None and box["height"] > 1.5 * line_height, "the command did not wrap"
    watch.assert_clean()


def test_the_notes_print_with_every_command_and_explanation(
    open_page: OpenPage, site_url: str
) -> None:
    page, watch = open_notes(open_page, site_url)
    wait_for_images(page)
    assert_prints_whole(page)
    expect(page.locator(".dn-cmd li.dn-x")).to_have_count(sum(len(t) for t in TOKENS.values()))
    pdf = page.pdf(path=artifact("notes-print.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    watch.assert_clean()


# --- Network ------------------------------------------------------------------------------------


def test_the_first_load_stays_on_the_host_and_under_350_kb(
    browser: Browser, compressed_site_url: str
) -> None:
    # A context of its own: an empty cache, and a server that compresses text as the host does.
    context = browser.new_context(viewport=DESKTOP["viewport"], color_scheme="light")
    try:
        page = context.new_page()
        requests: list[Request] = []
        page.on("requestfinished", lambda r: requests.append(r))
        watch = PageWatch()
        page.on("request", lambda r: watch.requests.append(r.url))
        page.on("requestfailed", lambda r: watch.failed.append(f"{r.url}: {r.failure}"))
        page.goto(compressed_site_url + "docker/", wait_until="load")
        # Material's search worker fetches itself and the index once the page is idle.
        page.wait_for_load_state("networkidle")
        assert not watch.offsite(), f"requests off {LOCAL_HOST}: {watch.offsite()}"
        assert not watch.failed, watch.failed

        rows = []
        for request in requests:
            if not request.url.startswith(compressed_site_url):
                continue  # data: URLs of inline icons: no transfer
            response = request.response()
            assert response is not None
            # Chromium reports no sizes for a worker's own script; the server's Content-Length
            # (it sends none chunked) is the body as it went over the wire for every request.
            length = response.header_value("content-length")
            assert length is not None, request.url
            sent = int(length)
            rows.append((sent, len(response.body()), request.url[len(compressed_site_url) :]))
        assert any(url.endswith("search/search_index.json") for *_, url in rows), rows
        transferred = sum(sent for sent, _, _ in rows)
        decoded = sum(size for _, size, _ in rows)
        lines = [f"{sent:>9,} {size:>9,}  {url}" for sent, size, url in sorted(rows, reverse=True)]
        report = "\n".join(
            [
                f"first load of docker/: {len(rows)} requests, {transferred:,} bytes transferred "
                f"(gzip as the host sends it), {decoded:,} bytes decoded",
                f"{'sent':>9} {'decoded':>9}  url",
                *lines,
            ]
        )
        print(report)
        artifact("first-load.txt").write_text(report + "\n", encoding="utf-8")
        assert transferred <= TRANSFER_BUDGET, report
    finally:
        context.close()
