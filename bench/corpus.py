"""Deterministic notes corpora for the benchmarks, and the mkdocs.yml variants that build them.

A note looks like the notes the site publishes: `#` sections of prose, nested lists, a fenced code
block, `> docker …` quote lines of many forms (prompts, `sudo`, `\\` continuations, compose,
buildx, `<placeholders>`, pipes, substitutions), screenshots in one `docs/_resources/` folder as
notes apps export them (some as raw `<img>`), links between notes. The same seed and sizes give
byte-identical files, so two runs, or two machines, build the same site.
"""

from __future__ import annotations

import random
import re
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parents[1]
TOPIC_SIZE = 25  # notes per folder: a section of the navigation

TOPICS = (
    "basics",
    "images",
    "containers",
    "volumes",
    "networking",
    "compose",
    "buildx",
    "registry",
    "security",
    "swarm",
    "logging",
    "databases",
    "web-servers",
    "ci",
    "troubleshooting",
    "dockerfile",
    "monitoring",
    "kubernetes",
    "windows",
    "cleanup",
)

# Command lines as notes write them; `{n}` (the note's number), `{port}` and `{name}` vary them
# per note, so that most lines are new to the plugin's per-text cache, as in real notes.
COMMANDS = (
    "docker run -it ubuntu bash",
    "docker run -d --name {name} -p {port}:80 nginx:1.27",
    "$ docker ps -a",
    "$ docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}'",
    "sudo docker exec -it {name} sh",
    "# docker logs -f --tail 100 {name}",
    "PS C:\\> docker volume create data-{n}",
    "docker run --rm -v $(pwd):/src -w /src node:20 npm test",
    "docker build -t notes/app-{n}:1.{n} .",
    "docker build -f docker/Dockerfile.prod --build-arg VERSION=1.{n} -t registry.example.com/team/app:1.{n} .",
    "docker compose up -d --build",
    "docker compose -f compose.prod.yaml logs -f web",
    "docker-compose down -v",
    "docker compose exec db psql -U postgres",
    "docker buildx build --platform linux/amd64,linux/arm64 -t me/app:{n} --push .",
    "docker buildx create --name builder-{n} --use",
    "docker stop <container-id>",
    "docker rm -f $(docker ps -aq)",
    "docker ps --filter status=exited -q | xargs docker rm",
    "docker network create --driver bridge net-{n}",
    "docker run -d --network net-{n} --name redis-{n} redis:7-alpine",
    "docker inspect --format '{{{{.NetworkSettings.IPAddress}}}}' {name}",
    "docker cp {name}:/var/log/nginx/access.log ./access-{n}.log",
    "docker tag app:latest localhost:5000/app:{n}",
    "docker push localhost:5000/app:{n}",
    "docker pull postgres:16 && docker run -d -e POSTGRES_PASSWORD=secret -p {port}:5432 postgres:16",
    "docker system prune -af --volumes",
    "docker stats --no-stream",
    "docker run -d --restart unless-stopped -m 512m --cpus 1.5 --name {name} <image>",
    "docker save -o app-{n}.tar app:latest",
    "docker login -u <username> registry.example.com",
    "docker history --no-trunc app:{n}",
    "docker run -it --rm --entrypoint /bin/sh alpine:3.20",
    "docker volume ls -q | grep data",
)
# Multi-line commands: each item is one command over several quote lines.
CONTINUED = (
    (
        "docker run -d \\",
        "  --name {name} \\",
        "  -p {port}:80 \\",
        "  -v web-{n}:/usr/share/nginx/html:ro \\",
        "  nginx",
    ),
    ("docker buildx build \\", "  --platform linux/arm64 \\", "  -t me/app:{n} \\", "  --load ."),
    ("sudo docker run --rm \\", "  -e TZ=Europe/Paris \\", "  busybox date"),
)
# What authors get wrong now and then (each a warning of the command half).
SLIPS = ("Docker run hello-world", "docker ps -all")

