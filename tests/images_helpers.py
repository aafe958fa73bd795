"""Helpers for the image-check tests: tiny image files, the fixture notes, builds in tmp_path."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import struct
import zlib
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "images"
PROJECT_DIR = Path(__file__).parent.parent
# Where a fixture note keeps the findings expected of it (an HTML comment: the checks skip it).
EXPECTED_START = "<!-- Expected findings (regenerate: pytest --update-goldens):"
EXPECTED_BLOCK = re.compile(re.escape(EXPECTED_START) + r"\n(.*?)-->\n?", re.DOTALL)


def png(
    width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (0, 120, 215), pad: int = 0
) -> bytes:
    """A valid PNG; `pad` bytes of comment make it as large as a test needs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\x00" + b"." * pad) if pad else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + text
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def pillow_image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
    '<rect width="8" height="8"/></svg>\n'
)


def fixture_images() -> dict[str, bytes]:
    """Every image file of the fixture notes, by path under the fixture folder."""
    valid = png()
    return {
        "clean/docs/_resources/2020-07-22-01-16-49.png": valid,
        "clean/docs/_resources/2020-07-22-01-17-13.png": png(rgb=(0, 160, 80)),
        "clean/docs/_resources/capture d’écran 1.png": valid,
        "clean/docs/_resources/容器_000.png": valid,
        "clean/docs/_resources/photo.jpg": pillow_image("JPEG"),
        "clean/docs/_resources/anim.gif": pillow_image("GIF"),
        "clean/docs/_resources/small.webp": pillow_image("WEBP"),
        "clean/docs/_resources/diagram.svg": SVG.encode(),
        "clean/docs/_resources/wide@2x.png": png(width=2),
        "clean/docs/_resources/logo.png": valid,
        "clean/docs/_resources/background.png": valid,
        "kinds/docs/_resources/2020-07-22-01-16-49.png": valid,
        "kinds/docs/_resources/2020-07-22-01-17-13.png": png(rgb=(0, 160, 80)),
        "kinds/docs/_resources/Shot.PNG": valid,
        "kinds/docs/_resources/vm.png": valid,
        "kinds/docs/_resources/push_ camarade.jpg": pillow_image("JPEG"),
        "kinds/docs/_resources/empty.png": b"",
        "kinds/docs/_resources/error-page.png": b"<!DOCTYPE html>\n<html><body>404</body></html>\n",
        "kinds/docs/_resources/notes.png": b"docker run -it ubuntu bash\n",
        "kinds/docs/_resources/report.pdf.png": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "kinds/docs/_resources/vector.png": SVG.encode(),
        "kinds/docs/_resources/photo.heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        "kinds/docs/_resources/jpeg-inside.png": pillow_image("JPEG"),
        "kinds/docs/_resources/big.png": png(pad=3000),
        "kinds/docs/_resources/old-shots/a.png": valid,
        "kinds/docs/_resources/unused.png": valid,
        "kinds/docs/_resources/unused-too.gif": pillow_image("GIF"),
        "kinds/docs/.drafts/hidden.png": valid,
    }


def write_fixture_images(root: Path = FIXTURES) -> None:
    """(Re)create the fixture images; they are committed, this only documents how they were made."""
    for rel, data in fixture_images().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def copy_fixture(name: str, tmp_path: Path) -> Path:
    """A fixture project copied into tmp_path (builds write `site/` next to it)."""
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target, symlinks=True)
    return target


def write_mkdocs_yml(
    project: Path, images: dict[str, object] | None = None, **settings: object
) -> Path:
    """A tiny mkdocs.yml: the plain `mkdocs` theme (fast), command blocks off, images as given."""
    import yaml

    config: dict[str, object] = {
        "site_name": "Notes",
        "theme": {"name": "mkdocs"},
        "plugins": [{"docker-notes": {"commands": {"enabled": False}, "images": images or {}}}],
        "markdown_extensions": ["attr_list", "md_in_html", "tables", "pymdownx.superfences"],
        **settings,
    }
    path = project / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build(config_file: Path, **overrides: object) -> None:
    """`mkdocs build` in-process, so that the log guard and caplog see its records."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    cwd = os.getcwd()
    os.chdir(config_file.parent)
    try:
        mkdocs_build(load_config(str(config_file), **overrides))
    finally:
        os.chdir(cwd)


def plugin_messages(records: list[logging.LogRecord]) -> list[tuple[str, str]]:
    """(level, message) of the plugin's records, its `docker_notes: ` prefix removed."""
    return [
        (r.levelname, r.getMessage().removeprefix("docker_notes: "))
        for r in records
        if r.name.startswith("mkdocs.plugins.docker_notes")
    ]


def expected_block(note: Path) -> list[str]:
    m = EXPECTED_BLOCK.search(note.read_text(encoding="utf-8"))
    return m[1].splitlines() if m else []


def replace_expected_block(note: Path, lines: list[str]) -> None:
    text = note.read_text(encoding="utf-8")
    block = f"{EXPECTED_START}\n" + "".join(f"{line}\n" for line in lines) + "-->\n"
    if EXPECTED_BLOCK.search(text):
        text = EXPECTED_BLOCK.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    note.write_text(text, encoding="utf-8")
