"""Raw stack config -> validated Settings. Pure: no Pulumi runtime, no files."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any

import versions
from settings.account import check_spot_role_ownership, parse_account
from settings.aws_catalog import (
    INTERFACE_ENDPOINT_SERVICES,
    LOG_RETENTION_DAYS,
    eks_regions,
    eks_unsupported_zone_ids,
    eks_zone_ids,
    instance_architecture,
    instance_type,
)
from settings.errors import SettingsError
from settings.karpenter import parse_karpenter
from settings.keys import check_keys
from settings.model import (
    ClusterSettings,
    DrSettings,
    EndpointAccess,
    NetworkSettings,
    NodeScaling,
    Settings,
    SystemNodeSettings,
)
from settings.observability import parse_observability
from settings.project import NAMESPACE, REGION_KEY, ProjectStacks
from settings.reader import ConfigReader
from settings.workloads import parse_dns, parse_workloads

TOP_LEVEL_KEYS = (
    "environment", "account", "network", "cluster", "systemNodes", "dr", "karpenter", "dns", "workloads",
    "observability", "alertHeartbeatUrl", "protectStatefulResources", "tags",
)  # fmt: skip
MANAGED_TAG_KEYS = ("environment", "stack", "project", "managed-by")
VPC_PREFIX_RANGE = (16, 20)
AZ_COUNT_RANGE = (2, 6)

_ENVIRONMENT_NAME = re.compile(r"^[a-z][a-z0-9-]{1,15}$")
_IAM_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$")
_PROFILE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")
_AMI_TYPES = {
    ("AL2023", "x86_64"): "AL2023_x86_64_STANDARD",
    ("AL2023", "arm64"): "AL2023_ARM_64_STANDARD",
    ("Bottlerocket", "x86_64"): "BOTTLEROCKET_x86_64",
    ("Bottlerocket", "arm64"): "BOTTLEROCKET_ARM_64",
}


def parse_settings(
    project: str,
    stack: str,
    config: Mapping[str, Any],
    stacks: ProjectStacks,
    secret_keys: Iterable[str] = (),
) -> Settings:
    """Validate the stack's whole config; `secret_keys` are the keys set with --secret."""
    check_keys(stack, config, secret_keys)
    region = _region(stack, config)
    profile = _aws_profile(stack, config)
    ours = {key.split(":", 1)[1]: value for key, value in config.items() if key.startswith(f"{NAMESPACE}:")}
    root = ConfigReader(stack, f"{NAMESPACE}:", ours)
    root.reject_unknown(TOP_LEVEL_KEYS)

    environment = root.string("environment", "a lowercase name such as dev, staging or prod")
    if not _ENVIRONMENT_NAME.match(environment):
        raise root.fail("environment", environment, "a lowercase name of 2-16 letters, digits or dashes")

    account = parse_account(root)
    network = _network(root, region)
    cluster_name = f"{project}-{stack}"
    cluster = _cluster(root, cluster_name, account.id)
    dr = _dr(root, region, network.vpc_cidr, stacks)
    system_nodes = _system_nodes(root, cluster.kubernetes_version, dr.role)
    settings = Settings(
        project=project,
        stack=stack,
        environment=environment,
        region=region,
        aws_profile=profile,
        account=account,
        network=network,
        cluster=cluster,
        system_nodes=system_nodes,
        dr=dr,
        karpenter=parse_karpenter(root, dr.role),
        dns=parse_dns(root),
        workloads=parse_workloads(root, dr.role),
        observability=parse_observability(root),
        protect_stateful_resources=root.boolean("protectStatefulResources"),
        tags=_tags(root, project, stack, environment),
    )
    check_spot_role_ownership(root, account, settings.uses_spot, stacks)
    return settings


def _aws_profile(stack: str, config: Mapping[str, Any]) -> str | None:
    """The shared-config profile the provider starts from (before assuming the deployer role)."""
    if config.get("aws:profile") is None:
        return None
    reader = ConfigReader(stack, "aws:", {"profile": config["aws:profile"]})
    allowed = "a profile name from ~/.aws/config (letters, digits, . _ -)"
    profile = reader.string("profile", allowed)
    if not _PROFILE.match(profile):
        raise reader.fail("profile", profile, allowed)
    return profile


def _region(stack: str, config: Mapping[str, Any]) -> str:
    reader = ConfigReader(stack, "aws:", {"region": config.get(REGION_KEY)})
    regions = eks_regions()
    region = reader.raw("region", "an AWS region where EKS is offered")
    if region not in regions:
        raise reader.fail("region", region, f"an AWS region where EKS is offered: {', '.join(regions)}")
    return str(region)


