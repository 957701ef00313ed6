"""The `eks-platform:network` section and the CIDR rules the cluster endpoint shares with it."""

from __future__ import annotations

import ipaddress

from settings.aws_catalog import (
    INTERFACE_ENDPOINT_SERVICES,
    LOG_RETENTION_DAYS,
    eks_unsupported_zone_ids,
    eks_zone_ids,
    region_zones,
)
from settings.errors import SettingsError
from settings.model import NetworkSettings
from settings.reader import ConfigReader

VPC_PREFIX_RANGE = (16, 20)
AZ_COUNT_RANGE = (2, 6)
# RFC 1918: the only ranges a VPC should use. ipaddress.is_private also admits link-local,
# loopback, benchmarking and reserved ranges, which AWS refuses or which collide with its
# own services (169.254.0.0/16 holds the metadata and Pod Identity endpoints).
RFC1918 = tuple(ipaddress.IPv4Network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
# Sources that can never reach a public endpoint: private (RFC 1918), shared CGNAT (RFC 6598),
# "this network", loopback, link-local, multicast and reserved (IANA special-purpose registry).
NEVER_PUBLIC = (
    *RFC1918,
    *(ipaddress.IPv4Network(net) for net in ("100.64.0.0/10", "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16")),
    *(ipaddress.IPv4Network(net) for net in ("224.0.0.0/4", "240.0.0.0/4")),
)


def parse_network(root: ConfigReader, region: str) -> NetworkSettings:
    net = root.section(
        "network",
        ("vpcCidr", "azCount", "natGateways", "interfaceEndpoints", "flowLogRetentionDays"),
    )
    endpoints = net.strings("interfaceEndpoints", f"a list drawn from {list(INTERFACE_ENDPOINT_SERVICES)}")
    for service in endpoints:
        if service not in INTERFACE_ENDPOINT_SERVICES:
            raise net.fail("interfaceEndpoints", service, f"each of {list(INTERFACE_ENDPOINT_SERVICES)} at most once")
    return NetworkSettings(
        vpc_cidr=_vpc_cidr(net),
        az_count=_az_count(net, region),
        nat_gateways=net.choice("natGateways", ("single", "perAz")),  # type: ignore[arg-type]
        interface_endpoints=endpoints,
        flow_log_retention_days=retention(net, "flowLogRetentionDays"),
    )


def ipv4_network(reader: ConfigReader, key: str, value: str, allowed: str) -> ipaddress.IPv4Network:
    """A CIDR written with its prefix and no host bits, as AWS APIs take it."""
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError:
        raise reader.fail(key, value, allowed) from None
    if "/" not in value:
        raise reader.fail(key, value, f"{allowed}, written with its prefix (e.g. {value}/32)")
    return network


def _vpc_cidr(net: ConfigReader) -> str:
    low, high = VPC_PREFIX_RANGE
    allowed = f"an RFC 1918 network (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) from /{low} to /{high}"
    value = net.string("vpcCidr", allowed)
    cidr = ipv4_network(net, "vpcCidr", value, allowed)
    if not (low <= cidr.prefixlen <= high and any(cidr.subnet_of(block) for block in RFC1918)):
        raise net.fail("vpcCidr", value, allowed)
    return str(cidr)


def _az_count(net: ConfigReader, region: str) -> int:
    """No more zones than the region has where EKS accepts control-plane subnets."""
    zones = eks_zone_ids(region)
    low, high = AZ_COUNT_RANGE[0], min(AZ_COUNT_RANGE[1], len(zones))
    try:
        return net.integer("azCount", low, high)
    except SettingsError:
        raise net.fail(
            "azCount",
            net.data.get("azCount"),
            f"a whole number from {low} to {high}: {region} has {len(zones)} zones where EKS accepts "
            f"control-plane subnets {list(zones)}{_refused_in(region)}",
        ) from None


def _refused_in(region: str) -> str:
    refused = sorted(set(eks_unsupported_zone_ids()) & set(region_zones(region).values()))
    return f"; EKS refuses {refused}" if refused else ""


def retention(reader: ConfigReader, name: str) -> int:
    allowed = f"a CloudWatch Logs retention in days, one of {list(LOG_RETENTION_DAYS)}"
    try:
        days = reader.integer(name, 1, max(LOG_RETENTION_DAYS))
    except SettingsError:
        raise reader.fail(name, reader.data.get(name), allowed) from None
    if days not in LOG_RETENTION_DAYS:
        raise reader.fail(name, days, allowed)
    return days


def public_access_cidrs(cluster: ConfigReader, protect: bool) -> tuple[str, ...]:
    """Who may reach the public API endpoint: public networks, never the whole internet where state is protected."""
    allowed = "a non-empty list of public IPv4 CIDRs (your office or CI egress) allowed to reach the API endpoint"
    cidrs = cluster.strings("publicAccessCidrs", allowed)
    if not cidrs:
        raise cluster.fail("publicAccessCidrs", [], allowed)
    for value in cidrs:
        network = ipv4_network(cluster, "publicAccessCidrs", value, allowed)
        if any(network.overlaps(block) for block in NEVER_PUBLIC) and network.prefixlen > 0:
            raise cluster.fail("publicAccessCidrs", value, f"{allowed}; private and reserved ranges never reach it")
        if protect and network.prefixlen < 8:
            raise cluster.fail(
                "publicAccessCidrs",
                value,
                f"{allowed}, each /8 or narrower: a stack that protects stateful resources keeps its API "
                "off the open internet",
            )
    return cidrs
