"""Data at rest: KMS keys that rotate and, where state is protected, only break-glass may destroy;
log groups, queues, topics, registries and the metrics workspace encrypted and bounded."""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from policy.rules.common import actions, as_list, statements, truthy
from policy.rules.config import PROTECTED_STACK, protected_stack

KMS_KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
AMP_WORKSPACE = "aws:amp/workspace:Workspace"

# Disabling or scheduling the deletion of a key makes everything encrypted with it unreadable.
DESTRUCTIVE_KEY_ACTIONS = ("kms:DisableKey", "kms:ScheduleKeyDeletion")
EXEMPTING_OPERATORS = ("ArnNotEquals", "ArnNotLike")
# The longest window KMS allows (and its default): a mistaken deletion has a month to be cancelled.
PROTECTED_DELETION_WINDOW_DAYS = 30
# ECR's encryption types; KMS_DSSE is KMS with a second layer.
ECR_ENCRYPTION_TYPES = ("AES256", "KMS", "KMS_DSSE")


def _key_rotation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != KMS_KEY:
        return
    rotation = args.props.get("enableKeyRotation")
    if not truthy(rotation):
        report(f"enableKeyRotation is {rotation!r}: KMS keys must set enableKeyRotation: true", None)


def _keys_guarded(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != KMS_KEY or not protected_stack(args):
        return
    policy = args.props.get("policy")
    unguarded = [action for action in DESTRUCTIVE_KEY_ACTIONS if not _denied_but_to_one(action, policy)]
    if unguarded:
        denies = [statement.get("Sid", "(no Sid)") for statement in statements(policy) if _denies(statement)]
        report(
            f"no Deny statement of the key policy (Deny statements: {denies or 'none'}) refuses "
            f"{', '.join(unguarded)} to every principal but one: protected stacks need a Deny of "
            f"{' and '.join(DESTRUCTIVE_KEY_ACTIONS)} to Principal * whose only Condition is "
            f"{' or '.join(EXEMPTING_OPERATORS)} on aws:PrincipalArn naming one ARN (the break-glass role)",
            None,
        )


def _denied_but_to_one(action: str, policy: Any) -> bool:
    """Some Deny statement refuses `action` to every principal but one named ARN."""
    return any(
        _denies(statement)
        and _covers(statement, action)
        and _every_principal(statement.get("Principal"))
        and _exempts_one_named_principal(statement.get("Condition"))
        for statement in statements(policy)
    )


def _denies(statement: Mapping[str, Any]) -> bool:
    return statement.get("Effect") == "Deny"


def _covers(statement: Mapping[str, Any], action: str) -> bool:
    # IAM matches actions case-insensitively, with * and ? wildcards.
    return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in actions(statement))


def _every_principal(principal: Any) -> bool:
    if isinstance(principal, Mapping):
        return "*" in as_list(principal.get("AWS"))
    return principal == "*"


def _exempts_one_named_principal(condition: Any) -> bool:
    """The Condition is only `ArnNotEquals|ArnNotLike {aws:PrincipalArn: <ARN without wildcards>}`:
    any other key would narrow when the Deny applies."""
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return False
    [(operator, keys)] = condition.items()
    if operator not in EXEMPTING_OPERATORS or not isinstance(keys, Mapping) or len(keys) != 1:
        return False
    [(key, arns)] = keys.items()
    named = as_list(arns)
    return key.lower() == "aws:principalarn" and len(named) == 1 and _names_a_principal(named[0])


def _names_a_principal(arn: Any) -> bool:
    return isinstance(arn, str) and arn.startswith("arn:") and not any(wildcard in arn for wildcard in "*?")


