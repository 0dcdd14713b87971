"""Shared pytest hooks. Under CI=true a skipped PostGIS test is a failure (the server must run there)."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgis: needs a PostGIS server (GEOPLAN_TEST_POSTGIS); must run under CI=true")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if (os.environ.get("CI", "").lower() == "true" and report.skipped and item.get_closest_marker("postgis")):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"PostGIS test skipped under CI=true (a skip is a failure in CI): {reason}"


@pytest.fixture(autouse=True, scope="session")
def _workspace_in_tmp(tmp_path_factory):
    """The app and CLI under test use a throwaway GeoPackage workspace, never the user's."""
    if os.environ.get("GEOPLAN_WORKSPACE"):
        yield
        return
    os.environ["GEOPLAN_WORKSPACE"] = str(tmp_path_factory.mktemp("workspace") / "workspace.gpkg")
    yield
    os.environ.pop("GEOPLAN_WORKSPACE", None)
