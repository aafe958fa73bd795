"""Opt-in: docker commands in the author's own fenced bash/console blocks are annotated too."""

from __future__ import annotations

import markdown

from commands_helpers import blocks
from docker_notes.extension import DockerCommandsExtension
from docker_notes.fences import superfences_entries

HIGHLIGHT = {"pymdownx.highlight": {"pygments_lang_class": True}}


def convert(text: str, annotate: bool = True) -> str:
    configs = {**HIGHLIGHT, "pymdownx.superfences": {}}
    if annotate:
        configs["pymdownx.superfences"] = {"custom_fences": superfences_entries()}
    return markdown.markdown(
        text,
        extensions=[DockerCommandsExtension(), "pymdownx.highlight", "pymdownx.superfences"],
        extension_configs=configs,
    )


def test_console_session_copies_commands_only() -> None:
    text = "```console\n$ docker ps -a\nCONTAINER ID   IMAGE\n$ echo done\ndone\n```\n"
    (block,) = blocks(convert(text))
    assert block.copy == "docker ps -a\necho done"
    assert [t[0] for t in block.tokens] == ["$", "docker", "ps", "-a"]
    assert block.code == "$ docker ps -a\nCONTAINER ID   IMAGE\n$ echo done\ndone"


def test_bash_block_keeps_every_line_and_joins_continuations() -> None:
    text = "```bash\ndocker run -d \\\n  -p 80:80 nginx\nls -la\n```\n"
    (block,) = blocks(convert(text))
    assert block.copy == "docker run -d \\\n  -p 80:80 nginx\nls -la"
    assert block.item_for("80:80").details == ["host port 80 → container port 80 (TCP)"]


def test_fences_without_docker_or_with_options_are_highlighted_as_before() -> None:
    for text in ("```bash\necho hello\n```\n", '```bash title="run.sh"\ndocker ps\n```\n'):
        assert convert(text) == convert(text, annotate=False)
        assert "dn-cmd" not in convert(text)
