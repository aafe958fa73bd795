"""The knowledge explains, in our own words, what a learner meets: every option of the core commands."""

from __future__ import annotations

import pytest

from docker_notes.commands import knowledge

K = knowledge.load()
DOCKER = K.programs["docker"]

# Every option of these commands has a hand-written explanation (the list).
FULLY_EXPLAINED = [
    "container run", "container create", "image build", "container exec", "container ls",
    "image ls", "container logs", "image pull", "image push", "container rm", "image rm",
    "container stop", "container start", "container restart", "container kill", "network create",
    "network connect", "network disconnect", "network inspect", "network ls", "network prune",
    "network rm", "volume create", "volume inspect", "volume ls", "volume prune", "volume rm",
    "system prune", "system df", "image tag", "login", "container cp", "container commit",
    "image save", "image load", "inspect", "compose up", "compose down", "compose ps",
    "compose logs", "compose build", "compose exec", "compose run", "compose pull",
    "compose config", "buildx build",
]  # fmt: skip


@pytest.mark.parametrize("path", FULLY_EXPLAINED)
def test_every_option_is_explained(path: str) -> None:
    command = DOCKER.commands[tuple(path.split())]
    assert command.explain, f"docker {path} has no explanation"
    missing = [o.title for o in command.options if not o.explain]
    assert not missing, f"docker {path}: options without an explanation: {missing}"
    assert command.reference.startswith("https://docs.docker.com/reference/cli/docker/")


def test_every_command_is_explained() -> None:
    missing = sorted(
        c.display
        for path, c in DOCKER.commands.items()
        if path and path == c.path and not c.explain
    )
    assert not missing, f"commands without an explanation: {missing}"


def test_aliases() -> None:
    assert DOCKER.commands[("ps",)] is DOCKER.commands[("container", "ls")]
    assert DOCKER.commands[("images",)] is DOCKER.commands[("image", "ls")]
    assert DOCKER.commands[("rmi",)] is DOCKER.commands[("image", "rm")]
    assert K.real_program(K.programs["docker-compose"]) == (DOCKER, ("compose",))


def test_explanations_are_short_plain_words() -> None:
    texts = [o.explain for c in DOCKER.commands.values() for o in c.options if o.explain]
    texts += [c.explain for c in DOCKER.commands.values() if c.explain]
    assert len(texts) > 900
    too_long = [t for t in texts if len(t) > 320]
    assert not too_long, too_long[:3]
    assert not [t for t in texts if "<" in t.replace("`<", "").replace("<`", "") and "`" not in t]
