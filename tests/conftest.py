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
