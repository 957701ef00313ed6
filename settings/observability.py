"""The `eks-platform:observability` section."""

from __future__ import annotations

import re

from settings.model import ObservabilitySettings
from settings.network import RFC1918, ipv4_network
from settings.reader import MISSING, ConfigReader
from settings.workloads import acm_certificate_arn

_RETENTION = re.compile(r"^[1-9]\d*[dhw]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_HTTPS_URL = re.compile(r"^https://[a-z0-9.-]+(:\d+)?(/\S*)?$")


def parse_observability(root: ConfigReader, protect: bool, region: str, account_id: str) -> ObservabilitySettings:
    section = root.section(
        "observability",
        ("prometheusRetention", "prometheusVolumeGiB", "prometheusReplicas", "grafanaInternalIngress",
         "grafanaCertificateArn", "grafanaInboundCidrs", "managedPrometheus", "alertEmails"),
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
    ingress = section.boolean("grafanaInternalIngress")
    if not ingress:
        for key in ("grafanaCertificateArn", "grafanaInboundCidrs"):
            if section.has(key):
                raise section.fail(key, section.data[key], "unset while grafanaInternalIngress is false")
    return ObservabilitySettings(
        prometheus_retention=retention,
        prometheus_volume_gib=section.integer("prometheusVolumeGiB", 10, 4000),
        prometheus_replicas=section.integer("prometheusReplicas", 1, 3),
        grafana_internal_ingress=ingress,
        managed_prometheus=section.boolean("managedPrometheus"),
        alert_emails=emails,
        heartbeat_url=_heartbeat_url(root),
        grafana_certificate_arn=_grafana_certificate(section, region, account_id) if ingress else None,
        grafana_inbound_cidrs=_grafana_inbound_cidrs(section) if ingress else (),
    )


def _grafana_certificate(section: ConfigReader, region: str, account_id: str) -> str:
    """Grafana's ALB listens on HTTPS only, so its certificate is required."""
    if not section.has("grafanaCertificateArn"):
        raise section.fail(
            "grafanaCertificateArn",
            MISSING,
            f"an ACM certificate ARN of this stack's region and account (arn:aws:acm:{region}:{account_id}:"
            "certificate/<id>) while grafanaInternalIngress is true",
        )
    return acm_certificate_arn(section, "grafanaCertificateArn", region, account_id)


def _grafana_inbound_cidrs(section: ConfigReader) -> tuple[str, ...]:
    """Who besides the VPC reaches the internal ALB: VPN or peered networks, always private."""
    if not section.has("grafanaInboundCidrs"):
        return ()
    allowed = "a list of RFC 1918 CIDRs (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) such as a VPN range"
    cidrs = section.strings("grafanaInboundCidrs", allowed)
    for value in cidrs:
        network = ipv4_network(section, "grafanaInboundCidrs", value, allowed)
        if not any(network.subnet_of(block) for block in RFC1918):
            raise section.fail("grafanaInboundCidrs", value, allowed)
    return cidrs


def _heartbeat_url(root: ConfigReader) -> str | None:
    """Optional; best set with `pulumi config set --secret`, since the URL is a credential."""
    if not root.has("alertHeartbeatUrl"):
        return None
    allowed = "an https:// URL of a dead man's switch (heartbeat) service"
    url = root.string("alertHeartbeatUrl", allowed)
    if not _HTTPS_URL.match(url):
        raise root.fail("alertHeartbeatUrl", "[secret]", allowed)
    return url
