"""The grammars the Kubernetes API rules share: port names, quantities, qualified names, cron schedules.

The rules are in tests/kubernetes_api_rules/ (grammar.py, cron.py); test_kubernetes_api_rules.py
runs them over the plans.
"""

from __future__ import annotations

import pytest

from tests import kubernetes_api_rules as rules

# --- grammar ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["http", "http-metrics", "h2c", "a1", "metrics-server1"])
def test_port_names_that_are_iana_service_names(name):
    assert rules.is_port_name(name)


@pytest.mark.parametrize("name", ["", "HTTP", "http_metrics", "http--x", "-http", "http-", "8080", "metrics-exporter1"])
def test_port_names_that_are_not(name):
    assert not rules.is_port_name(name)


@pytest.mark.parametrize("value", ["100m", "1", "0.5", "1.5Gi", "64Mi", "1e3", "2E", "+1k", ".5", 2, 0.25])
def test_quantities_the_api_server_parses(value):
    assert rules.quantity(value) is not None


@pytest.mark.parametrize("value", ["", "1 Gi", "1K", "64MiB", "10GB", "1.5.2", "abc", "Gi", True, None])
def test_quantities_it_rejects(value):
    assert rules.quantity(value) is None


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("app.kubernetes.io/name", True),
        ("pod-security.kubernetes.io/enforce", True),
        ("name", True),
        ("Name_1.x", True),
        ("example.com/", False),
        ("/name", False),
        ("Example.com/name", False),
        ("a/b/c", False),
        ("-name", False),
        ("x" * 64, False),
    ],
)
def test_qualified_names(key, valid):
    assert rules.is_qualified_name(key) is valid


@pytest.mark.parametrize(
    ("schedule", "valid"),
    [
        ("*/15 * * * *", True),
        ("0 8 * * mon-fri", True),
        ("30 2 1 jan,jul *", True),
        ("5/10 * * * *", True),
        ("@hourly", True),
        ("@every 1h30m", True),
        ("*/15 * * *", False),
        ("0 24 * * *", False),
        ("0 0 0 * *", False),
        ("0 0 * * 7", False),
        ("*/0 * * * *", False),
        ("10-5 * * * *", False),
        ("CRON_TZ=UTC 0 * * * *", False),
        ("@fortnightly", False),
    ],
)
def test_cron_schedules(schedule, valid):
    assert (rules.cron_schedule_problems(schedule) == []) is valid