def _network(root: ConfigReader, region: str) -> NetworkSettings:
    net = root.section(
        "network",
        ("vpcCidr", "azCount", "natGateways", "interfaceEndpoints", "flowLogRetentionDays"),
    )
    endpoints = net.strings("interfaceEndpoints", f"a list drawn from {list(INTERFACE_ENDPOINT_SERVICES)}")
    for service in endpoints:
        if service not in INTERFACE_ENDPOINT_SERVICES or endpoints.count(service) > 1:
            raise net.fail("interfaceEndpoints", service, f"each of {list(INTERFACE_ENDPOINT_SERVICES)} at most once")
    return NetworkSettings(
        vpc_cidr=_vpc_cidr(net),
        az_count=_az_count(net, region),
        nat_gateways=net.choice("natGateways", ("single", "perAz")),  # type: ignore[arg-type]
        interface_endpoints=endpoints,
        flow_log_retention_days=_retention(net, "flowLogRetentionDays"),
    )


def _vpc_cidr(net: ConfigReader) -> str:
    low, high = VPC_PREFIX_RANGE
    allowed = f"a private IPv4 network (RFC 1918) with a prefix from /{low} to /{high}, e.g. 10.20.0.0/16"
    value = net.string("vpcCidr", allowed)
    try:
        cidr = ipaddress.IPv4Network(value)
    except ValueError:
        raise net.fail("vpcCidr", value, allowed) from None
    if not (low <= cidr.prefixlen <= high and cidr.is_private):
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
            f"control-plane subnets {list(zones)} (it refuses {list(eks_unsupported_zone_ids())})",
        ) from None


def _retention(reader: ConfigReader, name: str) -> int:
    allowed = f"a CloudWatch Logs retention in days, one of {list(LOG_RETENTION_DAYS)}"
    days = reader.integer(name, 1, max(LOG_RETENTION_DAYS))
    if days not in LOG_RETENTION_DAYS:
        raise reader.fail(name, days, allowed)
    return days


def _cluster(root: ConfigReader, name: str, account_id: str) -> ClusterSettings:
    cluster = root.section(
        "cluster",
        ("kubernetesVersion", "endpointPrivateAccess", "endpointPublicAccess",
         "publicAccessCidrs", "adminPrincipals", "deployerPrincipal", "logRetentionDays"),
    )  # fmt: skip
    version = _kubernetes_version(cluster)
    admins = _admin_principals(cluster)
    return ClusterSettings(
        name=name,
        kubernetes_version=version,
        endpoint=_endpoint_access(cluster),
        admin_principals=admins,
        deployer_principal=_deployer_principal(cluster, account_id, admins),
        log_retention_days=_retention(cluster, "logRetentionDays"),
    )


def _kubernetes_version(cluster: ConfigReader) -> str:
    supported = list(versions.SUPPORTED_KUBERNETES_VERSIONS)
    value = cluster.raw("kubernetesVersion", f"one of {supported}")
    if not isinstance(value, str):
        # Unquoted, 1.30 is the number 1.3 to YAML: the version must be a string.
        raise cluster.fail(
            "kubernetesVersion", value, f'one of {supported}, quoted: kubernetesVersion: "{supported[-1]}"'
        )
    return cluster.choice("kubernetesVersion", supported)


def _deployer_principal(cluster: ConfigReader, account_id: str, admins: tuple[str, ...]) -> str:
    """The role `pulumi up` assumes: it creates the cluster, so EKS makes it admin by itself.

    Declaring an access entry for it too fails with 409 ResourceInUseException.
    """
    allowed = (
        f"an IAM role ARN in account {account_id} (arn:aws:iam::{account_id}:role/<name>) that `pulumi up` assumes"
    )
    arn = cluster.string("deployerPrincipal", allowed)
    match = _IAM_ROLE_ARN.match(arn)
    if not match or match.group(1) != account_id:
        raise cluster.fail("deployerPrincipal", arn, allowed)
    if arn in admins:
        raise cluster.fail(
            "adminPrincipals",
            arn,
            "principals other than deployerPrincipal: EKS already gives the cluster's creator an admin access "
            "entry, and declaring it again fails with ResourceInUseException",
        )
    return arn


def _endpoint_access(cluster: ConfigReader) -> EndpointAccess:
    private = cluster.boolean("endpointPrivateAccess")
    public = cluster.boolean("endpointPublicAccess")
    if not (private or public):
        raise cluster.fail("endpointPublicAccess", public, "true when endpointPrivateAccess is false")
    cidrs: tuple[str, ...] = ()
    if public:
        allowed = "a non-empty list of IPv4 CIDRs allowed to reach the public API endpoint"
        cidrs = cluster.strings("publicAccessCidrs", allowed)
        if not cidrs:
            raise cluster.fail("publicAccessCidrs", [], allowed)
        for cidr in cidrs:
            try:
                ipaddress.IPv4Network(cidr)
            except ValueError:
                raise cluster.fail("publicAccessCidrs", cidr, allowed) from None
    elif cluster.has("publicAccessCidrs"):
        raise cluster.fail(
            "publicAccessCidrs", cluster.data["publicAccessCidrs"], "unset while endpointPublicAccess is false"
        )
    return EndpointAccess(private=private, public=public, public_cidrs=cidrs)


