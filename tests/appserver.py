"""Start the Streamlit app on a free loopback port (for the browser tests and the benchmark)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def warm_up(url: str, timeout: float = 120.0) -> bool:
    """Run app.py once in the server (Streamlit's script health check), so its caches are warm."""
    try:
        with urllib.request.urlopen(url + "/_stcore/script-health-check", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


class AppServer:
    """``streamlit run app.py`` on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self, timeout: float = 60.0, env: dict[str, str] | None = None, warm: bool = True) -> None:
        self.port = free_port()
        self.env = dict(env or {})  # extra environment, e.g. GEOPLAN_WORKSPACE for a throwaway workspace
        self.url = f"http://127.0.0.1:{self.port}"
        self.timeout = timeout
        self.warm = warm  # run app.py once at start (warms the caches), as ``python3 tasks.py app`` does
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.env)
        env.pop("TIANDITU_KEY", None)
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
                raise RuntimeError(f"streamlit exited early ({self.proc.returncode}):\n{out[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        if self.warm:
                            warm_up(self.url)
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"streamlit did not answer on {self.url} within {self.timeout:.0f} s")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
