"""The encryption rules: each passes a small program declaring a well-configured resource, refuses
one that gets it wrong, and passes every real stack having examined what it guards."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.results import ADVISORY, MANDATORY
from policy.rules import encryption
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import PROTECTED, UNPROTECTED, findings, findings_of_program

KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"
BREAK_GLASS = "arn:aws:iam::111122223333:role/platform-break-glass"
ADMINISTRATORS = {
    "Sid": "KeyAdministrators",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:role/platform-admin"},
    "Action": ["kms:Disable*", "kms:ScheduleKeyDeletion", "kms:Describe*"],
    "Resource": "*",
}
GUARD = {
    "Sid": "OnlyBreakGlassDisablesOrDeletes",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
    "Resource": "*",
    "Condition": {"ArnNotEquals": {"aws:PrincipalArn": BREAK_GLASS}},
}
# Rule -> the types it examines, so a pass on a real stack is not a pass over nothing.
EXAMINES = {
    "kms-key-rotation": (encryption.KMS_KEY,),
    "kms-keys-guarded-in-protected-stacks": (encryption.KMS_KEY,),
    "kms-key-deletion-window-in-protected-stacks": (encryption.KMS_KEY,),
    "log-groups-retention-and-key": (encryption.LOG_GROUP,),
    "queues-and-topics-encrypted": (encryption.QUEUE, encryption.TOPIC),
    "ecr-repositories-hardened": (encryption.ECR_REPOSITORY,),
    "managed-prometheus-encrypted-with-our-key": (encryption.AMP_WORKSPACE,),
}
PROTECTED_ONLY = ("kms-keys-guarded-in-protected-stacks", "kms-key-deletion-window-in-protected-stacks")


def key_policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [ADMINISTRATORS, *statements]})


def key(**overrides: Any) -> None:
    inputs: dict[str, Any] = {"enable_key_rotation": True, "deletion_window_in_days": 30, "policy": key_policy(GUARD)}
    inputs.update(overrides)
    aws.kms.Key("case", **inputs)


def guarded_by(guard: dict[str, Any]) -> Any:
    return lambda: key(policy=key_policy(guard))


def log_group(**overrides: Any) -> None:
    inputs: dict[str, Any] = {"retention_in_days": 90, "kms_key_id": KEY_ARN}
    inputs.update(overrides)
    aws.cloudwatch.LogGroup("case", **inputs)


def repository(**overrides: Any) -> None:
    inputs: dict[str, Any] = {
        "image_tag_mutability": "IMMUTABLE",
        "image_scanning_configuration": aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
        "encryption_configurations": [aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")],
    }
    inputs.update(overrides)
    aws.ecr.Repository("case", **inputs)


def everything_well_configured() -> None:
    key()
    log_group()
    aws.sqs.Queue("managed-sse", sqs_managed_sse_enabled=True)
    aws.sqs.Queue("own-key", kms_master_key_id=KEY_ARN)
    aws.sns.Topic("case", kms_master_key_id=KEY_ARN)
    repository()
    aws.ecr.Repository(
        "kms",
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
        encryption_configurations=[
            aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=KEY_ARN)
        ],
    )
    aws.amp.Workspace("case", kms_key_arn=KEY_ARN)


def real_facts(stack: str) -> dict[str, Any]:
    return facts_of(stack_settings(PROJECT_DIR, stack))


@pytest.mark.parametrize("name", sorted(EXAMINES))
def test_well_configured_resources_pass(name: str) -> None:
    assert findings_of_program(name, everything_well_configured) == []


def test_every_rule_of_the_module_is_tested() -> None:
    assert {policy.name for policy in encryption.POLICIES} == set(EXAMINES)


@pytest.mark.parametrize("rotation", [False, None], ids=["off", "unset"])
def test_a_key_that_does_not_rotate_is_refused(rotation: bool | None) -> None:
    [found] = findings_of_program("kms-key-rotation", lambda: key(enable_key_rotation=rotation))
    assert found.enforcement == MANDATORY
    assert repr(rotation) in found.message


def test_an_unguarded_key_is_refused_only_in_protected_stacks() -> None:
    def unguarded() -> None:
        key(policy=key_policy())

    [found] = findings_of_program("kms-keys-guarded-in-protected-stacks", unguarded, PROTECTED)
    assert found.enforcement == MANDATORY
    assert "Deny statements: none" in found.message
    assert findings_of_program("kms-keys-guarded-in-protected-stacks", unguarded, UNPROTECTED) == []


def test_a_guard_written_with_wildcards_or_as_arn_not_like_passes() -> None:
    broad = {
        **GUARD,
        "Action": "kms:*",
        "Principal": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": BREAK_GLASS}},
    }
    assert findings_of_program("kms-keys-guarded-in-protected-stacks", guarded_by(broad)) == []


@pytest.mark.parametrize(
    ("guard", "unguarded"),
    [
        ({**GUARD, "Action": ["kms:DisableKey"]}, "kms:ScheduleKeyDeletion"),
        ({**GUARD, "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}}, "kms:DisableKey"),
        (
            {**GUARD, "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}},
            "kms:DisableKey",
        ),
        (
            {**GUARD, "Condition": {**GUARD["Condition"], "StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
            "kms:DisableKey",
        ),
        ({**GUARD, "Condition": {"ArnNotEquals": {"aws:SourceArn": BREAK_GLASS}}}, "kms:DisableKey"),
        ({field: value for field, value in GUARD.items() if field != "Condition"}, "kms:DisableKey"),
        ({**GUARD, "Effect": "Allow"}, "kms:DisableKey"),
    ],
    ids=["one-action", "one-principal", "wildcard-exemption", "narrowed", "wrong-key", "no-exemption", "allow"],
)
def test_a_guard_that_leaves_destruction_open_is_refused(guard: dict[str, Any], unguarded: str) -> None:
    [found] = findings_of_program("kms-keys-guarded-in-protected-stacks", guarded_by(guard))
    assert unguarded in found.message


def test_a_short_deletion_window_is_advised_against_only_in_protected_stacks() -> None:
    def week() -> None:
        key(deletion_window_in_days=7)

    [found] = findings_of_program("kms-key-deletion-window-in-protected-stacks", week, PROTECTED)
    assert found.enforcement == ADVISORY
    assert "deletionWindowInDays is 7" in found.message
    assert findings_of_program("kms-key-deletion-window-in-protected-stacks", week, UNPROTECTED) == []
    unset = findings_of_program(
        "kms-key-deletion-window-in-protected-stacks", lambda: key(deletion_window_in_days=None)
    )
    assert unset == []  # KMS's default is the 30 days


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"retention_in_days": None}, "retentionInDays is None"),
        ({"retention_in_days": 0}, "retentionInDays is 0"),
        ({"kms_key_id": None}, "kmsKeyId is None"),
    ],
    ids=["no-retention", "never-expires", "no-key"],
)
def test_a_log_group_kept_forever_or_without_a_key_is_refused(overrides: dict[str, Any], named: str) -> None:
    [found] = findings_of_program("log-groups-retention-and-key", lambda: log_group(**overrides))
    assert named in found.message


def test_an_unencrypted_queue_or_topic_is_refused() -> None:
    def unencrypted() -> None:
        aws.sqs.Queue("case", sqs_managed_sse_enabled=False)
        aws.sns.Topic("case")

    found = findings_of_program("queues-and-topics-encrypted", unencrypted)
    assert sorted(result.resource for result in found) == ["aws:sns/topic:Topic::case", "aws:sqs/queue:Queue::case"]
    assert any("sqsManagedSseEnabled is False" in result.message for result in found)


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"image_tag_mutability": "MUTABLE"}, "imageTagMutability is 'MUTABLE'"),
        ({"image_scanning_configuration": None}, "scanOnPush is None"),
        (
            {"image_scanning_configuration": aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=False)},
            "scanOnPush is False",
        ),
        ({"encryption_configurations": None}, "encryption types []"),
    ],
    ids=["mutable", "no-scanning", "no-scan-on-push", "no-encryption"],
)
def test_a_repository_short_of_hardening_is_refused(overrides: dict[str, Any], named: str) -> None:
    [found] = findings_of_program("ecr-repositories-hardened", lambda: repository(**overrides))
    assert named in found.message


def test_a_workspace_under_an_aws_owned_key_is_refused() -> None:
    [found] = findings_of_program("managed-prometheus-encrypted-with-our-key", lambda: aws.amp.Workspace("case"))
    assert "kmsKeyArn is None" in found.message


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("name", sorted(EXAMINES))
def test_every_real_stack_passes(stack: str, name: str) -> None:
    assert findings(graph(stack).plan, name, real_facts(stack)) == []


@pytest.mark.parametrize("name", sorted(EXAMINES))
def test_each_rule_examined_something_in_the_real_stacks(name: str) -> None:
    judged = [stack for stack in STACKS if name not in PROTECTED_ONLY or real_facts(stack)["protectedStack"]]
    examined = [r for stack in judged for r in graph(stack).resources if r["type"] in EXAMINES[name]]
    assert judged
    assert examined
    for typ in EXAMINES[name]:
        assert any(r["type"] == typ for r in examined), typ