def _admin_principals(cluster: ConfigReader) -> tuple[str, ...]:
    allowed = "a non-empty list of IAM role or user ARNs (arn:aws:iam::<account>:role/<name>)"
    principals = cluster.strings("adminPrincipals", allowed)
    if not principals:
        raise cluster.fail("adminPrincipals", [], allowed)
    for arn in principals:
        if not _IAM_PRINCIPAL_ARN.match(arn):
            raise cluster.fail("adminPrincipals", arn, allowed)
    return principals


def _system_nodes(root: ConfigReader, kubernetes_version: str, role: str) -> SystemNodeSettings:
    nodes = root.section(
        "systemNodes",
        ("amiFamily", "instanceTypes", "capacityType", "scaling", "standbyScaling", "diskSizeGiB"),
    )
    family = nodes.choice("amiFamily", versions.NODE_AMI_RELEASE_VERSIONS)
    instance_types = _instance_types(nodes)
    architecture = instance_architecture(instance_types[0])
    scaling = _scaling(nodes, "scaling")
    # A standby region keeps its own (smaller) floor until a DR promotion flips the role.
    if nodes.has("standbyScaling"):
        standby = _scaling(nodes, "standbyScaling")
        if role == "standby":
            scaling = standby
    return SystemNodeSettings(
        ami_family=family,  # type: ignore[arg-type]
        ami_type=_AMI_TYPES[(family, architecture)],
        ami_release_version=versions.NODE_AMI_RELEASE_VERSIONS[family][kubernetes_version],
        instance_types=instance_types,
        capacity_type=nodes.choice("capacityType", ("ON_DEMAND", "SPOT")),  # type: ignore[arg-type]
        scaling=scaling,
        disk_size_gib=nodes.integer("diskSizeGiB", 20, 1000),
    )


def _instance_types(nodes: ConfigReader) -> tuple[str, ...]:
    allowed = (
        "a non-empty list of EC2 instance types in settings/data/instance_types.json (DescribeInstanceTypes), "
        "all of one CPU architecture"
    )
    instance_types = nodes.strings("instanceTypes", allowed)
    if not instance_types:
        raise nodes.fail("instanceTypes", [], allowed)
    for name in instance_types:
        if instance_type(name) is None:
            raise nodes.fail("instanceTypes", name, allowed)
    if len({instance_architecture(t) for t in instance_types}) > 1:
        raise nodes.fail("instanceTypes", list(instance_types), allowed)
    return instance_types


def _scaling(nodes: ConfigReader, name: str) -> NodeScaling:
    scaling = nodes.section(name, ("minSize", "desiredSize", "maxSize"))
    min_size = scaling.integer("minSize", 0, 100)
    desired = scaling.integer("desiredSize", 0, 100)
    max_size = scaling.integer("maxSize", 1, 100)
    if not min_size <= desired <= max_size:
        raise nodes.fail(
            name,
            {"minSize": min_size, "desiredSize": desired, "maxSize": max_size},
            "minSize <= desiredSize <= maxSize",
        )
    return NodeScaling(min_size=min_size, desired_size=desired, max_size=max_size)


def _dr(root: ConfigReader, region: str, vpc_cidr: str, stacks: ProjectStacks) -> DrSettings:
    dr = root.section("dr", ("role", "peerStack"))
    role = dr.choice("role", ("active", "standby"))
    if not dr.has("peerStack"):
        if role == "standby":
            raise dr.fail("peerStack", "<missing>", "the name of the active stack this standby replaces")
        return DrSettings(role=role, peer_stack=None, peer_vpc_cidr=None)  # type: ignore[arg-type]
    peer_name = dr.string("peerStack", "the name of another stack of this project")
    peer = stacks().get(peer_name)
    if peer is None or peer_name == root.stack:
        raise dr.fail("peerStack", peer_name, "another stack of this project with a Pulumi.<stack>.yaml file")
    if peer.region == region:
        raise dr.fail("peerStack", peer_name, f"a stack in a region other than {region}")
    if peer.vpc_cidr and ipaddress.IPv4Network(vpc_cidr).overlaps(ipaddress.IPv4Network(peer.vpc_cidr)):
        network = ConfigReader(root.stack, f"{NAMESPACE}:network.", {})
        raise network.fail(
            "vpcCidr", vpc_cidr, f"a network that does not overlap DR peer '{peer_name}' ({peer.vpc_cidr})"
        )
    return DrSettings(role=role, peer_stack=peer_name, peer_vpc_cidr=peer.vpc_cidr)  # type: ignore[arg-type]


def _tags(root: ConfigReader, project: str, stack: str, environment: str) -> dict[str, str]:
    own = root.string_map("tags")
    for key in own:
        if key in MANAGED_TAG_KEYS or key.lower().startswith("aws:"):
            raise root.fail(
                "tags", {key: own[key]}, f"tag keys other than {list(MANAGED_TAG_KEYS)} and the reserved aws: prefix"
            )
    managed = {"environment": environment, "stack": stack, "project": project, "managed-by": "pulumi"}
    return {**own, **managed}
