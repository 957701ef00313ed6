"""The `eks-platform:dns` and `eks-platform:workloads` sections."""

from __future__ import annotations

import re

from settings.karpenter import CRON
from settings.model import BatchSettings, DnsSettings, MongoSettings, WebSettings, WorkloadSettings
from settings.reader import ConfigReader

_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")


def parse_dns(root: ConfigReader) -> DnsSettings | None:
    """external-dns is deployed only for stacks that name a hosted zone."""
    if not root.has("dns"):
        return None
    dns = root.section("dns", ("hostedZoneId", "domain"))
    zone = dns.string("hostedZoneId", "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
    if not _HOSTED_ZONE_ID.match(zone):
        raise dns.fail("hostedZoneId", zone, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
    domain = dns.string("domain", "a lowercase DNS domain such as prod.example.com")
    if not _DOMAIN.match(domain):
        raise dns.fail("domain", domain, "a lowercase DNS domain such as prod.example.com")
    return DnsSettings(hosted_zone_id=zone, domain=domain)


def parse_workloads(root: ConfigReader, role: str) -> WorkloadSettings:
    workloads = root.section("workloads", ("web", "mongodb", "batch"))
    return WorkloadSettings(
        web=_web(workloads, role),
        mongodb=_mongodb(workloads, role),
        batch=_batch(workloads),
    )


def _web(workloads: ConfigReader, role: str) -> WebSettings:
    web = workloads.section("web", ("hpa", "standbyHpa", "targetCpuPercent", "certificateArn"))
    bounds = _hpa(web, "hpa")
    # A standby region keeps a small floor until promotion flips the role.
    if web.has("standbyHpa") and role == "standby":
        bounds = _hpa(web, "standbyHpa")
    certificate = None
    if web.has("certificateArn"):
        allowed = "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)"
        certificate = web.string("certificateArn", allowed)
        if not _CERTIFICATE_ARN.match(certificate):
            raise web.fail("certificateArn", certificate, allowed)
    return WebSettings(
        min_replicas=bounds[0],
        max_replicas=bounds[1],
        target_cpu_percent=web.integer("targetCpuPercent", 10, 95),
        certificate_arn=certificate,
    )


def _hpa(web: ConfigReader, key: str) -> tuple[int, int]:
    hpa = web.section(key, ("minReplicas", "maxReplicas"))
    low, high = hpa.integer("minReplicas", 1, 50), hpa.integer("maxReplicas", 1, 100)
    if low > high:
        raise web.fail(key, {"minReplicas": low, "maxReplicas": high}, "minReplicas <= maxReplicas")
    return low, high


def _mongodb(workloads: ConfigReader, role: str) -> MongoSettings:
    mongo = workloads.section("mongodb", ("replicas", "standbyReplicas", "volumeSizeGiB"))
    # A replica set needs an odd member count to elect a primary.
    allowed = "1, 3, 5 or 7 (a replica set needs an odd number of members)"
    key = "standbyReplicas" if role == "standby" and mongo.has("standbyReplicas") else "replicas"
    replicas = mongo.integer(key, 1, 7)
    if replicas % 2 == 0:
        raise mongo.fail(key, replicas, allowed)
    return MongoSettings(replicas=replicas, volume_size_gib=mongo.integer("volumeSizeGiB", 1, 16384))


def _batch(workloads: ConfigReader) -> BatchSettings:
    batch = workloads.section("batch", ("schedule",))
    schedule = batch.string("schedule", "a 5-field cron expression, e.g. '*/30 * * * *'")
    if not CRON.match(schedule):
        raise batch.fail("schedule", schedule, "a 5-field cron expression, e.g. '*/30 * * * *'")
    return BatchSettings(schedule=schedule)
