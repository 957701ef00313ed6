"""Where Alertmanager sends alerts: critical ones to the platform's encrypted SNS alarm topic
(which fans out to e-mail, chat or a pager), the Watchdog heartbeat to a dead man's switch. Pure."""

from __future__ import annotations

import json
from typing import Any

SERVICE_ACCOUNT = "alertmanager"
NULL_RECEIVER = "null"
TOPIC_RECEIVER = "platform-alarm-topic"
HEARTBEAT_RECEIVER = "heartbeat"
# A Secret the operator mounts at /etc/alertmanager/secrets/<name>/, so the URL (a
# credential) never appears in the chart's values or the Alertmanager config.
HEARTBEAT_SECRET = "alertmanager-heartbeat"
HEARTBEAT_URL_FILE = f"/etc/alertmanager/secrets/{HEARTBEAT_SECRET}/url"


def alertmanager_config(topic_arn: str, region: str, heartbeat: bool) -> dict[str, Any]:
    """Merged by Helm into the chart's default config (its inhibit rules stay)."""
    receivers: list[dict[str, Any]] = [
        {"name": NULL_RECEIVER},
        {
            "name": TOPIC_RECEIVER,
            "sns_configs": [
                {
                    "topic_arn": topic_arn,
                    # No keys: the SDK's default chain picks up Pod Identity credentials.
                    "sigv4": {"region": region},
                    "subject": "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
                    "send_resolved": True,
                }
            ],
        },
    ]
    routes: list[dict[str, Any]] = []
    if heartbeat:
        receivers.append(
            {"name": HEARTBEAT_RECEIVER, "webhook_configs": [{"url_file": HEARTBEAT_URL_FILE, "send_resolved": False}]}
        )
    # Always firing: the switch raises its own alarm when the pings stop.
    routes.append(
        {
            "matchers": ['alertname = "Watchdog"'],
            "receiver": HEARTBEAT_RECEIVER if heartbeat else NULL_RECEIVER,
            "group_wait": "0s",
            "group_interval": "1m",
            "repeat_interval": "1m",
        }
    )
    routes.append({"matchers": ['severity = "critical"'], "receiver": TOPIC_RECEIVER, "repeat_interval": "4h"})
    return {
        "route": {
            "receiver": NULL_RECEIVER,
            "group_by": ["alertname", "namespace"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            "routes": routes,
        },
        "receivers": receivers,
    }


def publish_policy(topic_arn: str, key_arn: str, region: str) -> str:
    """Publish to the one topic; use its key only through SNS."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "PublishAlerts", "Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn},
                {
                    "Sid": "EncryptForTheTopic",
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                    "Resource": key_arn,
                    "Condition": {"StringEquals": {"kms:ViaService": f"sns.{region}.amazonaws.com"}},
                },
            ],
        }
    )


def heartbeat_secret(namespace: str, url: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": HEARTBEAT_SECRET, "namespace": namespace},
        "type": "Opaque",
        "stringData": {"url": url},
    }