WORDS = [
    "container",
    "image",
    "layer",
    "volume",
    "network",
    "port",
    "registry",
    "tag",
    "build",
    "cache",
    "daemon",
    "host",
    "kernel",
    "process",
    "namespace",
    "cgroup",
    "mount",
    "bind",
    "service",
    "stack",
    "compose",
    "file",
    "environment",
    "variable",
    "secret",
    "health",
    "check",
    "restart",
    "policy",
    "log",
    "driver",
    "entrypoint",
    "command",
    "shell",
    "user",
    "permission",
    "socket",
]
LANGUAGES = ("bash", "dockerfile", "yaml", "json", "console")
CODE = {
    "bash": "docker ps\ndocker image ls\necho done",
    "dockerfile": 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]',
    "yaml": 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n  db:\n    image: postgres:16',
    "json": '{\n  "log-driver": "json-file",\n  "log-opts": {"max-size": "10m"}\n}',
    "console": "$ docker version\nClient: Docker Engine - Community\n Version: 28.0.1",
}


@dataclass(frozen=True)
class Style:
    """How the notes of a corpus look: counts are inclusive ranges per note."""

    commands: tuple[int, int] = (3, 6)
    shots: tuple[int, int] = (2, 4)
    broken_every: int = 20  # one screenshot reference in this many is broken (0: none)
    raw_img_every: int = 4  # one screenshot in this many is a raw `<img>` tag
    slips_every: int = 40  # one note in this many has a command slip (0: none)
    sections: tuple[int, int] = (3, 5)
    topic_size: int = TOPIC_SIZE
    # The site's home page lists every note (a template of the project's theme overrides).
    home_template: str | None = "notes-index.html"
    # Folders inside a topic's folder, as notebooks inside notebooks: the topic keeps this many
    # notes itself and puts each next run of this many into a sub-folder (0: no sub-folders).
    subtopic_size: int = 0
    # One folder in this many has an index.md, the folder's own page (0: none); every other one
    # has no title of its own, so MkDocs names it "Index" from its file name.
    folder_index_every: int = 0


NOTES = Style()
# bench/images.py: three clean screenshots a note and one command line, nothing broken.
IMAGES_ONLY = Style(
    commands=(1, 1),
    shots=(3, 3),
    broken_every=0,
    slips_every=0,
    sections=(3, 3),
    topic_size=50,
    home_template=None,
)


