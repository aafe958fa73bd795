"""A real `mkdocs serve` on a free 127.0.0.1 port, for the author's-loop tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def make_serve_options() -> list[str]:
    """The options `make serve` (the README's command) gives `mkdocs serve`, from the Makefile."""
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^serve:.*\n\t\S*mkdocs serve (.*)$", makefile, re.M)
    assert found is not None, "no `mkdocs serve` line under the Makefile's serve target"
    return [o for o in found[1].split() if o != "-a" and not o.startswith("$(")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fetch(url: str) -> str:
    """The page's HTML, or "" while the server is not (yet) answering."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20) -> float:
    """Poll until `condition()`; return how long it took. Fails the test on timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


@dataclass
class Server:
    url: str
    output: list[str] = field(default_factory=list)  # serve's log lines, as they come

    def lines_since(self, mark: int) -> list[str]:
        return self.output[mark:]


@contextmanager
def mkdocs_serve(
    project: Path, config: Path | None = None, *args: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Run `mkdocs serve` on the project; always shut it down, whatever the test's outcome."""
    port = free_port()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    command += ["serve", "-a", f"127.0.0.1:{port}", *args]
    if config is not None:
        command += ["-f", str(config)]
    process = subprocess.Popen(
        command,
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    server = Server(f"http://127.0.0.1:{port}/")
    assert process.stdout is not None
    reader = threading.Thread(
        target=lambda: server.output.extend(process.stdout or []), daemon=True
    )
    reader.start()
    try:
        wait_for(
            lambda: bool(fetch(server.url)) or process.poll() is not None, "serve to start", 60
        )
        if process.poll() is not None:
            pytest.fail("mkdocs serve exited:\n" + "".join(server.output))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=5)
