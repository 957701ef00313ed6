"""KMS keys: administrators apart from users, no destruction but by break-glass where state is
protected; and data at rest under the platform's own key, never an AWS-managed one."""

from __future__ import annotations

import json
from typing import Any

from components.key_policy import ADMIN_ACTIONS, DESTRUCTIVE_ACTIONS, USE_ACTIONS
from offline_plan.cloud_values import computed_state
from settings.stack_yaml import parse_yaml
from tests.conftest import PROJECT_DIR
from tests.stack_files import stack_config

KEY = "aws:kms/key:Key"


def key_statements(stack) -> dict[str, list[dict[str, Any]]]:
    return {key["name"]: json.loads(key["inputs"]["policy"])["Statement"] for key in stack.of_type(KEY)}


def data_key_arn(stack) -> str:
    """The ARN the evaluation gave the data key (the other keys' ARNs differ only after key/)."""
    (key,) = [k for k in stack.of_type(KEY) if k["name"].endswith("-data")]
    account = stack_config(stack.stack)["eks-platform:account"]["id"]
    return computed_state(KEY, key["name"], key["inputs"], stack.outputs["region"], stack.stack, account)["arn"]


def test_administrators_are_the_deployer_and_the_named_roles_and_administer_only(any_stack):
    config = stack_config(any_stack.stack)
    expected = {config["eks-platform:cluster"]["deployerPrincipal"], *config["eks-platform:kms"]["administrators"]}
    for name, statements in key_statements(any_stack).items():
        (admins,) = [s for s in statements if s["Sid"] == "KeyAdministrators"]
        assert set(admins["Principal"]["AWS"]) == expected, name
        assert not set(admins["Action"]) & {*USE_ACTIONS, "kms:*"}, name


def test_no_key_hands_the_account_everything(any_stack):
    for name, statements in key_statements(any_stack).items():
        for statement in statements:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert "kms:*" not in actions, name
            if statement["Effect"] == "Allow" and str(statement["Principal"].get("AWS", "")).endswith(":root"):
                assert set(actions) <= {*USE_ACTIONS, "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}, name
                assert not set(actions) & set(ADMIN_ACTIONS) - {"kms:Describe*"}, name


def test_only_break_glass_may_disable_or_delete_a_key_where_state_is_protected(any_stack):
    config = stack_config(any_stack.stack)
    # Top-level scalars reach the program as strings, as the CLI hands them over.
    protected = str(config["eks-platform:protectStatefulResources"]).lower() == "true"
    for name, statements in key_statements(any_stack).items():
        denies = [s for s in statements if s["Effect"] == "Deny"]
        if not protected:
            assert denies == [], name
            continue
        (deny,) = denies
        assert set(deny["Action"]) == set(DESTRUCTIVE_ACTIONS) == {"kms:DisableKey", "kms:ScheduleKeyDeletion"}
        assert deny["Principal"] == {"AWS": "*"}
        assert deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == config["eks-platform:kms"]["breakGlassRole"]


def test_node_volumes_launched_by_auto_scaling_may_use_the_data_key(any_stack):
    statements = next(s for name, s in key_statements(any_stack).items() if name.endswith("-data"))
    autoscaling = [s for s in statements if "AutoScaling" in s.get("Sid", "")]
    assert len(autoscaling) == 2
    for statement in autoscaling:
        principal = statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
        assert principal.endswith(":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")


def test_every_volume_is_encrypted_with_the_platforms_data_key(any_stack):
    key_arn = data_key_arn(any_stack)
    (storage_class,) = any_stack.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
    assert storage_class["inputs"]["parameters"]["kmsKeyId"] == key_arn
    template = any_stack.one("aws:ec2/launchTemplate:LaunchTemplate")
    for device in template["inputs"]["blockDeviceMappings"]:
        assert device["ebs"]["kmsKeyId"] == key_arn
    (node_class,) = any_stack.of_type("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
    for device in node_class["inputs"]["spec"]["blockDeviceMappings"]:
        assert device["ebs"]["kmsKeyID"] == key_arn


def test_those_who_attach_volumes_may_use_the_key_only_through_ec2(any_stack):
    region = any_stack.outputs["region"]
    users = [
        json.loads(p["inputs"]["policy"])
        for p in any_stack.of_type("aws:iam/rolePolicy:RolePolicy")
        if p["name"].endswith(("-ebs-csi-volume-key", "-karpenter-volume-key"))
    ]
    assert len(users) == 2
    for document in users:
        for statement in document["Statement"]:
            assert statement["Resource"] == data_key_arn(any_stack)
            assert statement["Condition"]["StringEquals"]["kms:ViaService"] == f"ec2.{region}.amazonaws.com"


def test_long_term_metrics_are_encrypted_with_the_data_key(prod):
    (workspace,) = prod.of_type("aws:amp/workspace:Workspace")
    assert workspace["inputs"]["kmsKeyArn"] == data_key_arn(prod)


def test_every_stack_encrypts_its_pulumi_secrets_with_kms_in_its_own_region(any_stack):
    document = parse_yaml((PROJECT_DIR / f"Pulumi.{any_stack.stack}.yaml").read_text())
    provider = document["secretsprovider"]
    assert provider.startswith("awskms://")
    assert provider.endswith(f"?region={any_stack.outputs['region']}")
