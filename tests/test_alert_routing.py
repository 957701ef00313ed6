"""Critical alerts reach a real receiver: Alertmanager's config checked and routed by amtool
(Debian's prometheus-alertmanager, which `make test` installs), not by reading our own dict."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from addons.observability import alert_routing
from addons.observability.monitors import RULES_FILE
from tests.graph import ref
from tests.stack_files import stack_config

RELEASE = "kubernetes:helm.sh/v3:Release"
# kube-prometheus-stack's own critical alerts are many; these are some whose names it ships.
CHART_CRITICAL_ALERTS = ("KubeAPIDown", "KubeletDown", "KubeStateMetricsListErrors")


def amtool() -> str:
    path = shutil.which("amtool")
    assert path, "amtool is missing: `make test` installs Debian's prometheus-alertmanager package"
    return path


def alertmanager_config(stack) -> dict[str, Any]:
    return stack.one(RELEASE, "kube-prometheus-stack")["inputs"]["values"]["alertmanager"]["config"]


def as_checked_by_amtool(config: dict[str, Any]) -> dict[str, Any]:
    """Debian's amtool is 0.25, older than webhook `url_file` (documented in Alertmanager's
    configuration reference since 0.26); swap it for a placeholder `url` so the rest is checked."""
    text = json.dumps(config).replace('"url_file"', '"url"')
    return json.loads(text.replace(alert_routing.HEARTBEAT_URL_FILE, "https://heartbeat.invalid/ping"))


def write_config(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "alertmanager.yaml"
    path.write_text(yaml.safe_dump(as_checked_by_amtool(config)))
    return path


def receiver_for(config_file: Path, labels: dict[str, str]) -> str:
    found = subprocess.run(
        [
            amtool(),
            "config",
            "routes",
            "test",
            f"--config.file={config_file}",
            *(f"{k}={v}" for k, v in labels.items()),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip()


def critical_alerts() -> list[str]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    ours = [r["alert"] for g in groups for r in g["rules"] if r.get("labels", {}).get("severity") == "critical"]
    assert ours, "the platform rules have critical alerts"
    return [*ours, *CHART_CRITICAL_ALERTS]


def test_the_alertmanager_config_passes_amtool(any_stack, tmp_path):
    checked = subprocess.run(
        [amtool(), "check-config", str(write_config(tmp_path, alertmanager_config(any_stack)))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("alert", critical_alerts())
def test_every_critical_alert_reaches_the_alarm_topic(any_stack, tmp_path, alert):
    config = alertmanager_config(any_stack)
    receiver = receiver_for(write_config(tmp_path, config), {"alertname": alert, "severity": "critical"})
    assert receiver == alert_routing.TOPIC_RECEIVER
    (target,) = next(r for r in config["receivers"] if r["name"] == receiver)["sns_configs"]
    assert target["topic_arn"] == any_stack.outputs["alarmTopicArn"]


def test_warnings_do_not_page(any_stack, tmp_path):
    config_file = write_config(tmp_path, alertmanager_config(any_stack))
    assert receiver_for(config_file, {"alertname": "KubePodCrashLooping", "severity": "warning"}) == "null"


def test_the_watchdog_pings_the_heartbeat_where_settings_name_one(any_stack, tmp_path):
    config_file = write_config(tmp_path, alertmanager_config(any_stack))
    expected = "heartbeat" if "eks-platform:alertHeartbeatUrl" in stack_config(any_stack.stack) else "null"
    assert receiver_for(config_file, {"alertname": "Watchdog", "severity": "none"}) == expected


def test_the_heartbeat_url_is_a_secret_mounted_into_alertmanager_never_a_value(prod):
    values = prod.one(RELEASE, "kube-prometheus-stack")["inputs"]["values"]
    assert values["alertmanager"]["alertmanagerSpec"]["secrets"] == [alert_routing.HEARTBEAT_SECRET]
    secret = prod.one("kubernetes:core/v1:Secret", f"secret-monitoring-{alert_routing.HEARTBEAT_SECRET}")
    assert secret["inputs"]["stringData"]["url"] == "[secret]"
    assert stack_config("prod")["eks-platform:alertHeartbeatUrl"] not in prod.text()


def test_alertmanager_may_publish_to_the_topic_only_through_sns(any_stack):
    association = next(
        a
        for a in any_stack.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
        if a["inputs"]["serviceAccount"] == alert_routing.SERVICE_ACCOUNT
    )
    values = any_stack.one(RELEASE, "kube-prometheus-stack")["inputs"]["values"]
    assert values["alertmanager"]["serviceAccount"]["name"] == alert_routing.SERVICE_ACCOUNT
    (role_ref,) = [d for d in association["dependencies"] if d.startswith("aws:iam/role:Role::")]
    (policy,) = [p for p in any_stack.of_type("aws:iam/rolePolicy:RolePolicy") if role_ref in p["dependencies"]]
    statements = {s["Sid"]: s for s in json.loads(policy["inputs"]["policy"])["Statement"]}
    assert statements["PublishAlerts"]["Resource"] == any_stack.outputs["alarmTopicArn"]
    topic = any_stack.one("aws:sns/topic:Topic")
    assert statements["EncryptForTheTopic"]["Resource"] == topic["inputs"]["kmsMasterKeyId"]
    region = any_stack.outputs["region"]
    assert (
        statements["EncryptForTheTopic"]["Condition"]["StringEquals"]["kms:ViaService"] == f"sns.{region}.amazonaws.com"
    )
    assert ref(association) in any_stack.one(RELEASE, "kube-prometheus-stack")["dependencies"]