def _deletion_window(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != KMS_KEY or not protected_stack(args):
        return
    window = args.props.get("deletionWindowInDays")
    # Unset is KMS's default, the 30 days asked for.
    if window is not None and window != PROTECTED_DELETION_WINDOW_DAYS:
        report(
            f"deletionWindowInDays is {window}: protected stacks keep the {PROTECTED_DELETION_WINDOW_DAYS}-day "
            "window (or leave it unset)",
            None,
        )


def _log_groups(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LOG_GROUP:
        return
    retention = args.props.get("retentionInDays")
    if not isinstance(retention, (int, float)) or retention <= 0:
        report(
            f"retentionInDays is {retention!r}: log groups set a retention of at least 1 day (0 keeps forever)", None
        )
    if not args.props.get("kmsKeyId"):
        report(
            f"kmsKeyId is {args.props.get('kmsKeyId')!r}: log groups are encrypted with the platform's KMS key", None
        )


def _queues_and_topics(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == QUEUE:
        key, managed = args.props.get("kmsMasterKeyId"), args.props.get("sqsManagedSseEnabled")
        if not key and not truthy(managed):
            report(
                f"kmsMasterKeyId is {key!r} and sqsManagedSseEnabled is {managed!r}: queues set a KMS key "
                "or sqsManagedSseEnabled: true",
                None,
            )
    elif args.resource_type == TOPIC and not args.props.get("kmsMasterKeyId"):
        report(f"kmsMasterKeyId is {args.props.get('kmsMasterKeyId')!r}: topics are encrypted with a KMS key", None)


def _ecr_repositories(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ECR_REPOSITORY:
        return
    mutability = args.props.get("imageTagMutability")
    if mutability != "IMMUTABLE":
        report(f"imageTagMutability is {mutability!r}: only IMMUTABLE, so a tag always names the image scanned", None)
    scan_on_push = (args.props.get("imageScanningConfiguration") or {}).get("scanOnPush")
    if not truthy(scan_on_push):
        report(f"imageScanningConfiguration.scanOnPush is {scan_on_push!r}: repositories scan on push (true)", None)
    types = [config.get("encryptionType") for config in as_list(args.props.get("encryptionConfigurations"))]
    if not types or any(kind not in ECR_ENCRYPTION_TYPES for kind in types):
        report(
            f"encryptionConfigurations give encryption types {types}: one of {', '.join(ECR_ENCRYPTION_TYPES)} "
            "must be set",
            None,
        )


def _amp_workspace(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == AMP_WORKSPACE and not args.props.get("kmsKeyArn"):
        report(
            f"kmsKeyArn is {args.props.get('kmsKeyArn')!r}: the workspace is encrypted with the platform's data key, "
            "not an AWS-owned one",
            None,
        )


POLICIES = [
    ResourceValidationPolicy(
        name="kms-key-rotation",
        description="KMS keys rotate their key material yearly.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_key_rotation,
    ),
    ResourceValidationPolicy(
        name="kms-keys-guarded-in-protected-stacks",
        description="In protected stacks a key policy denies disabling or deleting the key to all but break-glass.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_keys_guarded,
        config_schema=PROTECTED_STACK,
    ),
    ResourceValidationPolicy(
        name="kms-key-deletion-window-in-protected-stacks",
        description="In protected stacks a key's deletion waits the full 30 days.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_deletion_window,
        config_schema=PROTECTED_STACK,
    ),
    ResourceValidationPolicy(
        name="log-groups-retention-and-key",
        description="CloudWatch log groups expire their events and are encrypted with a KMS key.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_log_groups,
    ),
    ResourceValidationPolicy(
        name="queues-and-topics-encrypted",
        description="SQS queues and SNS topics are encrypted at rest.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_queues_and_topics,
    ),
    ResourceValidationPolicy(
        name="ecr-repositories-hardened",
        description="ECR repositories have immutable tags, scan on push and encrypt at rest.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_ecr_repositories,
    ),
    ResourceValidationPolicy(
        name="managed-prometheus-encrypted-with-our-key",
        description="The Amazon Managed Prometheus workspace is encrypted with the platform's KMS key.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_amp_workspace,
    ),
]
