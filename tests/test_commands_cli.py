"""`python -m docker_notes explain`: the blocks' explanations and problems, in a terminal."""

from __future__ import annotations

import pytest

from docker_notes.__main__ import main


def test_explains_every_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "$ docker run -it --rm -p 8080:80 nginx"]) == 0
    out = capsys.readouterr().out
    for head in ("$ ", "docker ", "run ", "-it ", "--rm ", "-p ", "8080:80 ", "nginx "):
        assert any(line.startswith(head) for line in out.splitlines()), head
    assert "host port 8080 → container port 80 (TCP)" in out
    assert "https://hub.docker.com/_/nginx" in out


def test_problems_make_it_fail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "docker ps -all"]) == 1
    assert "warning: col 11: `-all` is read as `-a -l -l`" in capsys.readouterr().out
    assert main(["explain", 'docker run -e "A=b alpine']) == 1
    assert "never closed" in capsys.readouterr().out


def test_look_alikes_are_warned_and_an_invisible_one_written_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "docker run \u2013it ubu\u202entu bash"]) == 1
    out = capsys.readouterr().out
    assert "\u202e" not in out  # the terminal's line is not reordered
    assert any(line.startswith("ubu<U+202E>ntu ") for line in out.splitlines())
    assert "warning: col 12: `\u2013it` starts with `\u2013` (U+2013 EN DASH)" in out


def test_version_notes_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "docker images -a"]) == 0
    out = capsys.readouterr().out
    assert "Since Docker 29: Untagged images are hidden" in " ".join(out.split())
