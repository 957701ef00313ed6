"""The `eks-platform:dns` and `eks-platform:workloads` sections."""

from __future__ import annotations

import re

from settings.errors import SettingsError
from settings.grammars import cron_schedule
from settings.model import BatchSettings, DnsSettings, MongoSettings, WebSettings, WorkloadSettings
from settings.reader import ConfigReader

_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CERTIFICATE_ARN = re.compile(
    r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):certificate/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$"
)


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


def parse_workloads(root: ConfigReader, role: str, region: str, account_id: str) -> WorkloadSettings:
    workloads = root.section("workloads", ("web", "mongodb", "batch"))
    return WorkloadSettings(
        web=_web(workloads, role, region, account_id),
        mongodb=_mongodb(workloads, role),
        batch=_batch(workloads),
    )


def _web(workloads: ConfigReader, role: str, region: str, account_id: str) -> WebSettings:
    web = workloads.section("web", ("hpa", "standbyHpa", "targetCpuPercent", "certificateArn"))
    bounds = _hpa(web, "hpa")
    # A standby region keeps a small floor until promotion flips the role; both are checked
    # now, so a promotion never discovers a bad value.
    if web.has("standbyHpa"):
        standby = _hpa(web, "standbyHpa")
        if role == "standby":
            bounds = standby
    certificate = acm_certificate_arn(web, "certificateArn", region, account_id) if web.has("certificateArn") else None
    return WebSettings(
        min_replicas=bounds[0],
        max_replicas=bounds[1],
        target_cpu_percent=web.integer("targetCpuPercent", 10, 95),
        certificate_arn=certificate,
    )


def acm_certificate_arn(reader: ConfigReader, key: str, region: str, account_id: str) -> str:
    """ACM certificates are regional: a load balancer can only use one of its own region and account."""
    allowed = (
        f"an ACM certificate ARN of this stack's region and account: arn:aws:acm:{region}:{account_id}:certificate/<id>"
    )
    certificate = reader.string(key, allowed)
    match = _CERTIFICATE_ARN.match(certificate)
    if not match or match.group("region") != region or match.group("account") != account_id:
        raise reader.fail(key, certificate, allowed)
    return certificate


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
    replicas = _members(mongo, "replicas", allowed)
    # Checked while active too, so a promotion never discovers a bad value.
    standby = _members(mongo, "standbyReplicas", allowed) if mongo.has("standbyReplicas") else replicas
    count = standby if role == "standby" else replicas
    return MongoSettings(replicas=count, volume_size_gib=mongo.integer("volumeSizeGiB", 1, 16384))


def _members(mongo: ConfigReader, key: str, allowed: str) -> int:
    try:
        replicas = mongo.integer(key, 1, 7)
    except SettingsError:
        raise mongo.fail(key, mongo.data.get(key), allowed) from None
    if replicas % 2 == 0:
        raise mongo.fail(key, replicas, allowed)
    return replicas


def _batch(workloads: ConfigReader) -> BatchSettings:
    batch = workloads.section("batch", ("schedule",))
    return BatchSettings(schedule=cron_schedule(batch, "schedule", "'*/30 * * * *'"))
