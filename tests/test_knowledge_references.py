"""Every link the knowledge gives to Docker's reference is a page of it, and the right one.

The pages are listed in tests/data/docker-cli-reference.txt, taken from Docker's published CLI
reference (the file says from where). A command links to its own page: `docker container run` to
…/container/run/, a compose command to …/compose/<command>/, a buildx one to …/buildx/<command>/,
except `docker build`, which runs buildx and is documented there (the page of `docker image build`
is the legacy builder's).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from docker_notes.commands import knowledge
from docker_notes.commands.knowledge import Command, Option

PAGES_FILE = Path(__file__).parent / "data" / "docker-cli-reference.txt"
SITE = "https://docs.docker.com"
REFERENCE = f"{SITE}/reference/cli/docker/"

K = knowledge.load()
DOCKER = K.programs["docker"]

# Commands documented on another command's page.
PAGE_OF = {("image", "build"): ("buildx", "build")}
# Options of `docker build` that only the legacy builder reads (buildx accepts them hidden and
# ignores them, or lacks them): documented only on the legacy builder's page.
LEGACY_BUILD_OPTIONS = {
    "--compress", "--cpu-period", "--cpu-quota", "--cpu-shares", "--cpuset-cpus", "--cpuset-mems",
    "--disable-content-trust", "--force-rm", "--isolation", "--memory", "--memory-swap", "--rm",
    "--security-opt", "--squash",
}  # fmt: skip
# Links that leave the CLI reference on purpose, each for want of a page there.
ELSEWHERE = {
    # Hidden, deprecated commands: the reference has no page for them.
    ("docker", "buildx install"): "https://github.com/docker/buildx#building",
    ("docker", "buildx uninstall"): "https://github.com/docker/buildx#building",
    # Compose v1, a separate program the v2 reference does not describe.
    ("docker-compose", ""): f"{SITE}/compose/releases/migrate/",
}


def read_pages(text: str) -> dict[str, set[str]]:
    """Page path -> the anchors listed under it."""
    pages: dict[str, set[str]] = {}
    last = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("  #"):
            pages[last].add(line.strip()[1:])
            continue
        last = line.split()[0]
        assert last.startswith("/reference/cli/docker/") and last.endswith("/"), line
        assert last not in pages, f"{last} listed twice"
        pages[last] = set()
    return pages


PAGES = read_pages(PAGES_FILE.read_text(encoding="utf-8"))


def links() -> Iterator[tuple[str, str, str]]:
    """(program, where, url) of every reference of the knowledge, commands and options."""
    for name, program in K.programs.items():
        if program.reference:
            yield name, "", program.reference
        for path, command in program.commands.items():
            if path != command.path:
                continue  # an alias spelling: the same command
            where = " ".join(path)
            if command.reference:
                yield name, where, command.reference
            for option in command.options:
                if option.reference:
                    yield name, f"{where} {option.title}", option.reference


def test_the_list_is_docker_s_reference() -> None:
    assert len(PAGES) > 200
    for page in ("/reference/cli/docker/", "/reference/cli/docker/container/run/"):
        assert page in PAGES
    assert "/reference/cli/docker/compose/up/" in PAGES
    assert "platform" in PAGES["/reference/cli/docker/buildx/build/"]


def link_problems(items: Iterator[tuple[str, str, str]], pages: dict[str, set[str]]) -> list[str]:
    wrong = []
    for program, where, url in items:
        if not url.startswith(f"{SITE}/reference/cli/"):
            continue
        parts = urlsplit(url)
        anchors = pages.get(parts.path)
        if anchors is None:
            wrong.append(f"{program} {where}: {url} is not a page of the reference")
        elif parts.fragment and parts.fragment not in anchors:
            wrong.append(f"{program} {where}: {url}: the page has no #{parts.fragment}")
        elif parts.query:
            wrong.append(f"{program} {where}: {url} has a query")
    return wrong


def test_every_link_into_the_reference_is_one_of_its_pages() -> None:
    wrong = link_problems(links(), PAGES)
    assert not wrong, "\n".join(wrong)


def test_a_link_to_no_page_or_no_anchor_is_caught() -> None:
    bad = [
        ("docker", "build", f"{REFERENCE}image/build/legacy/"),
        ("docker", "build -t", f"{REFERENCE}buildx/build/#tags"),
        ("docker", "ps", f"{REFERENCE}container/ls/#format"),  # a page without listed anchors
        ("docker", "ps", f"{REFERENCE}container/ls/?x=1"),
        ("docker", "ps", f"{REFERENCE}container/ls/"),
        ("bash", "", "https://www.gnu.org/software/bash/manual/bash.html"),
    ]
    assert len(link_problems(iter(bad), PAGES)) == 4


def test_docker_links_stay_in_the_reference_but_where_no_page_exists() -> None:
    elsewhere = {
        (program, where): url
        for program, where, url in links()
        if program in ("docker", "docker-compose") and not url.startswith(REFERENCE)
    }
    assert elsewhere == ELSEWHERE


def expected_page(command: Command) -> str:
    return REFERENCE + "".join(f"{w}/" for w in PAGE_OF.get(command.path, command.path))


def _page(url: str) -> str:
    return url.split("#", 1)[0]


def wrong_pages(commands: dict[tuple[str, ...], Command]) -> list[str]:
    return [
        f"docker {' '.join(path)}: {command.reference}, not {expected_page(command)}"
        for path, command in commands.items()
        if path == command.path
        and (DOCKER.name, " ".join(path)) not in ELSEWHERE
        and _page(command.reference) != expected_page(command)
    ]


def test_each_command_links_to_its_own_page() -> None:
    wrong = wrong_pages(dict(DOCKER.commands))
    assert not wrong, "\n".join(wrong)


def test_the_legacy_page_for_docker_build_is_caught() -> None:
    build = DOCKER.commands[("image", "build")]
    legacy = replace(build, reference=f"{REFERENCE}image/build/")
    compose_up = replace(
        DOCKER.commands[("compose", "up")], reference=f"{REFERENCE}container/start/"
    )
    assert len(wrong_pages({build.path: legacy, compose_up.path: compose_up})) == 2


@pytest.mark.parametrize(
    ("typed", "page"),
    [
        ("build", "buildx/build/"),
        ("image build", "buildx/build/"),
        ("builder build", "buildx/build/"),
        ("buildx build", "buildx/build/"),
        ("compose up", "compose/up/"),
        ("compose down", "compose/down/"),
        ("ps", "container/ls/"),
        ("images", "image/ls/"),
        ("rmi", "image/rm/"),
    ],
)
def test_spellings_link_to_the_page_of_what_they_run(typed: str, page: str) -> None:
    assert DOCKER.commands[tuple(typed.split())].reference == REFERENCE + page


def _option_pages(command: Command, option: Option) -> set[str]:
    page = expected_page(command)
    if command.path == ("image", "build") and option.long_name in LEGACY_BUILD_OPTIONS:
        return {f"{REFERENCE}image/build/"}
    return {page}


def test_each_option_links_to_its_command_s_page_or_the_legacy_builder_s() -> None:
    wrong = []
    for path, command in DOCKER.commands.items():
        if path != command.path:
            continue
        for option in command.options:
            url = option.reference or command.reference
            if (DOCKER.name, " ".join(path)) in ELSEWHERE:
                continue
            if _page(url) not in _option_pages(command, option):
                wrong.append(f"docker {' '.join(path)} {option.title}: {url}")
    assert not wrong, "\n".join(wrong)


def test_the_build_options_of_the_issue_link_to_the_buildx_page() -> None:
    build = DOCKER.commands[("build",)]
    for name in ("-t", "-f", "--build-arg", "--target", "--no-cache", "--platform", "--progress"):
        option = build.option(name)
        assert option is not None
        url = option.reference or build.reference
        assert _page(url) == f"{REFERENCE}buildx/build/", name
    squash = build.option("--squash")
    assert squash is not None and squash.reference == f"{REFERENCE}image/build/"
    assert "Legacy builder only" in squash.explain or "legacy builder" in squash.explain


def test_the_list_is_read_with_its_anchors_and_refuses_a_stray_line() -> None:
    pages = read_pages(
        "# a note\n/reference/cli/docker/\n/reference/cli/docker/buildx/build/  abc\n  #tag\n"
    )
    assert pages == {
        "/reference/cli/docker/": set(),
        "/reference/cli/docker/buildx/build/": {"tag"},
    }
    with pytest.raises(AssertionError):
        read_pages("https://docs.docker.com/reference/cli/docker/\n")
