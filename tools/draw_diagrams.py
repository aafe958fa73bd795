"""Draw the "VM vs container" diagrams that docs/docker.md links.

The notes originally pointed at two screenshots that were never committed. This script
replaces them with drawn diagrams of the two stacks, bottom to top:

* ``2020-07-22-01-16-49.png``: infrastructure, hypervisor, then three VMs side by side,
  each with its own guest OS, bins/libs and app.
* ``2020-07-22-01-17-13.png``: infrastructure, host operating system, container engine,
  then three containers side by side, each with only bins/libs and app.

Both images share one geometry and palette so they can be compared side by side: the
same colour always means the same role (hardware, operating system, virtualisation
layer, libraries, app), and the two stacks come out the same height.

Only Pillow's built-in font is used, so the output does not depend on which system
fonts are installed, and the PNGs are written without metadata so every run produces
the same bytes.

Usage: ``python tools/draw_diagrams.py [--out DIR]`` (default: ``docs/_resources``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Everything is laid out in final pixels and drawn SCALE times larger, then
# downsampled: Pillow draws shapes without anti-aliasing, so this is what keeps the
# rounded corners and outlines smooth.
SCALE = 2
WIDTH = 1400  # shown at 700 px, i.e. 2x for high-DPI screens
MARGIN = 50
TITLE_BAND = 110
LAYER_H = 92
GAP = 14  # between stacked layers, and between the boxes inside a frame
COLUMN_GAP = 34
FRAME_PAD = 14
FRAME_CAPTION = 50
RADIUS = 10
TEXT_PAD = 16  # minimum room between a label and the edge of its box

TITLE_SIZE = 50
LABEL_SIZE = 34
NOTE_SIZE = 28
CAPTION_SIZE = 28

BACKGROUND = "#f8fafc"
INK = "#1f2933"
MUTED_INK = "#3e4c59"
OUTLINE = "#52606d"
FRAME_FILL = "#ffffff"
FRAME_OUTLINE = "#1f4e79"

# One colour per role; blue/grey ramps plus a single orange accent stay distinguishable
# with the common colour-vision deficiencies.
HARDWARE = "#d3d9e0"
OPERATING_SYSTEM = "#c6dbef"
VIRTUALISATION = "#9ecae1"
LIBRARIES = "#e8eef5"
APP = "#fdc47d"

OUTPUTS = {
    "vms": "2020-07-22-01-16-49.png",
    "containers": "2020-07-22-01-17-13.png",
}


@dataclass(frozen=True)
class Layer:
    """A full-width layer shared by everything above it."""

    label: str
    fill: str
    note: str = ""


@dataclass(frozen=True)
class Box:
    label: str
    fill: str


@dataclass(frozen=True)
class Unit:
    """One VM or container: a captioned frame holding its own boxes, top to bottom."""

    caption: str
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Units:
    """Several units standing side by side on the layer below."""

    units: tuple[Unit, ...]


def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size * SCALE)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise RuntimeError("Pillow was built without FreeType; scalable text is unavailable")
    return font


class _Canvas:
    """Drawing helpers that take final-pixel coordinates and scale them up."""

    def __init__(self, height: int) -> None:
        self.image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)

    def box(
        self, x0: int, y0: int, x1: int, y1: int, fill: str, outline: str, width: int = 2
    ) -> None:
        self.draw.rounded_rectangle(
            (x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE),
            radius=RADIUS * SCALE,
            fill=fill,
            outline=outline,
            width=width * SCALE,
        )

    def text(self, x: float, y: float, text: str, size: int, fill: str, max_width: float) -> None:
        """Centre ``text`` on (x, y), refusing anything that would overflow its box."""
        font = _font(size)
        if font.getlength(text) > max_width * SCALE:
            raise ValueError(f"label {text!r} does not fit in {max_width:.0f} px")
        self.draw.text((x * SCALE, y * SCALE), text, font=font, fill=fill, anchor="mm")

    def finish(self) -> Image.Image:
        return self.image.resize(
            (self.image.width // SCALE, self.image.height // SCALE), Image.Resampling.LANCZOS
        )


def _unit_height(unit: Unit) -> int:
    boxes = len(unit.boxes)
    return FRAME_CAPTION + boxes * LAYER_H + (boxes - 1) * GAP + FRAME_PAD


def _row_height(row: Layer | Units) -> int:
    if isinstance(row, Layer):
        return LAYER_H
    return max(_unit_height(unit) for unit in row.units)


def draw_stack(title: str, rows: list[Layer | Units]) -> Image.Image:
    """Draw a titled stack; ``rows`` runs bottom to top, like the stack it depicts."""
    height = TITLE_BAND + sum(_row_height(r) for r in rows) + GAP * (len(rows) - 1) + MARGIN
    canvas = _Canvas(height)
    canvas.text(WIDTH / 2, TITLE_BAND / 2 + 4, title, TITLE_SIZE, INK, WIDTH - 2 * MARGIN)

    left, right = MARGIN, WIDTH - MARGIN
    bottom = height - MARGIN
    for row in rows:
        row_h = _row_height(row)
        top = bottom - row_h
        if isinstance(row, Layer):
            _draw_layer(canvas, row, left, top, right, bottom)
        else:
            _draw_units(canvas, row, left, top, right, bottom)
        bottom = top - GAP
    return canvas.finish()


def _draw_layer(canvas: _Canvas, layer: Layer, x0: int, y0: int, x1: int, y1: int) -> None:
    canvas.box(x0, y0, x1, y1, layer.fill, OUTLINE)
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    room = x1 - x0 - 2 * TEXT_PAD
    if layer.note:
        canvas.text(mid_x, mid_y - 17, layer.label, LABEL_SIZE, INK, room)
        canvas.text(mid_x, mid_y + 22, layer.note, NOTE_SIZE, MUTED_INK, room)
    else:
        canvas.text(mid_x, mid_y, layer.label, LABEL_SIZE, INK, room)


def _draw_units(canvas: _Canvas, row: Units, x0: int, y0: int, x1: int, y1: int) -> None:
    count = len(row.units)
    unit_w = (x1 - x0 - COLUMN_GAP * (count - 1)) / count
    for index, unit in enumerate(row.units):
        ux0 = round(x0 + index * (unit_w + COLUMN_GAP))
        ux1 = round(ux0 + unit_w)
        # Units sit on the layer below, so a shorter one leaves its spare room on top.
        uy0 = y1 - _unit_height(unit)
        canvas.box(ux0, uy0, ux1, y1, FRAME_FILL, FRAME_OUTLINE, width=3)
        room = ux1 - ux0 - 2 * FRAME_PAD - 2 * TEXT_PAD
        canvas.text(
            (ux0 + ux1) / 2,
            uy0 + FRAME_CAPTION / 2 + 2,
            unit.caption,
            CAPTION_SIZE,
            FRAME_OUTLINE,
            room,
        )
        box_top = uy0 + FRAME_CAPTION
        for box in unit.boxes:
            bx0, bx1 = ux0 + FRAME_PAD, ux1 - FRAME_PAD
            canvas.box(bx0, box_top, bx1, box_top + LAYER_H, box.fill, OUTLINE)
            canvas.text((bx0 + bx1) / 2, box_top + LAYER_H / 2, box.label, LABEL_SIZE, INK, room)
            box_top += LAYER_H + GAP


def vm_diagram() -> Image.Image:
    vms = tuple(
        Unit(
            f"VM {n}",
            (
                Box(f"App {letter}", APP),
                Box("Bins/Libs", LIBRARIES),
                Box("Guest OS", OPERATING_SYSTEM),
            ),
        )
        for n, letter in enumerate("ABC", start=1)
    )
    return draw_stack(
        "Virtual machines",
        [
            Layer("Infrastructure", HARDWARE, "hardware: CPU, memory, storage, network"),
            Layer("Hypervisor", VIRTUALISATION, "splits the hardware into virtual machines"),
            Units(vms),
        ],
    )


def container_diagram() -> Image.Image:
    containers = tuple(
        Unit(f"Container {n}", (Box(f"App {letter}", APP), Box("Bins/Libs", LIBRARIES)))
        for n, letter in enumerate("ABC", start=1)
    )
    return draw_stack(
        "Containers",
        [
            Layer("Infrastructure", HARDWARE, "hardware: CPU, memory, storage, network"),
            Layer(
                "Host operating system", OPERATING_SYSTEM, "its kernel is shared by every container"
            ),
            Layer("Container engine", VIRTUALISATION, "Docker"),
            Units(containers),
        ],
    )


def save(image: Image.Image, path: Path) -> None:
    # A palette PNG keeps flat-colour diagrams small; no pnginfo means no timestamps.
    image.quantize(colors=64, dither=Image.Dither.NONE).save(path, optimize=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parent.parent / "docs" / "_resources"
    parser.add_argument("--out", type=Path, default=default_out, help="output directory")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, image in (("vms", vm_diagram()), ("containers", container_diagram())):
        path = args.out / OUTPUTS[name]
        save(image, path)
        print(f"wrote {path} ({image.width}x{image.height})")


if __name__ == "__main__":
    main()