def png(seed: int) -> bytes:
    """A tiny valid 4x4 PNG whose colour depends on seed (each screenshot a different file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rgb = bytes(((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256))
    rows = b"".join(b"\x00" + rgb * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def note_path(n: int, style: Style) -> str:
    topic = n // style.topic_size
    folder = f"{topic:02d}-{TOPICS[topic % len(TOPICS)]}"
    if style.subtopic_size:
        part = n % style.topic_size // style.subtopic_size
        if part:
            folder += f"/{part:02d}-{WORDS[(topic + part) % len(WORDS)]}"
    return f"{folder}/note-{n:04d}.md"


class _Note:
    def __init__(self, n: int, pages: int, style: Style, rng: random.Random) -> None:
        self.n, self.pages, self.style, self.rng = n, pages, style, rng
        self.shots: list[str] = []  # files to create in _resources/
        self.references = 0
        self.broken = 0

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def sentence(self) -> str:
        text = self.words(self.rng.randint(8, 18))
        return text[0].upper() + text[1:] + "."

    def command_lines(self) -> list[str]:
        n = self.n
        values = {"n": n, "port": 8000 + n % 1000, "name": f"web-{n}"}
        if self.rng.random() < 0.15:
            lines = list(self.rng.choice(CONTINUED))
        else:
            lines = [self.rng.choice(COMMANDS)]
        return ["> " + line.format(**values) for line in lines]

    def screenshot(self, k: int) -> str:
        n, style = self.n, self.style
        name = f"2021-{n % 12 + 1:02d}-{n % 28 + 1:02d}-{n:04d}-{k}.png"
        self.references += 1
        alt = f"Screenshot {k + 1} of note {n}: the {self.words(3)}"
        target = f"../_resources/{name}"
        if style.broken_every and self.rng.randrange(style.broken_every) == 0:
            self.broken += 1
            # A file never exported, or the folder misspelt: both are missing files.
            target = self.rng.choice((f"../_resources/missing-{name}", f"../_resource/{name}"))
        else:
            self.shots.append(name)
        if style.raw_img_every and self.rng.randrange(style.raw_img_every) == 0:
            return f'<img src="{target}" alt="{alt}" style="zoom:50%;">'
        title = ' "Screenshot"' if k % 2 else ""
        return f"![{alt}]({target}{title})"

    def render(self) -> str:
        rng, style, n = self.rng, self.style, self.n
        sections = rng.randint(*style.sections)
        commands = rng.randint(*style.commands)
        shots = rng.randint(*style.shots)
        # Spread the command lines and screenshots over the sections.
        per_section: list[list[str]] = [[] for _ in range(sections)]
        for _ in range(commands):
            per_section[rng.randrange(sections)].append("command")
        for k in range(shots):
            per_section[rng.randrange(sections)].append(f"shot {k}")
        out: list[str] = []
        if n % 2:
            out += ["---", f"title: Note {n}, {self.words(2)}", "---", ""]
        for s, items in enumerate(per_section):
            out += [
                f"# {self.words(2).capitalize()} {s + 1}",
                "",
                self.sentence() + " " + self.sentence(),
                "",
            ]
            out += [
                f"* {self.sentence()}",
                f"    * {self.words(4)}",
                f"        * {self.words(3)}",
                f"* {self.words(5)}",
                "",
            ]
            if s == 0:
                other = note_path(rng.randrange(self.pages), style)
                up = "../" * note_path(n, style).count("/")
                out += [
                    f"See [another note]({up}{other}) and run `docker images` to list them.",
                    "",
                ]
            if s == 1:
                lang = rng.choice(LANGUAGES)
                out += [f"```{lang}", CODE[lang], "```", ""]
            if s == 2 and n % 7 == 0:
                out += ['!!! note "Remember"', f"    {self.sentence()}", ""]
            for item in items:
                if item == "command":
                    lines = self.command_lines()
                    # Now and then two commands in a row make one block.
                    if rng.random() < 0.2:
                        lines += self.command_lines()
                    out += [*lines, ""]
                else:
                    out += [
                        f"* {self.words(2)}",
                        f"    * {self.screenshot(int(item.split()[1]))}",
                        "",
                    ]
            if style.slips_every and s == 0 and n % style.slips_every == style.slips_every - 1:
                out += ["> " + SLIPS[(n // style.slips_every) % len(SLIPS)], ""]
        return "\n".join(out)


@dataclass
class Corpus:
    root: Path
    pages: int
    references: int
    broken: int
    command_lines: int

    @property
    def docs(self) -> Path:
        return self.root / "docs"


def generate(root: Path, pages: int, *, style: Style = NOTES, seed: int = 2024) -> Corpus:
    """Write `pages` notes (plus the home page) into root/docs; root must not hold a docs/ yet."""
    rng = random.Random(f"{seed}-{pages}")
    docs = root / "docs"
    (docs / "_resources").mkdir(parents=True)
    (docs / "stylesheets").mkdir()
    shutil.copy(PROJECT / "docs" / "stylesheets" / "site.css", docs / "stylesheets" / "site.css")
    template = f"template: {style.home_template}\n" if style.home_template else ""
    (docs / "index.md").write_text(
        f"---\ntitle: Notes\nhide:\n  - toc\n{template}---\n\nA generated corpus of Docker notes.\n",
        encoding="utf-8",
    )
    references = broken = commands = 0
    for n in range(pages):
        note = _Note(n, pages, style, rng)
        text = note.render()
        path = docs / note_path(n, style)
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for k, name in enumerate(note.shots):
            (docs / "_resources" / name).write_bytes(png(n * 7 + k))
        references += note.references
        broken += note.broken
        commands += sum(1 for line in text.splitlines() if _COMMAND_START.match(line))
    if style.folder_index_every:
        _write_folder_pages(docs, style.folder_index_every)
    return Corpus(root, pages, references, broken, commands)


def _write_folder_pages(docs: Path, every: int) -> None:
    folders = sorted(
        {p.parent for p in docs.rglob("note-*.md")}, key=lambda p: p.relative_to(docs).parts
    )
    for k, folder in enumerate(folders[::every]):
        name = folder.name.split("-", 1)[-1].replace("-", " ")
        front = f"---\ntitle: About {name}\n---\n\n" if k % 2 == 0 else ""
        text = f"{front}# What this folder holds\n\nNotes on {name}, one a page.\n"
        (folder / "index.md").write_text(text, encoding="utf-8")


_COMMAND_START = re.compile(r"^> (?:\$ |# |PS C:\\> |sudo )?(?:docker|Docker)")


# --- configurations ------------------------------------------------------------------------------


class _TolerantLoader(yaml.SafeLoader):
    """Reads the project's mkdocs.yml without MkDocs: `!ENV [NAME, default]` gives the default."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode) and node.value:
        return loader.construct_object(node.value[-1])
    return None


