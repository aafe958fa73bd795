"""Under a real `mkdocs serve`: a broken image shows as a box naming the problem; adding the file
makes the box and the warning go away on the next rebuild."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from images_helpers import png, write_mkdocs_yml

pytestmark = pytest.mark.serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_box_appears_and_goes_away(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "_resources").mkdir(parents=True)
    (docs / "index.md").write_text("# Notes\n\n![Containers](_resources/containers.png)\n")
    config = write_mkdocs_yml(tmp_path)
    port = free_port()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    server = subprocess.Popen(
        [*command, "serve", "-a", f"127.0.0.1:{port}", "-f", str(config)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    output: list[str] = []
    assert server.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(server.stdout or []), daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/"
    warning = "docs/index.md:3:15: missing image '_resources/containers.png'"
    try:
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
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        reader.join(timeout=5)
