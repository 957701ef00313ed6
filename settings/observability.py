"""The `eks-platform:observability` section."""

from __future__ import annotations

import re

from settings.model import ObservabilitySettings
from settings.reader import ConfigReader

_RETENTION = re.compile(r"^[1-9]\d*[dhw]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_HTTPS_URL = re.compile(r"^https://[a-z0-9.-]+(:\d+)?(/\S*)?$")


def parse_observability(root: ConfigReader, protect: bool) -> ObservabilitySettings:
    section = root.section(
        "observability",
        ("prometheusRetention", "prometheusVolumeGiB", "prometheusReplicas", "grafanaInternalIngress",
         "managedPrometheus", "alertEmails"),
    )  # fmt: skip
    retention = section.string("prometheusRetention", "a Prometheus retention such as 15d, 72h or 4w")
    if not _RETENTION.match(retention):
        raise section.fail("prometheusRetention", retention, "a Prometheus retention such as 15d, 72h or 4w")
    emails = section.strings("alertEmails", "a list of e-mail addresses for the alarm topic")
    if protect and not emails:
        # Alarms and critical alerts of a stack that holds data must reach someone.
        raise section.fail("alertEmails", [], "at least one e-mail address: this stack protects stateful resources")
    for email in emails:
        if not _EMAIL.match(email):
            raise section.fail("alertEmails", email, "e-mail addresses such as oncall@example.com")
    return ObservabilitySettings(
        prometheus_retention=retention,
        prometheus_volume_gib=section.integer("prometheusVolumeGiB", 10, 4000),
        prometheus_replicas=section.integer("prometheusReplicas", 1, 3),
        grafana_internal_ingress=section.boolean("grafanaInternalIngress"),
        managed_prometheus=section.boolean("managedPrometheus"),
        alert_emails=emails,
        heartbeat_url=_heartbeat_url(root),
    )


def _heartbeat_url(root: ConfigReader) -> str | None:
    """Optional; best set with `pulumi config set --secret`, since the URL is a credential."""
    if not root.has("alertHeartbeatUrl"):
        return None
    allowed = "an https:// URL of a dead man's switch (heartbeat) service"
    url = root.string("alertHeartbeatUrl", allowed)
    if not _HTTPS_URL.match(url):
        raise root.fail("alertHeartbeatUrl", "[secret]", allowed)
    return url
