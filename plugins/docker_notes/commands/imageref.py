"""Image references (`[registry/][namespace/]name[:tag][@digest]`) taken apart for the reader."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .suggest import closest

_NAME_PART = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")
_ID = re.compile(r"^(?:sha256:)?[0-9a-f]{12,64}$")
HUB = "https://hub.docker.com"


@dataclass(frozen=True)
class ImageRef:
    text: str
    registry: str | None = None
    path: tuple[str, ...] = ()  # namespace parts and the name, without the registry
    tag: str | None = None
    digest: str | None = None
    problem: str = ""  # why this is not a valid reference, if it is not

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else self.text

    @property
    def namespace(self) -> str:
        return "/".join(self.path[:-1])

    @property
    def on_docker_hub(self) -> bool:
        return self.registry in (None, "docker.io", "registry-1.docker.io", "index.docker.io")

    @property
    def official(self) -> bool:
        """Docker Hub official images live under `library/` (written without a namespace)."""
        return self.on_docker_hub and (len(self.path) == 1 or self.path[0] == "library")

    def hub_url(self) -> str | None:
        if not self.on_docker_hub or self.problem or not self.path:
            return None
        if self.official:
            return f"{HUB}/_/{self.name}"
        return f"{HUB}/r/{'/'.join(self.path)}"


def is_image_id(text: str) -> bool:
    return bool(_ID.match(text))


def parse_image(text: str) -> ImageRef:
    rest, digest = text, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
    tag = None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
    parts = rest.split("/") if rest else []
    registry = None
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, parts = parts[0], parts[1:]
    ref = ImageRef(text, registry, tuple(parts), tag, digest)
    return _with_problem(ref)


def _with_problem(ref: ImageRef) -> ImageRef:
    problem = ""
    if not ref.path or any(not p for p in ref.path):
        problem = "it has an empty name part"
    elif any(not _NAME_PART.match(p) for p in ref.path):
        if any(p != p.lower() and _NAME_PART.match(p.lower()) for p in ref.path):
            problem = "image names must be lowercase"
        else:
            problem = "image names may only contain lowercase letters, digits and . _ -"
    elif ref.tag is not None and not _TAG.match(ref.tag):
        problem = f"the tag `{ref.tag}` is not valid (letters, digits, `_`, `.` and `-` only)"
    elif ref.digest is not None and not _DIGEST.match(ref.digest):
        problem = "the digest is not of the form `sha256:<hex>`"
    if ":" in ref.text.split("/")[-1].split("@")[0] and ref.text.split("/")[-1].count(":") > 1:
        problem = "it has more than one `:`; only one separates the name from the tag"
    return (
        ImageRef(ref.text, ref.registry, ref.path, ref.tag, ref.digest, problem) if problem else ref
    )


def describe(ref: ImageRef, official_images: Collection[str] = ()) -> tuple[str, tuple[str, ...]]:
    """A sentence about where the image comes from, and the parts of its reference."""
    details: list[str] = []
    if ref.registry:
        details.append(f"registry: `{ref.registry}`")
    if ref.namespace:
        details.append(f"namespace: `{ref.namespace}`")
    details.append(f"name: `{ref.name}`")
    if ref.digest:
        details.append(f"digest: `{ref.digest}` (pins the exact image content)")
    if ref.tag:
        details.append(f"tag: `{ref.tag}`")
    elif not ref.digest:
        details.append("tag: none given, so Docker uses `latest`")
    if ref.problem:
        return f"Not a valid image reference: {ref.problem}.", tuple(details)
    if not ref.on_docker_hub:
        where = f"Comes from the registry `{ref.registry}`, not from Docker Hub."
    elif ref.official and (not official_images or ref.name in official_images):
        where = f"The official `{ref.name}` image on Docker Hub."
    elif ref.official:
        where = (
            f"An image called `{ref.name}`: one you built or tagged yourself, "
            f"or else `library/{ref.name}` on Docker Hub."
        )
    else:
        owner = ref.path[0]
        where = f"The `{ref.name}` image published by `{owner}` on Docker Hub."
    return where, tuple(details)


def closest_official(name: str, official_images: Collection[str]) -> str | None:
    """`ngnix` → `nginx`: a likely typo of an official image name."""
    if not official_images or name in official_images:
        return None
    return closest(name, official_images, max_share=0)
