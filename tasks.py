#!/usr/bin/env python3
"""Bootstrap and run geoplan with nothing but Python 3.11+ (standard library only).

    python3 tasks.py app    # create .venv if needed, install geoplan, start the Streamlit app
    python3 tasks.py test   # create .venv if needed, install geoplan[test], run the whole test suite

Extra arguments are passed on (to ``streamlit run`` or to ``pytest``). The virtual environment is
re-installed only when pyproject.toml changes. ``GEOPLAN_VENV`` chooses another venv folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("GEOPLAN_VENV", ROOT / ".venv"))
EXTRAS = {"app": "", "test": "[test]"}


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(cmd: list[str]) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def ensure_env(task: str) -> Path:
    """Create the venv and install geoplan (with the task's extras) unless already up to date."""
    if sys.version_info < (3, 11):
        sys.exit(f"geoplan needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not _python().exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    extras = EXTRAS[task]
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".geoplan-installed{extras or '[app]'}-{digest}"
    if not stamp.exists():
        _run([str(_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q", "--upgrade", "pip"])
        _run([str(_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", f".{extras}"])
        stamp.touch()
    return _python()


def _parallel(rest: list[str]) -> list[str]:
    """pytest-xdist options: one worker per core, a test file's tests on one worker (so a module's app
    server or PostGIS schema is made once). Skipped when the caller chose ``-n`` or selected tests."""
    if any(a == "-n" or a.startswith(("-n", "--numprocesses", "--dist")) for a in rest):
        return []
    if any(not a.startswith("-") for a in rest):  # a file or node id: run it in-process
        return []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return ["-n", str(cores), "--dist", "loadfile"] if cores > 1 else []
def _serve_warm(cmd: list[str], rest: list[str]) -> int:
    """Start the app and, once it answers, run app.py once (Streamlit's script health check) so the
    first visitor finds the caches warm (app_pages/warm.py); then wait for the server to exit."""
    port = next((rest[i + 1] for i, a in enumerate(rest[:-1]) if a == "--server.port"), None)
    port = port or next((a.split("=", 1)[1] for a in rest if a.startswith("--server.port=")), "8501")
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(cmd, cwd=ROOT)
    try:
        for _ in range(240):
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    pass
                with urllib.request.urlopen(url + "/_stcore/script-health-check", timeout=120):
                    pass
                break
            except OSError:
                time.sleep(0.5)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    py = ensure_env(task)
    if task == "app":
        cmd = [str(py), "-m", "streamlit", "run", str(ROOT / "app.py"), *rest]
        print("+", " ".join(cmd), flush=True)
        return _serve_warm(cmd, rest)
    else:
        cmd = [str(py), "-m", "pytest", *_parallel(rest), *rest]
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
