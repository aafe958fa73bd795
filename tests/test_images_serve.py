"""Under a real `mkdocs serve`: a broken image shows as a box naming the problem; adding the file
makes the box and the warning go away on the next rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from images_helpers import png, write_mkdocs_yml
from serve_helpers import fetch, mkdocs_serve, wait_for

pytestmark = pytest.mark.serve


def test_box_appears_and_goes_away(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "_resources").mkdir(parents=True)
    (docs / "index.md").write_text("# Notes\n\n![Containers](_resources/containers.png)\n")
    config = write_mkdocs_yml(tmp_path)
    warning = "docs/index.md:3:15: missing image '_resources/containers.png'"
    with mkdocs_serve(tmp_path, config) as server:
        url, output = server.url, server.output
        wait_for(lambda: "dn-image-problem" in fetch(url), "the box")
        page = fetch(url)
        assert 'role="img" aria-label="Broken image: missing image' in page
        assert "<code>_resources/containers.png</code>" in page
        assert any(warning in line for line in output)

        seen = len(output)
        (docs / "_resources" / "containers.png").write_bytes(png())
        wait_for(
            lambda: '<img alt="Containers" src="_resources/containers.png"' in fetch(url),
            "the image",
        )
        assert "dn-image-problem" not in fetch(url)
        wait_for(
            lambda: any(
                "Images: 1 reference on 1 page checked, no problems." in line
                for line in output[seen:]
            ),
            "the rebuild's summary",
        )
        assert not [line for line in output[seen:] if "missing image" in line]
