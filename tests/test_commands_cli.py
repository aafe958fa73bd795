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
