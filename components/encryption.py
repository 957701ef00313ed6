"""Customer-managed KMS keys: Kubernetes secrets, CloudWatch Logs, and the alarm topic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.iam import policy_document
from components.key_policy import USE_ACTIONS, administration, protection, use_through_iam
from components.tagging import resource_tags


@dataclass(frozen=True)
class PlatformKeysArgs:
    name: str
    region: str
    tags: Mapping[str, str]
    protect: bool
    # Who may manage the keys (the deployer first, who must be able to update the policy it writes).
    administrators: tuple[str, ...]
    # Where state is protected, the only principal that may disable a key or schedule its deletion.
    break_glass_role: str | None


def auto_scaling_use(account_id: pulumi.Input[str]) -> list[dict]:
    """Managed node groups launch through Auto Scaling's service-linked role, which takes no IAM
    policy, so the key policy names it (EC2 User Guide, "Required AWS KMS key policy for use with
    encrypted volumes"). It is matched by ARN in a condition: the role may not exist yet when the
    key is created, and a missing principal would make the policy invalid."""
    role_arn = pulumi.Output.concat(
        "arn:aws:iam::", account_id, ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    caller = {"ArnEquals": {"aws:PrincipalArn": role_arn}}
    return [
        {
            "Sid": "AutoScalingUsesForNodeVolumes",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": list(USE_ACTIONS),
            "Resource": "*",
            "Condition": caller,
        },
        {
            "Sid": "AutoScalingGrantsForNodeVolumes",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {**caller, "Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]


class PlatformKeys(pulumi.ComponentResource):
    """KMS keys with rotation on; stateful, so protected where the stack asks."""

    secrets_key_arn: pulumi.Output[str]
    logs_key_arn: pulumi.Output[str]
    alerts_key_arn: pulumi.Output[str]
    data_key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: PlatformKeysArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:components:PlatformKeys", name, None, opts)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        root = pulumi.Output.concat("arn:aws:iam::", account_id, ":root")
        owner = [administration(args.administrators), *use_through_iam(root)]
        if args.protect and args.break_glass_role:
            owner.append(protection(args.break_glass_role))
        secrets = self._key(args, "secrets", "EKS envelope encryption of Kubernetes secrets", owner)
        logs_use = {
            "Sid": "CloudWatchLogsUse",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{args.region}.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
            "Resource": "*",
            # Only for log groups of this account and region.
            "Condition": {
                "StringLike": {
                    "kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat(
                        "arn:aws:logs:", args.region, ":", account_id, ":log-group:*"
                    )
                }
            },
        }
        logs_describe = {
            "Sid": "CloudWatchLogsDescribe",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{args.region}.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
        logs = self._key(
            args, "logs", "CloudWatch Logs encryption of platform log groups", [*owner, logs_use, logs_describe]
        )
        # CloudWatch alarms publish to an encrypted SNS topic only if they may use its key;
        # the AWS-managed aws/sns key does not allow that.
        alarms_publish = {
            "Sid": "CloudWatchAlarmsPublish",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
        alerts = self._key(args, "alerts", "SNS encryption of the platform alarm topic", [*owner, alarms_publish])
        # EBS volumes (nodes, volume claims), workload buckets and the AMP workspace.
        data = self._key(
            args, "data", "EBS volumes, workload buckets and metrics at rest", [*owner, *auto_scaling_use(account_id)]
        )
        self.data_key_arn = data.arn
        self.secrets_key_arn = secrets.arn
        self.logs_key_arn = logs.arn
        self.alerts_key_arn = alerts.arn
        self.register_outputs(
            {"secrets_key_arn": self.secrets_key_arn, "logs_key_arn": self.logs_key_arn, "alerts_key_arn": alerts.arn}
        )

    def _key(self, args: PlatformKeysArgs, purpose: str, description: str, statements: list) -> aws.kms.Key:
        key_name = f"{args.name}-{purpose}"
        key = aws.kms.Key(
            key_name,
            description=f"{description} ({args.name})",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=policy_document(statements),
            tags=resource_tags(args.tags, key_name),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.kms.Alias(
            f"{key_name}-alias",
            name=f"alias/{key_name}",
            target_key_id=key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return key
