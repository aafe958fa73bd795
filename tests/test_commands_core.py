"""The pure core of the command blocks: tokens, roles, explanations and problems, without MkDocs."""

from __future__ import annotations

import sys

import pytest

from docker_notes.commands import detect, imageref, knowledge, values
from docker_notes.commands.model import (
    ARGUMENT,
    COMMAND,
    COMMENT,
    CONTINUATION,
    IMAGE,
    OPTION,
    PLACEHOLDER,
    PROGRAM,
    PROMPT,
    SHELL,
    SUBCOMMAND,
    UNKNOWN,
    VALUE,
    ParsedCommand,
)
from docker_notes.commands.parse import parse_command
from docker_notes.commands.suggest import closest, distance
from docker_notes.commands.tokens import OPERATOR, REDIRECT, WORD, UnbalancedQuote, scan

K = knowledge.load()


def parse(line: str) -> ParsedCommand:
    return parse_command(line, K)


def roles(line: str) -> list[tuple[str, str]]:
    return [(t.text, t.role) for t in parse(line).tokens]


def token(line: str, text: str):  # type: ignore[no-untyped-def]
    return next(t for t in parse(line).tokens if t.text == text)


def test_no_mkdocs_in_the_core() -> None:
    core = [name for name in sys.modules if name.startswith("docker_notes.commands")]
    assert core, "the core was imported"
    for name in core:
        module = sys.modules[name]
        source = open(module.__file__ or "", encoding="utf-8").read()  # noqa: SIM115
        assert "import mkdocs" not in source and "from mkdocs" not in source, name


# --- tokens -------------------------------------------------------------------------------------


def test_scan_keeps_positions_and_values() -> None:
    line = """docker run -e "A=b c" --name=web 'x y' $(docker ps -q) `id` | grep x > out.txt 2>&1"""
    toks = scan(line)
    for t in toks:
        assert line[t.start : t.end] == t.text
    kinds = [(t.kind, t.text) for t in toks]
    assert (WORD, '"A=b c"') in kinds
    assert next(t for t in toks if t.text == '"A=b c"').value == "A=b c"
    assert (WORD, "$(docker ps -q)") in kinds
    assert (WORD, "`id`") in kinds
    assert (OPERATOR, "|") in kinds
    assert (REDIRECT, ">") in kinds
    assert (REDIRECT, "2>&1") in kinds


def test_scan_placeholders_with_spaces_and_usage_notation() -> None:
    toks = scan("docker rm <container name> [ID/NAME] [<image2> ...] <a>|<b>")
    words = [t.text for t in toks if t.placeholder]
    assert words == ["<container name>", "[ID/NAME]", "[<image2> ...]", "<a>|<b>"]


def test_scan_redirect_from_file_is_not_a_placeholder() -> None:
    toks = scan("docker exec -i db mysql < ./backup.sql")
    assert [(t.kind, t.text) for t in toks][-2:] == [(REDIRECT, "<"), (WORD, "./backup.sql")]


def test_scan_windows_paths_keep_backslashes() -> None:
    toks = scan(r"docker run -v C:\Users\me\work:/work img")
    assert toks[3].value == r"C:\Users\me\work:/work"


def test_scan_continuation_and_comment() -> None:
    toks = scan("docker run -d \\\n  nginx  # a web server")
    assert [t.kind for t in toks] == [WORD, WORD, WORD, "continuation", WORD, "comment"]


@pytest.mark.parametrize("line", ['docker run -e "A=b', "docker run 'x", "echo $(date", "a `b"])
def test_scan_unbalanced_quotes(line: str) -> None:
    with pytest.raises(UnbalancedQuote):
        scan(line)


# --- roles --------------------------------------------------------------------------------------


def test_the_notes_commands() -> None:
    assert roles("docker run -it ubuntu bash") == [
        ("docker", PROGRAM),
        ("run", SUBCOMMAND),
        ("-it", OPTION),
        ("ubuntu", IMAGE),
        ("bash", COMMAND),
    ]
    assert roles("docker pull busybox") == [
        ("docker", PROGRAM),
        ("pull", SUBCOMMAND),
        ("busybox", IMAGE),
    ]


def test_combined_flags_are_each_explained() -> None:
    it = token("docker run -it ubuntu bash", "-it").explanation
    text = " ".join(it.details).lower()
    assert "--interactive" in text and "--tty" in text
    dit = token("docker run -dit ubuntu", "-dit").explanation
    assert len(dit.details) == 3 and "--detach" in dit.details[0]


