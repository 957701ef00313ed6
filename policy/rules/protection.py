"""What a mistaken `pulumi destroy` or replacement must not take: in protected stacks every resource
holding data or owning others is protected and the EKS cluster refuses deletion; and no stack
creates IAM users or their long-lived credentials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from policy.data_files import data_file
from policy.rules.common import truthy
from policy.rules.config import PROTECTED_STACK, protected_stack

EKS_COMPONENT = "eks:index:Cluster"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
# IAM users and what authenticates as one: keys, passwords, certificates and service credentials
# never expire on their own. Workloads assume roles (Pod Identity); people sign in through SSO.
IAM_USER_CREDENTIAL_TYPES = (
    "aws:iam/user:User",
    "aws:iam/accessKey:AccessKey",
    "aws:iam/userLoginProfile:UserLoginProfile",
    "aws:iam/signingCertificate:SigningCertificate",
    "aws:iam/sshKey:SshKey",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
)


@dataclass(frozen=True)
class DataHoldingType:
    resource_type: str
    reason: str
    when: Mapping[str, tuple[str, ...]]  # dotted input path -> the values that make a resource hold data

    def holds_data(self, props: Mapping[str, Any]) -> bool:
        return all(_at_path(props, path) in values for path, values in self.when.items())


@cache
def data_holding_types() -> dict[str, DataHoldingType]:
    """policy/data/data_holding_types.yaml by type token."""
    entries = data_file("data_holding_types")
    return {entry["type"]: _data_holding_type(entry) for entry in entries}


def _data_holding_type(entry: Mapping[str, Any]) -> DataHoldingType:
    if not isinstance(entry.get("type"), str) or not isinstance(entry.get("reason"), str):
        raise ValueError(f"data_holding_types.yaml: each entry needs a type and a one-line reason, got {entry}")
    when = {str(path): tuple(str(value) for value in values) for path, values in (entry.get("when") or {}).items()}
    return DataHoldingType(entry["type"], entry["reason"], when)


def _at_path(props: Mapping[str, Any], path: str) -> Any:
    value: Any = props
    for key in path.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _data_holders_protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not protected_stack(args):
        return
    kind = data_holding_types().get(args.resource_type)
    if kind and kind.holds_data(args.props) and not args.opts.protect:
        report(f"protect is {args.opts.protect}: in a protected stack it must be protect=True ({kind.reason})", None)


def _eks_deletion_protection(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in (EKS_COMPONENT, EKS_CLUSTER) or not protected_stack(args):
        return
    setting = args.props.get("deletionProtection")
    if not truthy(setting):
        report(f"deletionProtection is {setting!r}: clusters of protected stacks set deletionProtection: true", None)


def _no_iam_user_credentials(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type in IAM_USER_CREDENTIAL_TYPES:
        report(
            f"{args.resource_type} is an IAM user or its long-lived credential: none are allowed; workloads "
            "assume IAM roles (EKS Pod Identity) and people sign in through SSO",
            None,
        )


POLICIES = [
    ResourceValidationPolicy(
        name="protect-data-holding-resources",
        description="In protected stacks resources holding data or owning others (policy/data/) are protected.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_data_holders_protected,
        config_schema=PROTECTED_STACK,
    ),
    ResourceValidationPolicy(
        name="eks-deletion-protection",
        description="In protected stacks the EKS cluster has deletion protection on.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_eks_deletion_protection,
        config_schema=PROTECTED_STACK,
    ),
    ResourceValidationPolicy(
        name="no-long-lived-iam-credentials",
        description="No IAM users, access keys, login profiles or other user credentials.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_iam_user_credentials,
    ),
]
