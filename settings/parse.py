"""Raw stack config -> validated Settings. Pure: no Pulumi runtime, no files."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any

import versions
from settings.account import check_spot_role_ownership, parse_account, role_in_account
from settings.aws_catalog import (
    eks_regions,
    instance_architecture,
    instance_type,
    offered_in,
)
from settings.backup import backup_name, parse_backup
from settings.errors import SettingsError
from settings.karpenter import parse_karpenter
from settings.keys import check_keys
from settings.kms import parse_keys
from settings.model import (
    ClusterSettings,
    DrSettings,
    EndpointAccess,
    NodeScaling,
    Settings,
    SystemNodeSettings,
)
from settings.network import parse_network, public_access_cidrs, retention
from settings.observability import parse_observability
from settings.project import NAMESPACE, REGION_KEY, ProjectStacks
from settings.reader import ConfigReader
from settings.review import parse_review
from settings.tags import parse_tags
from settings.workloads import parse_dns, parse_workloads

TOP_LEVEL_KEYS = (
    "environment", "account", "kms", "network", "cluster", "systemNodes", "dr", "karpenter", "dns", "workloads",
    "observability", "alertHeartbeatUrl", "protectStatefulResources", "tags", "review", "backup",
)  # fmt: skip

_ENVIRONMENT_NAME = re.compile(r"^[a-z][a-z0-9-]{1,15}$")
_IAM_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$")
MAX_CLUSTER_NAME = 64 - len("-karpenter-capacity-reservation") - len("-0123456")
_CLUSTER_NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_PROFILE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
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
    network = parse_network(root, region)
    cluster_name = _cluster_name(project, stack)
    protect = root.boolean("protectStatefulResources")
    cluster = _cluster(root, cluster_name, account.id, protect)
    dr = _dr(root, region, network.vpc_cidr, stacks)
    system_nodes = _system_nodes(root, cluster.kubernetes_version, dr.role, region)
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
        workloads=parse_workloads(root, dr.role, region, account.id),
        observability=parse_observability(root, protect, region, account.id),
        protect_stateful_resources=protect,
        keys=parse_keys(root, account.id, cluster.deployer_principal, protect),
        tags=parse_tags(root, project, stack, environment),
        review=parse_review(root, dr.role, dr.peer_stack),
        backup=parse_backup(root, dr.role, dr.peer_stack),
    )
    check_spot_role_ownership(root, account, settings.uses_spot, stacks)
    return settings


def _cluster_name(project: str, stack: str) -> str:
    """`<project>-<stack>`, which every AWS name of the stack starts with.

    The longest is an EventBridge rule Pulumi auto-names `<cluster>-karpenter-capacity-reservation-<7>`
    within the 64 characters EventBridge allows; S3 bucket names allow only lowercase.
    """
    name = f"{project}-{stack}"
    allowed = (
        f"a stack name of lowercase letters, digits and dashes that keeps `{project}-<stack>` "
        f"within {MAX_CLUSTER_NAME} characters"
    )
    if len(name) > MAX_CLUSTER_NAME or not _CLUSTER_NAME.match(name):
        raise SettingsError(stack, "the stack name", stack, allowed)
    return name


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


def _cluster(root: ConfigReader, name: str, account_id: str, protect: bool) -> ClusterSettings:
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
        endpoint=_endpoint_access(cluster, protect),
        admin_principals=admins,
        deployer_principal=_deployer_principal(cluster, account_id, admins),
        log_retention_days=retention(cluster, "logRetentionDays"),
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
    if not role_in_account(arn, account_id):
        raise cluster.fail("deployerPrincipal", arn, allowed)
    if arn in admins:
        raise cluster.fail(
            "adminPrincipals",
            arn,
            "principals other than deployerPrincipal: EKS already gives the cluster's creator an admin access "
            "entry, and declaring it again fails with ResourceInUseException",
        )
    return arn


def _endpoint_access(cluster: ConfigReader, protect: bool) -> EndpointAccess:
    private = cluster.boolean("endpointPrivateAccess")
    public = cluster.boolean("endpointPublicAccess")
    if not (private or public):
        raise cluster.fail("endpointPublicAccess", public, "true when endpointPrivateAccess is false")
    cidrs: tuple[str, ...] = ()
    if public:
        cidrs = public_access_cidrs(cluster, protect)
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


def _system_nodes(root: ConfigReader, kubernetes_version: str, role: str, region: str) -> SystemNodeSettings:
    nodes = root.section(
        "systemNodes",
        ("amiFamily", "instanceTypes", "capacityType", "scaling", "standbyScaling", "diskSizeGiB"),
    )
    family = nodes.choice("amiFamily", versions.NODE_AMI_RELEASE_VERSIONS)
    instance_types = _instance_types(nodes, region)
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


def _instance_types(nodes: ConfigReader, region: str) -> tuple[str, ...]:
    allowed = (
        "a non-empty list of EC2 instance types in settings/data/instance_types.json (DescribeInstanceTypes), "
        "all of one CPU architecture"
    )
    instance_types = nodes.strings("instanceTypes", allowed)
    if not instance_types:
        raise nodes.fail("instanceTypes", [], allowed)
    offered = offered_in(region)
    for name in instance_types:
        if instance_type(name) is None:
            raise nodes.fail("instanceTypes", name, allowed)
        if offered is not None and name not in offered:
            raise nodes.fail("instanceTypes", name, f"instance types {region} offers (DescribeInstanceTypeOfferings)")
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
    dr = root.section("dr", ("role", "peerStack", "restoreBackup"))
    role = dr.choice("role", ("active", "standby"))
    restore = _restore_backup(dr, role)
    if not dr.has("peerStack"):
        if role == "standby":
            raise dr.fail("peerStack", "<missing>", "the name of the active stack this standby replaces")
        return DrSettings(role=role, peer_stack=None, peer_vpc_cidr=None, peer_region=None, restore_backup=restore)  # type: ignore[arg-type]
    peer_name = dr.string("peerStack", "the name of another stack of this project")
    peer = stacks().get(peer_name)
    if peer is None or peer_name == root.stack:
        raise dr.fail("peerStack", peer_name, "another stack of this project with a Pulumi.<stack>.yaml file")
    if peer.region is None or peer.region == region:
        raise dr.fail("peerStack", peer_name, f"a stack in a region other than {region}")
    if peer.vpc_cidr and ipaddress.IPv4Network(vpc_cidr).overlaps(ipaddress.IPv4Network(peer.vpc_cidr)):
        network = ConfigReader(root.stack, f"{NAMESPACE}:network.", {})
        raise network.fail(
            "vpcCidr", vpc_cidr, f"a network that does not overlap DR peer '{peer_name}' ({peer.vpc_cidr})"
        )
    return DrSettings(
        role=role,  # type: ignore[arg-type]
        peer_stack=peer_name,
        peer_vpc_cidr=peer.vpc_cidr,
        peer_region=peer.region,
        restore_backup=restore,
    )


def _restore_backup(dr: ConfigReader, role: str) -> str | None:
    """A named backup restored by the promotion's `pulumi up`; only an active stack restores."""
    if not dr.has("restoreBackup"):
        return None
    if role != "active":
        raise dr.fail("restoreBackup", dr.data["restoreBackup"], "unset while dr.role is standby")
    return backup_name(dr, "restoreBackup")