@pytest.mark.parametrize(
    "line",
    ["docker run -p 8080:80 nginx", "docker run --publish=8080:80 nginx", "docker run -p8080:80 nginx",
     "docker run --publish 8080:80 nginx"],
)  # fmt: skip
def test_every_spelling_of_an_option_explains_its_value(line: str) -> None:
    parsed = parse(line)
    details = [d for t in parsed.tokens for d in t.explanation.details]
    assert "host port 8080 → container port 80 (TCP)" in details
    assert parsed.tokens[-1].role == IMAGE
    assert not parsed.problems


def test_option_values() -> None:
    line = (
        "docker run -v /srv:/data:ro -e KEY=VAL --name web -m 512m --restart unless-stopped nginx"
    )
    details = {t.text: t.explanation.details for t in parse(line).tokens if t.role == VALUE}
    assert details["/srv:/data:ro"] == (
        "host folder or file `/srv` (a bind mount)",
        "→ appears in the container at `/data`",
        "`ro`: read-only inside the container",
    )
    assert details["KEY=VAL"] == ("`KEY` = `VAL`",)
    assert details["512m"] == ("512 MiB (Docker counts in powers of 1024)",)
    assert "restart it unless you stopped it yourself" in details["unless-stopped"][0]
    assert token(line, "web").role == VALUE
    assert "name" in token(line, "web").explanation.text.lower()


@pytest.mark.parametrize(
    ("ref", "hub", "parts"),
    [
        ("ubuntu", "https://hub.docker.com/_/ubuntu", ["name: `ubuntu`", "tag: none given, so Docker uses `latest`"]),
        ("bitnami/redis:7.2", "https://hub.docker.com/r/bitnami/redis", ["namespace: `bitnami`", "name: `redis`", "tag: `7.2`"]),
        ("ghcr.io/me/app:1", None, ["registry: `ghcr.io`", "namespace: `me`", "name: `app`", "tag: `1`"]),
        ("localhost:5000/app", None, ["registry: `localhost:5000`", "name: `app`", "tag: none given, so Docker uses `latest`"]),
    ],
)  # fmt: skip
def test_image_references(ref: str, hub: str | None, parts: list[str]) -> None:
    explanation = token(f"docker pull {ref}", ref).explanation
    assert list(explanation.details) == parts
    urls = [url for _, url in explanation.links]
    assert (hub in urls) if hub else not any("hub.docker.com" in u for u in urls)


def test_image_digest_and_invalid_references() -> None:
    ref = imageref.parse_image("app@sha256:" + "a" * 64)
    assert ref.digest and not ref.problem and ref.tag is None
    assert imageref.parse_image("ubuntu:16:04").problem
    assert "lowercase" in imageref.parse_image("MyApp").problem
    parsed = parse("docker pull ubuntu:16:04")
    assert parsed.problems and parsed.problems[0].level == "info"


def test_container_command_and_arguments() -> None:
    line = 'docker run -d ubuntu:22.04 /bin/sh -c "while true; do date; done"'
    # `sh -c` is explained from the knowledge about shells, as an option with its value.
    assert [r for _, r in roles(line)][-3:] == [COMMAND, OPTION, VALUE]
    assert token(line, "/bin/sh").explanation.label == "command in the container"
    assert "sh" in token(line, "-c").explanation.label
    exec_line = "docker exec -it web bash"
    assert roles(exec_line)[3:] == [("web", ARGUMENT), ("bash", COMMAND)]


def test_options_after_the_image_belong_to_the_container() -> None:
    # `--rm` after the image is an argument of the container's command, not docker's option.
    parsed = parse("docker run ubuntu ls --rm")
    assert [t.role for t in parsed.tokens][-2:] == [COMMAND, ARGUMENT]
    assert not parsed.problems


def test_placeholders() -> None:
    line = "docker exec -it <container name> sh"
    placeholder = token(line, "<container name>")
    assert placeholder.role == PLACEHOLDER
    assert "replace `<container name>`" in placeholder.explanation.text
    assert token("docker stop NAME_OF_INSTANCE", "NAME_OF_INSTANCE").explanation.details == (
        "`NAME_OF_INSTANCE` looks like a placeholder: replace it with your container",
    )


def test_shell_parts_are_shell_not_docker() -> None:
    line = "docker rm -f $(docker ps -aq) && docker image prune -f > log.txt 2>&1"
    by_text = {t.text: t for t in parse(line).tokens}
    assert (
        "the shell runs `docker ps -aq` first" in by_text["$(docker ps -aq)"].explanation.details[0]
    )
    assert by_text["&&"].role == SHELL and "succeeded" in by_text["&&"].explanation.text
    assert by_text[">"].role == SHELL and by_text["2>&1"].role == SHELL
    assert by_text["log.txt"].explanation.label == "file (shell redirection)"
    piped = parse("docker ps | grep web")
    assert [t.role for t in piped.tokens] == [PROGRAM, SUBCOMMAND, SHELL, PROGRAM, ARGUMENT]