_TolerantLoader.add_multi_constructor("", _tag)


def site_settings() -> dict[str, Any]:
    """The site's own theme, markdown_extensions, extra_css and plugins, read from mkdocs.yml now,
    so the benchmark follows the site's settings as they change."""
    with (PROJECT / "mkdocs.yml").open(encoding="utf-8") as f:
        settings: dict[str, Any] = yaml.load(f, Loader=_TolerantLoader)
    theme = dict(settings["theme"])
    if theme.get("custom_dir"):
        theme["custom_dir"] = str(PROJECT / theme["custom_dir"])
    return {
        "theme": theme,
        "markdown_extensions": settings.get("markdown_extensions", []),
        "extra_css": settings.get("extra_css", []),
        "plugins": settings.get("plugins", []),
    }


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def write_config(
    root: Path,
    name: str,
    *,
    notes: dict[str, Any] | None,
    drop_features: tuple[str, ...] = (),
    extra_plugins: tuple[Any, ...] = (),
    settings: dict[str, Any] | None = None,
    site_dir: Path | None = None,
) -> Path:
    """root/mkdocs-NAME.yml: the site's settings with the docker-notes entry replaced by `notes`
    (its options; None leaves the plugin out of the list), theme features dropped, the
    site written to site_dir (default: root/site-NAME)."""
    site = settings or site_settings()
    theme = dict(site["theme"])
    theme["features"] = [f for f in theme.get("features", []) if f not in drop_features]
    plugins: list[Any] = []
    for entry in site["plugins"]:
        if _plugin_name(entry) != "docker-notes":
            plugins.append(entry)
        elif notes is not None:
            plugins.append({"docker-notes": notes})
    plugins += extra_plugins
    config = {
        "site_name": "Benchmark notes",
        "docs_dir": "docs",
        "site_dir": str(site_dir) if site_dir else f"site-{name}",
        "theme": theme,
        "markdown_extensions": site["markdown_extensions"],
        "extra_css": site["extra_css"],
        "plugins": plugins,
    }
    path = root / f"mkdocs-{name}.yml"
    path.write_text(
        "# Generated by bench/corpus.py from the project's mkdocs.yml.\n"
        + yaml.safe_dump(config, sort_keys=False, width=200),
        encoding="utf-8",
    )
    return path


def plugin_options(mode: str) -> dict[str, Any] | None:
    """docker-notes options for a benchmark mode: plain, off, on, commands, images."""
    return {
        "plain": None,
        "off": {"enabled": False},
        "on": {"enabled": True},
        "commands": {"images": {"enabled": False}},
        "images": {"commands": {"enabled": False}},
    }[mode]
