"""ServiceMonitors and PodMonitors for what the platform runs, and its PrometheusRule. Pure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).parent / "rules" / "platform.rules.yaml"
API_VERSION = "monitoring.coreos.com/v1"


def _monitor(
    kind: str, name: str, namespace: str, target_namespace: str, labels: dict[str, str], port: str
) -> dict[str, Any]:
    endpoints_key = "endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints"
    return {
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "namespaceSelector": {"matchNames": [target_namespace]},
            "selector": {"matchLabels": labels},
            endpoints_key: [{"port": port, "path": "/metrics", "interval": "30s"}],
        },
    }


def platform_monitors(namespace: str) -> list[dict[str, Any]]:
    return [
        # The karpenter chart's Service exposes port http-metrics (8080).
        _monitor(
            "ServiceMonitor",
            "karpenter",
            namespace,
            "kube-system",
            {"app.kubernetes.io/name": "karpenter"},
            "http-metrics",
        ),
        # The controller's chart names its metrics container port metrics-server (8080).
        _monitor(
            "PodMonitor",
            "aws-load-balancer-controller",
            namespace,
            "kube-system",
            {"app.kubernetes.io/name": "aws-load-balancer-controller"},
            "metrics-server",
        ),
        # podinfo serves metrics on its own port (--port-metrics), exposed by the web Service.
        _monitor("ServiceMonitor", "web", namespace, "web", {"app.kubernetes.io/name": "web"}, "http-metrics"),
    ]


def platform_rules(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "PrometheusRule",
        "metadata": {"name": "platform", "namespace": namespace},
        "spec": yaml.safe_load(RULES_FILE.read_text()),
    }