def test_prompt_and_sudo_are_not_copied() -> None:
    parsed = parse("$ sudo docker ps -a")
    assert parsed.tokens[0].role == PROMPT
    assert parsed.copy_text == "sudo docker ps -a"
    assert parse("PS C:\\Users\\me> docker ps").copy_text == "docker ps"
    assert parse("＄ docker ps").copy_text == "docker ps"


def test_aliases_name_their_long_form() -> None:
    ps = token("docker ps -a", "ps").explanation
    assert "Short for `docker container ls`" in ps.text
    assert token("docker ps -a", "-a").explanation.label == "option of docker container ls"
    assert (
        token("docker container ls -a", "ls").explanation.text
        == K.programs["docker"].commands[("container", "ls")].text.strip()
        or "docker container ls" not in token("docker container ls -a", "ls").explanation.text
    )


def test_compose_v1_v2_and_buildx() -> None:
    v2 = roles("docker compose -f prod.yml up -d --build web")
    assert v2 == [
        ("docker", PROGRAM), ("compose", SUBCOMMAND), ("-f", OPTION), ("prod.yml", VALUE),
        ("up", SUBCOMMAND), ("-d", OPTION), ("--build", OPTION), ("web", ARGUMENT),
    ]  # fmt: skip
    v1 = parse("docker-compose up -d")
    assert [t.role for t in v1.tokens] == [PROGRAM, SUBCOMMAND, OPTION]
    assert "docker compose" in v1.tokens[0].explanation.text
    bx = parse("docker buildx build --platform linux/amd64,linux/arm64 -t me/app:1 --push .")
    assert not bx.problems
    platform = next(t for t in bx.tokens if t.text == "linux/amd64,linux/arm64")
    assert len(platform.explanation.details) == 2


def test_comments_and_continuations() -> None:
    parsed = parse("docker run -d \\\n  nginx  # web server")
    assert [t.role for t in parsed.tokens] == [
        PROGRAM,
        SUBCOMMAND,
        OPTION,
        CONTINUATION,
        IMAGE,
        COMMENT,
    ]


# --- problems -----------------------------------------------------------------------------------


def test_unknown_option_with_a_did_you_mean() -> None:
    parsed = parse("docker ps -all")
    assert [p.message for p in parsed.problems] == ["`-all` is read as `-a -l -l`"]
    assert parsed.problems[0].fix == "write `--all` (two dashes) for the long option"
    rm = parse("docker run -rm ubuntu")
    assert rm.problems[0].fix == "did you mean `--rm`?"
    assert rm.tokens[2].role == UNKNOWN


def test_missing_value() -> None:
    parsed = parse("docker run --name")
    assert parsed.problems[0].message == "`--name` needs a value"
    assert parsed.problems[0].offset == len("docker run --name")


def test_unknown_global_option_does_not_hide_the_subcommand() -> None:
    parsed = parse("docker -p 80:80 build .")
    assert [t.role for t in parsed.tokens] == [PROGRAM, UNKNOWN, UNKNOWN, SUBCOMMAND, ARGUMENT]


def test_detection() -> None:
    assert detect.detect("docker run hello-world", K).kind == detect.COMMAND
    assert detect.detect("$ sudo docker ps", K).kind == detect.COMMAND
    assert detect.detect("docker --version", K).kind == detect.COMMAND
    assert detect.detect("docker-compose up", K).kind == detect.COMMAND
    assert detect.detect("docker registry UI", K).kind == detect.PROSE
    assert detect.detect("Docker is a platform", K).kind == detect.PROSE
    assert detect.detect("docker images are read-only templates.", K).kind == detect.PROSE
    typo = detect.detect("docker rum hello-world", K)
    assert (typo.kind, typo.fix) == (detect.TYPO, "did you mean `docker run`?")
    capital = detect.detect("Docker run hello-world", K)
    assert (capital.kind, capital.fix) == (detect.CAPITALISED, "write `docker run`")


def test_markdown_escapes() -> None:
    text, offsets = detect.unescape_markdown(r"docker stop NAME\_OF \# c \\")
    assert text == "docker stop NAME_OF # c \\"
    assert offsets[text.index("_")] == r"docker stop NAME\_OF".index("_")


# --- values and suggestions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", ["container port 80 (TCP)"]),
        ("127.0.0.1:8080:80/udp", ["host port 8080 → container port 80 (UDP)", "only on the host address 127.0.0.1"]),
        ("8000-8010:8000-8010", ["host port 8000-8010 → container port 8000-8010 (TCP)"]),
    ],
)  # fmt: skip
def test_ports(value: str, expected: list[str]) -> None:
    assert values.port(value) == expected


