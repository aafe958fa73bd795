"""The Markdown extension is a good citizen: any number of Markdown instances built from one
extension list (MkDocs' page, Material's blog excerpts, print-site, mkdocstrings) each get correct
blocks, and a problem is reported at its note's `path:line:col` whichever instance met it."""

from __future__ import annotations

import markdown

from commands_helpers import blocks
from docker_notes.extension import Diagnostic, DockerCommandsExtension, Note

POST = "Intro.\n\n> docker run -it ubuntu bash\n\n> docker rum hello\n"
OTHER = "# Other\n\n> docker ps -a\n"


def test_instances_from_one_extension_keep_their_own_state() -> None:
    found: list[Diagnostic] = []
    ext = DockerCommandsExtension(report=found.append)
    post, other = markdown.Markdown(extensions=[ext]), markdown.Markdown(extensions=[ext])
    ext.notes.add(Note("docs/post.md", POST, lambda: 3))
    ext.notes.add(Note("docs/other.md", OTHER))
    # An excerpt instance is made while the post is rendered and converts the post later, with
    # its title prepended, after another page was converted in between.
    excerpt = markdown.Markdown(extensions=[ext])
    first = post.convert(POST)
    assert [b.id for b in blocks(first)] == ["dn-1"]
    assert [b.id for b in blocks(other.convert(OTHER))] == ["dn-1"]
    again = excerpt.convert("# Post\n\n" + POST)
    assert [b.copy for b in blocks(again)] == ["docker run -it ubuntu bash"]
    assert blocks(again)[0].items == blocks(first)[0].items
    # Both instances met `docker rum` at the post's line 5 (8 of the file), column 10.
    assert {(d.path, d.line, d.column) for d in found} == {("docs/post.md", 8, 10)}
    assert len(found) == 2  # the plugin's reporter tells each location once per build


def test_reset_starts_the_next_conversion_afresh() -> None:
    ext = DockerCommandsExtension(report=lambda d: None)
    md = markdown.Markdown(extensions=[ext])
    md.convert("> docker ps\n\n> docker images\n")
    md.reset()
    assert [b.id for b in blocks(md.convert("> docker ps\n"))] == ["dn-1"]
    # Without a reset too: each conversion is a page of its own.
    assert [b.id for b in blocks(md.convert("> docker ps\n"))] == ["dn-1"]


def test_without_a_registered_note_the_text_converted_is_the_note() -> None:
    found: list[Diagnostic] = []
    ext = DockerCommandsExtension(report=found.append, path="notes/x.md")
    markdown.markdown("Text\n\n> Docker run hello-world\n", extensions=[ext])
    assert [(d.path, d.line, d.column) for d in found] == [("notes/x.md", 3, 3)]
