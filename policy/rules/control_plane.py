"""The EKS control plane: offline the graph holds pulumi-eks's `eks:index:Cluster` with its inputs; a
real preview also shows the `aws:eks/cluster:Cluster` it creates. Each rule checks whichever it sees."""

from __future__ import annotations

import ipaddress

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from policy.rules.common import as_list
from policy.rules.config import PROTECTED_STACK, protected_stack

EKS_COMPONENT = "eks:index:Cluster"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
# Every control-plane log type EKS publishes (EKS User Guide, "Control plane logs").
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")


def _secrets_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == EKS_COMPONENT and not args.props.get("encryptionConfigKeyArn"):
        report("the cluster sets no encryptionConfigKeyArn: Kubernetes secrets are not envelope-encrypted", None)
    if args.resource_type == EKS_CLUSTER:
        configs = as_list(args.props.get("encryptionConfig"))
        covered = any("secrets" in as_list(config.get("resources")) and config.get("provider") for config in configs)
        if not covered:
            report("encryptionConfig does not encrypt the `secrets` resource with a KMS key", None)


def _all_log_types(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (EKS_COMPONENT, EKS_CLUSTER):
        return
    missing = sorted(set(LOG_TYPES) - set(as_list(args.props.get("enabledClusterLogTypes"))))
    if missing:
        report(f"control-plane log types not enabled: {', '.join(missing)}", None)


def _endpoint_not_open(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not protected_stack(args):
        return
    if args.resource_type == EKS_COMPONENT:
        public, cidrs = args.props.get("endpointPublicAccess"), args.props.get("publicAccessCidrs")
    elif args.resource_type == EKS_CLUSTER:
        vpc = args.props.get("vpcConfig") or {}
        public, cidrs = vpc.get("endpointPublicAccess"), vpc.get("publicAccessCidrs")
    else:
        return
    # EKS's default for a public endpoint is 0.0.0.0/0: a public endpoint must name its CIDRs.
    if public is not False and not cidrs:
        report("the API endpoint is public with no publicAccessCidrs, so open to the internet", None)
    open_to_all = [cidr for cidr in as_list(cidrs) if ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0]
    if public is not False and open_to_all:
        report(f"the API endpoint is public to {', '.join(open_to_all)}", None)


def _api_authentication(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == EKS_COMPONENT:
        mode = args.props.get("authenticationMode")
    elif args.resource_type == EKS_CLUSTER:
        mode = (args.props.get("accessConfig") or {}).get("authenticationMode")
    else:
        return
    if mode != "API":
        report(f"authenticationMode is {mode!r}: only access entries (API) may grant cluster access", None)


POLICIES = [
    ResourceValidationPolicy(
        name="eks-secrets-encryption",
        description="EKS clusters envelope-encrypt Kubernetes secrets with a KMS key.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_secrets_encrypted,
    ),
    ResourceValidationPolicy(
        name="eks-control-plane-logs",
        description="EKS clusters send every control-plane log type to CloudWatch.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_all_log_types,
    ),
    ResourceValidationPolicy(
        name="eks-endpoint-not-internet-open",
        description="In protected stacks the EKS API endpoint is private or public only to named CIDRs.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_endpoint_not_open,
        config_schema=PROTECTED_STACK,
    ),
    ResourceValidationPolicy(
        name="eks-access-entries-only",
        description="EKS clusters authenticate through access entries only (no aws-auth ConfigMap).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_api_authentication,
    ),
]