def test_windows_volume_source() -> None:
    assert values.volume(r"C:\data:/data")[0] == "host folder or file `C:\\data` (a bind mount)"
    assert values.volume("/data") == ["anonymous volume mounted at `/data` in the container"]


def test_suggestions() -> None:
    assert distance("ngnix", "nginx") == 1
    assert closest("rum", ["rm", "run", "rmi"]) == "run"
    assert closest("zzzz", ["run"]) is None
    assert imageref.closest_official("ngnix", K.official_images) == "nginx"
    assert imageref.closest_official("ubuntu64", K.official_images) is None


# --- knowledge ----------------------------------------------------------------------------------


def test_user_knowledge_adds_a_program_and_overrides_a_text(
    tmp_path: pytest.TempPathFactory,
) -> None:
    extra = tmp_path / "kubectl.yaml"  # type: ignore[operator]
    extra.write_text(
        """
programs:
  kubectl:
    explain: Talks to a Kubernetes cluster.
    commands:
      get:
        explain: Lists resources.
        args: [{name: TYPE, role: other, explain: The kind of resource.}]
        options:
          - {names: [-n, --namespace], value: string, explain: The namespace to look in.}
  docker:
    commands:
      run:
        explain: Our own words for run.
""",
        encoding="utf-8",
    )
    k = knowledge.load([extra])
    parsed = parse_command("kubectl get pods -n web", k)
    assert [t.role for t in parsed.tokens] == [PROGRAM, SUBCOMMAND, ARGUMENT, OPTION, VALUE]
    assert parsed.tokens[2].explanation.text == "The kind of resource."
    assert detect.detect("kubectl get pods", k).kind == detect.COMMAND
    run = parse_command("docker run ubuntu", k).tokens[1].explanation.text
    assert run.startswith("Our own words for run.")
    # The built-in knowledge is untouched by a user's file.
    assert not parse("docker run ubuntu").tokens[1].explanation.text.startswith("Our own")


def test_the_cached_knowledge_is_the_knowledge_of_its_files(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache (the user's cache folder) loads each command when it is first looked up."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    knowledge._load_cached.cache_clear()
    try:
        built = knowledge.load()  # from the YAML files, and kept in the cache
        assert len(list(tmp_path.glob("docker-notes/knowledge-*.pickle"))) == 1  # type: ignore[attr-defined]
        knowledge._load_cached.cache_clear()
        cached = knowledge.load()
    finally:
        knowledge._load_cached.cache_clear()
    commands = cached.programs["docker"].commands
    assert isinstance(commands, knowledge.LazyCommands)
    assert ("ps",) in commands and ("nope",) not in commands and not commands._loaded
    assert commands[("ps",)] is commands[("container", "ls")]  # an alias, the same command
    assert commands[("ps",)] == built.programs["docker"].commands[("ps",)]
    assert len(commands._loaded) == 1
    assert cached == built
    line = "docker run -d -p 8080:80 --name web nginx"
    assert parse_command(line, cached) == parse_command(line, built)


def test_broken_knowledge_file_names_the_file(tmp_path: pytest.TempPathFactory) -> None:
    bad = tmp_path / "bad.yaml"  # type: ignore[operator]
    bad.write_text("programs: [oops", encoding="utf-8")
    with pytest.raises(knowledge.KnowledgeError, match=r"bad\.yaml"):
        knowledge.load([bad])


def test_merge_rules() -> None:
    merged: dict = {}
    knowledge.merge_document(
        merged,
        {"programs": {"p": {"commands": {"a": {"aliases": ["x"], "options": [{"names": ["--net"], "value": "string"}]}}}}},
    )  # fmt: skip
    knowledge.merge_document(
        merged,
        {"programs": {"p": {"commands": {"x": {"explain": "E", "options": [{"names": ["--network"], "hidden_names": ["--net"], "explain": "N"}]}}}}},
    )  # fmt: skip
    command = merged["programs"]["p"]["commands"]["a"]
    assert command["explain"] == "E"
    assert command["options"] == [
        {
            "names": ["--net", "--network"],
            "value": "string",
            "hidden_names": ["--net"],
            "explain": "N",
        }
    ]


def test_written_html_stays_ascii() -> None:
    """One character beyond Latin-1 makes Python hold a whole written page at two bytes a
    character: the explanations' HTML uses references."""
    from docker_notes.commands.render import render_block

    command = parse_command("docker inspect web", K)
    html = render_block([command], "dn-1")
    assert max(map(ord, html)) < 128
    assert "network&#8230;" in html  # the knowledge says "network…"
