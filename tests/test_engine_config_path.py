"""The config path a real `pulumi preview`/`up` uses: the CLI hands the program every key in
PULUMI_CONFIG (JSON of `ns:key` -> string, objects JSON-encoded) and names secret keys, already
decrypted, in PULUMI_CONFIG_SECRET_KEYS. The offline plan hands config to the mock runtime
instead, so this path is proven separately: it must build the very same graph."""

from __future__ import annotations

import json

import pytest

from offline_plan.evaluate import evaluate_stack
from offline_plan.plan_file import build_plan
from offline_plan.stack_config import read_stack_config
from tests.conftest import PROJECT_DIR, graph

HEARTBEAT_KEY = "eks-platform:alertHeartbeatUrl"
SECRET_URL = "https://heartbeat.example.com/ping/0123456789abcdef-engine-path"


def engine_environment(monkeypatch: pytest.MonkeyPatch, stack: str, secrets: dict[str, str]) -> None:
    values = {**read_stack_config(PROJECT_DIR, stack).values, **secrets}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(values))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(sorted(secrets)))


def plan_from_environment(stack: str) -> dict:
    evaluation = evaluate_stack(stack, from_environment=True)
    assert evaluation.error is None, evaluation.error
    return build_plan(evaluation)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_config_through_the_engine_environment_builds_the_same_graph(monkeypatch, stack):
    engine_environment(monkeypatch, stack, {})
    assert plan_from_environment(stack) == graph(stack).plan


def test_a_secret_key_reaches_the_program_and_stays_secret(monkeypatch):
    engine_environment(monkeypatch, "prod", {HEARTBEAT_KEY: SECRET_URL})
    plan = plan_from_environment("prod")
    secret = next(r for r in plan["resources"] if r["name"] == "secret-monitoring-alertmanager-heartbeat")
    assert secret["inputs"]["stringData"] == {"url": "[secret]"}
    assert SECRET_URL not in json.dumps(plan)
    values = next(r for r in plan["resources"] if r["name"] == "kube-prometheus-stack")["inputs"]["values"]
    assert values["alertmanager"]["config"]["receivers"][-1]["name"] == "heartbeat"


def test_a_bad_value_through_the_engine_environment_is_refused_by_key(monkeypatch):
    values = read_stack_config(PROJECT_DIR, "dev").values
    network = json.loads(values["eks-platform:network"])
    network["azCount"] = 9
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({**values, "eks-platform:network": json.dumps(network)}))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", "[]")
    evaluation = evaluate_stack("dev", from_environment=True)
    assert evaluation.error is not None
    assert "eks-platform:network.azCount" in evaluation.error
    assert evaluation.registrations == []
