"""The wheel carries its resources: installed in a fresh venv outside the checkout, the CLI works.

Builds the wheel (pip, with build isolation: setuptools from the package registry), installs it
without dependencies into a new venv whose only other path is this venv's site-packages (for
numpy, geopandas …, not for geoplan: the editable install's finder is not loaded from a .pth path),
and runs ``geoplan layers``, ``geoplan site-select`` and ``geoplan export`` from a temp folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from geoplan.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(PROJECT_ROOT), "--no-deps", "-q", "-w", str(dist),
                    "--disable-pip-version-check"], check=True, cwd=tmp)
    wheels = list(dist.glob("geoplan-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # dependencies from this venv (a path entry: the .pth files there, the editable finder among them, are not run)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q",
                    "--disable-pip-version-check", str(wheels[0])], check=True)
    work = tmp / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEOPLAN_") and k != "PYTHONPATH"}
    return py, env_dir, work, env


def _run(installed, *args: str) -> subprocess.CompletedProcess:
    py, env_dir, work, env = installed
    return subprocess.run([str(env_dir / "bin" / "geoplan"), *args], cwd=work, env=env, capture_output=True,
                          text=True, timeout=300)


def test_installed_package_is_the_wheel_not_the_checkout(installed):
    py, env_dir, work, env = installed
    out = subprocess.run([str(py), "-c", "import geoplan, geoplan.paths as p; print(geoplan.__file__); "
                          "print(p.resource_root()); print(p.data_dir())"],
                         cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0].startswith(str(env_dir)), out
    assert out[1].startswith(str(env_dir)) and out[1].endswith("_resources"), out
    assert str(PROJECT_ROOT) not in out[2]


def test_wheel_cli_layers_site_select_export(installed):
    res = _run(installed, "layers", "--format", "json")
    assert res.returncode == 0, res.stderr
    counts = {r["id"]: r["features"] for r in json.loads(res.stdout)}
    assert counts["districts"] == 38 and counts["corridors"] == 3

    res = _run(installed, "site-select", "--industry", "新能源汽车", "--land-mu", "300", "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["industry"]["id"] == "nev" and doc["ranked"]

    py, env_dir, work, env = installed
    res = _run(installed, "export", "districts", "--out", "d.geojson")
    assert res.returncode == 0, res.stderr
    fc = json.loads((work / "d.geojson").read_text(encoding="utf-8"))
    assert len(fc["features"]) == 38


def test_env_override_still_works_for_the_wheel(installed, tmp_path):
    py, env_dir, work, env = installed
    res = subprocess.run([str(env_dir / "bin" / "geoplan"), "layers"], cwd=work, capture_output=True, text=True,
                         env={**env, "GEOPLAN_DATA_DIR": str(tmp_path)})
    assert res.returncode != 0
    assert "missing" in res.stderr and "Traceback" not in res.stderr
