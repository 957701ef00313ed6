"""IAM: no wildcard grants, trusts and resource grants that name their source, only published
managed policies and none of the broad ones, and the CNI policy only where Pod Identity holds it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policy.catalogues import is_mutating, managed_policy_arns, supports_resource_level
from policy.data_files import data_file
from policy.rules.common import (
    actions,
    allows,
    as_list,
    condition_keys,
    linked,
    of_type,
    resources,
    service_principals,
    statements,
)

IDENTITY_POLICIES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/userPolicy:UserPolicy")
ROLE = "aws:iam/role:Role"
ATTACHMENTS = ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment")
# Resource policies: who else may act on a resource of ours.
RESOURCE_POLICIES = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "arn",
    "aws:kms/key:Key": "policy",
}
# Conditions that pin a service's request to our own resource or account (confused deputy).
SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths")
CNI_POLICY = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
MANAGED_PREFIX = ":iam::aws:policy/"


def identity_documents(args: ResourceValidationArgs) -> Iterator[Any]:
    if args.resource_type in IDENTITY_POLICIES:
        yield args.props.get("policy")
    elif args.resource_type == ROLE:
        for inline in as_list(args.props.get("inlinePolicies")):
            yield inline.get("policy")


def _no_wildcard_actions(args: ResourceValidationArgs, report: ReportViolation) -> None:
    documents = list(identity_documents(args))
    if args.resource_type in RESOURCE_POLICIES:
        documents.append(args.props.get("policy"))
    for document in documents:
        for statement in filter(allows, statements(document)):
            wildcards = [action for action in actions(statement) if action == "*" or action.endswith(":*")]
            if wildcards:
                report(
                    f"statement {statement.get('Sid') or '(no Sid)'} allows {', '.join(wildcards)}; name the actions",
                    None,
                )


def published(args: ResourceValidationArgs) -> bool:
    return any(args.name.endswith(f"-{entry['name']}") for entry in data_file("iam")["published_policies"])


def _no_wildcard_resource_on_mutations(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if published(args):
        return
    for document in identity_documents(args):
        for statement in filter(allows, statements(document)):
            if "*" not in resources(statement):
                continue
            # An action with no resource-level permissions can only ever be granted on "*"; a condition on
            # the service's own keys or on resource tags narrows what "*" reaches.
            scoped = [
                action
                for action in actions(statement)
                if is_mutating(action) and supports_resource_level(action) and not narrowed(statement, action)
            ]
            if scoped:
                report(
                    f"statement {statement.get('Sid') or '(no Sid)'} allows {', '.join(scoped)} on every resource "
                    '("*"); name the resources, or list a published policy in policy/data/iam.yaml',
                    None,
                )


def narrowed(statement: Mapping[str, Any], action: str) -> bool:
    service = action.split(":", 1)[0].lower()
    return any(
        key.startswith((f"{service}:", "aws:resourcetag/", "aws:requesttag/")) for key in condition_keys(statement)
    )


def _exempt(principal: str, key: str) -> bool:
    return any(entry["principal"] == principal for entry in data_file("iam")[key])


def _missing_source(statement: Mapping[str, Any], exemptions: str) -> list[str]:
    keys = condition_keys(statement)
    if any(key in SOURCE_KEYS or key.startswith("kms:encryptioncontext:") for key in keys):
        return []
    return [service for service in service_principals(statement) if not _exempt(service, exemptions)]


def _trusts_have_conditions(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ROLE:
        return
    for statement in filter(allows, statements(args.props.get("assumeRolePolicy"))):
        for service in _missing_source(statement, "trust_without_source_condition"):
            report(f"the trust of {service} has no aws:SourceAccount or aws:SourceArn condition", None)
        principal = statement.get("Principal")
        others = [kind for kind in ("AWS", "Federated") if isinstance(principal, Mapping) and kind in principal]
        if (principal == "*" or others) and not condition_keys(statement):
            report(f"the trust of {principal} has no condition: any principal it names may assume the role", None)


def _resource_grants_name_their_source(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in RESOURCE_POLICIES:
        return
    for statement in filter(allows, statements(args.props.get("policy"))):
        for service in _missing_source(statement, "resource_grant_without_source_condition"):
            report(
                f"grants {service} {', '.join(actions(statement))} with no aws:SourceAccount or "
                "aws:SourceArn condition",
                None,
            )
        if statement.get("Principal") in ("*", {"AWS": "*"}) and not condition_keys(statement):
            report(f"grants everyone {', '.join(actions(statement))} with no condition", None)


def attached_arns(args: ResourceValidationArgs) -> list[str]:
    if args.resource_type in ATTACHMENTS:
        return [str(args.props.get("policyArn"))]
    if args.resource_type == ROLE:
        return [str(arn) for arn in as_list(args.props.get("managedPolicyArns"))]
    return []


def _managed_policies_published(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for arn in attached_arns(args):
        if MANAGED_PREFIX in arn and arn not in managed_policy_arns():
            report(f"{arn} is not a published AWS-managed policy (cfn-lint's catalogue); check its name and path", None)


def _no_broad_managed_policies(args: ResourceValidationArgs, report: ReportViolation) -> None:
    broad = {entry["name"]: entry["why"] for entry in data_file("iam")["broad_managed_policies"]}
    for arn in attached_arns(args):
        name = arn.rsplit("/", 1)[-1]
        if MANAGED_PREFIX in arn and name in broad:
            report(f"{name} is attached: {broad[name]}", None)


def _trusted_services(role: PolicyResource) -> set[str]:
    return {
        service
        for statement in statements(role.props.get("assumeRolePolicy"))
        for service in service_principals(statement)
    }


def _cni_only_through_pod_identity(args: StackValidationArgs, report: ReportViolation) -> None:
    roles = list(of_type(args, ROLE))
    for attachment in of_type(args, *ATTACHMENTS):
        if attachment.props.get("policyArn") != CNI_POLICY:
            continue
        role = linked(attachment, "role", roles)
        if role is None or _trusted_services(role) != {"pods.eks.amazonaws.com"}:
            report(
                "AmazonEKS_CNI_Policy is attached to a role not assumed only through Pod Identity; bind it to "
                "aws-node's Pod Identity role so node instances cannot manage ENIs",
                attachment.urn,
            )


POLICIES = [
    ResourceValidationPolicy(
        name="iam-no-wildcard-actions",
        description="No IAM or resource policy allows `*` or `service:*` actions.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_wildcard_actions,
    ),
    ResourceValidationPolicy(
        name="iam-no-wildcard-resource-on-mutating-actions",
        description="Mutating actions that support resource-level permissions are granted on named resources, "
        "except in the published policies listed by name in policy/data/iam.yaml.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_wildcard_resource_on_mutations,
    ),
    ResourceValidationPolicy(
        name="iam-trust-policies-have-conditions",
        description="Role trust policies name their source: service trusts carry aws:SourceAccount/SourceArn, "
        "account and federated trusts a condition.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_trusts_have_conditions,
    ),
    ResourceValidationPolicy(
        name="resource-policies-name-their-source",
        description="Bucket, queue, topic and key policies grant AWS services only for our account or resource.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_resource_grants_name_their_source,
    ),
    ResourceValidationPolicy(
        name="iam-managed-policies-published",
        description="Every AWS-managed policy ARN attached is one AWS publishes.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_managed_policies_published,
    ),
    ResourceValidationPolicy(
        name="iam-no-broad-managed-policies",
        description="No role carries an administrative or account-wide AWS-managed policy.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_broad_managed_policies,
    ),
    StackValidationPolicy(
        name="cni-policy-only-through-pod-identity",
        description="AmazonEKS_CNI_Policy is held by aws-node's Pod Identity role, never by a node role.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_cni_only_through_pod_identity,
    ),
]
