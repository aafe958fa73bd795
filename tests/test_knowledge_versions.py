"""Version notes: behaviour that differs between Docker releases, as data, shown in the blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from commands_helpers import blocks, render
from docker_notes.commands import knowledge

K = knowledge.load()


def test_images_says_what_docker_28_and_29_list() -> None:
    page, found = render("> docker images -a\n")
    assert not found
    block = blocks(page)[0]
    images = block.item_for("images")
    assert images.versions == [
        "Up to Docker 28: Untagged images (<none>, left behind when a newer build or pull "
        "takes their name) are listed too.",
        "Since Docker 29: Untagged images are hidden; docker images -a lists them.",
    ]
    all_flag = block.item_for("-a")
    assert [v.split(":")[0] for v in all_flag.versions] == ["Up to Docker 28", "Since Docker 29"]
    assert "untagged" in all_flag.versions[1]


def test_image_prune_says_where_docker_29_shows_what_it_removes() -> None:
    page, _ = render("> docker image prune\n")
    prune = blocks(page)[0].item_for("prune")
    assert prune.versions[-1].startswith("Since Docker 29: docker images hides them")


def test_notes_of_flags_written_together_name_their_flag() -> None:
    page, _ = render("> docker images -aq\n")
    item = blocks(page)[0].item_for("-aq")
    assert item.versions[-1].startswith("Since Docker 29: -a: It also shows the untagged")


def test_version_notes_print_with_the_explanation_and_stay_out_of_the_search_index() -> None:
    """As the explanation's text: on the page (and in print), not in the index (render.py)."""
    page, _ = render("> docker images -a\n")
    note = re.search(r'<span class="dn-x__version"([^>]*)>.*?Since Docker 29', page)
    assert note is not None and "data-search-exclude" in note[1]


def test_build_notes_buildkit_and_the_containerd_store() -> None:
    page, _ = render("> docker build --platform linux/amd64,linux/arm64 -t app .\n")
    block = blocks(page)[0]
    assert block.item_for("build").versions[0].startswith("Since Docker 23: On Linux")
    assert (
        block.item_for("--platform")
        .versions[0]
        .startswith("Since Docker 29: New installations use the containerd image store")
    )


def _user_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_users_file_replaces_the_notes_and_from_to_reads_as_a_range(tmp_path: Path) -> None:
    mine = _user_file(
        tmp_path,
        "programs:\n  docker:\n    commands:\n      images:\n        versions:\n"
        "          - {since: Docker 25, until: Docker 28, explain: Our own words.}\n",
    )
    page, _ = render("> docker images\n", knowledge=[str(mine)])
    assert blocks(page)[0].item_for("images").versions == [
        "From Docker 25 to Docker 28: Our own words."
    ]


@pytest.mark.parametrize(
    "note", [{"explain": "No release named."}, {"since": "Docker 29"}, "just words"]
)
def test_a_malformed_note_names_its_command(note: object) -> None:
    raw = {"programs": {"docker": {"commands": {"image ls": {"versions": [note]}}}}}
    with pytest.raises(knowledge.KnowledgeError, match=r"docker image ls: a version note"):
        knowledge.build(raw)


def test_a_malformed_note_of_an_option_names_the_option() -> None:
    option = {"names": ["-a", "--all"], "versions": [{"until": "Docker 28"}]}
    raw = {"programs": {"docker": {"commands": {"image ls": {"options": [option]}}}}}
    with pytest.raises(knowledge.KnowledgeError, match=r"-a/--all: a version note"):
        knowledge.build(raw)
