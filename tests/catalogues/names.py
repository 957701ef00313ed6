"""AWS resource names: length and characters per Pulumi resource type (botocore 1.44.5, S3 naming rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tests.catalogues.service_models import StringRule, documented_number, shape_rule
from tests.catalogues.versions import installed_version

# --------------------------------------------------------------------------------------
# Resource names
# --------------------------------------------------------------------------------------

# S3 general purpose bucket naming rules, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
# (the s3 model gives BucketName no constraints and points to this page).
S3_BUCKET_NAME_LENGTH = (3, 63)
S3_BUCKET_NAME_CHARACTERS = re.compile(r"[a-z0-9.-]+")
S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def s3_bucket_name_problems(name: str) -> list[str]:
    found = []
    low, high = S3_BUCKET_NAME_LENGTH
    if not low <= len(name) <= high:
        found.append(f"{name!r} is {len(name)} characters, not {low}-{high}")
    if not S3_BUCKET_NAME_CHARACTERS.fullmatch(name):
        found.append(f"{name!r} has characters other than lowercase letters, digits, '.' and '-'")
    if not (name[:1].isalnum() and name[-1:].isalnum()):
        found.append(f"{name!r} does not begin and end with a letter or digit")
    if ".." in name:
        found.append(f"{name!r} has two adjacent periods")
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", name):
        found.append(f"{name!r} is formatted as an IP address")
    found += [f"{name!r} starts with the reserved {p!r}" for p in S3_RESERVED_PREFIXES if name.startswith(p)]
    found += [f"{name!r} ends with the reserved {s!r}" for s in S3_RESERVED_SUFFIXES if name.endswith(s)]
    return found


def _no_leading_or_trailing_hyphen(name: str) -> list[str]:
    return [f"{name!r} begins or ends with a hyphen"] if name.startswith("-") or name.endswith("-") else []


def _no_control_characters(name: str) -> list[str]:
    return [f"{name!r} contains ASCII control characters"] if re.search(r"[\x00-\x1f\x7f]", name) else []


def _kms_alias_extra(name: str) -> list[str]:
    # kms CreateAlias AliasName documentation: "The alias name cannot begin with alias/aws/."
    return [f"{name!r} begins with alias/aws/, reserved for AWS managed keys"] if name.startswith("alias/aws/") else []


@dataclass(frozen=True)
class NameRule:
    """Where a resource type keeps its AWS name, and the rule that name obeys."""

    field: str
    rule: StringRule
    # Pulumi auto-names the resource when `field` is unset (see test_aws_names.aws_name).
    autonamed: bool = True
    # FIFO queues/topics: the name ends in .fifo, which the character rule does not cover.
    fifo_flag: str | None = None


@cache
def name_rules() -> dict[str, NameRule]:
    """AWS name rules per Pulumi resource type, from botocore 1.44.5 (models of 2026-11-17).

    Shape constraints where the model has them; otherwise the number the API reference states
    in the member's documentation (read from the same model) with the character set it states.
    """
    bv = f"botocore {installed_version('botocore')}"
    sqs_max = documented_number("sqs", "CreateQueue", "QueueName", r"up to (\d+) characters")
    lb_max = documented_number("elbv2", "CreateLoadBalancer", "Name", r"maximum of (\d+) characters")
    tg_max = documented_number("elbv2", "CreateTargetGroup", "Name", r"maximum of (\d+) characters")
    dashboard_max = documented_number("cloudwatch", "PutDashboard", "DashboardName", r"maximum length is (\d+)")
    topic_max = documented_number("sns", "CreateTopic", "Name", r"between 1 and (\d+) characters")
    sg_max = documented_number("ec2", "CreateSecurityGroup", "GroupName", r"Up to (\d+) characters")

    role = NameRule("name", shape_rule("iam", "roleNameType"))
    policy = NameRule("name", shape_rule("iam", "policyNameType"))
    # SQS CreateQueue QueueName, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html:
    # "up to 80 characters. Valid values: alphanumeric characters, hyphens (-), and underscores (_)."
    queue = NameRule(
        "name",
        StringRule(f"{bv} sqs CreateQueue.QueueName documentation", 1, sqs_max, "[A-Za-z0-9_-]+"),
        fifo_flag="fifoQueue",
    )
    bucket = NameRule("bucket", StringRule("S3 bucket naming rules", 0, None, None, extra=s3_bucket_name_problems))
    # elbv2 CreateLoadBalancer/CreateTargetGroup Name: "maximum of 32 characters, must contain only
    # alphanumeric characters or hyphens, must not begin or end with a hyphen[, and must not begin with internal-]".
    load_balancer = NameRule(
        "name",
        StringRule(
            f"{bv} elbv2 CreateLoadBalancer.Name documentation",
            1,
            lb_max,
            "[A-Za-z0-9-]+",
            forbidden_prefixes=("internal-",),
            extra=_no_leading_or_trailing_hyphen,
        ),
    )
    target_group = NameRule(
        "name",
        StringRule(
            f"{bv} elbv2 CreateTargetGroup.Name documentation",
            1,
            tg_max,
            "[A-Za-z0-9-]+",
            extra=_no_leading_or_trailing_hyphen,
        ),
    )
    cluster = NameRule("name", shape_rule("eks", "ClusterName"))
    return {
        "aws:iam/role:Role": role,
        "aws:iam/policy:Policy": policy,
        "aws:iam/rolePolicy:RolePolicy": policy,
        "aws:cloudwatch/eventRule:EventRule": NameRule("name", shape_rule("events", "RuleName")),
        # An unset targetId is generated by the provider (not `<name>-<hex>`), so only set ones are checked.
        "aws:cloudwatch/eventTarget:EventTarget": NameRule("targetId", shape_rule("events", "TargetId"), False),
        "aws:cloudwatch/logGroup:LogGroup": NameRule("name", shape_rule("logs", "LogGroupName")),
        "aws:cloudwatch/metricAlarm:MetricAlarm": NameRule(
            "name", shape_rule("cloudwatch", "AlarmName", extra=_no_control_characters)
        ),
        # cloudwatch PutDashboard DashboardName: "The maximum length is 255, and valid characters are
        # A-Z, a-z, 0-9, "-", and "_"".
        "aws:cloudwatch/dashboard:Dashboard": NameRule(
            "dashboardName",
            StringRule(f"{bv} cloudwatch PutDashboard.DashboardName documentation", 1, dashboard_max, "[A-Za-z0-9_-]+"),
            False,
        ),
        "aws:sqs/queue:Queue": queue,
        "aws:s3/bucket:Bucket": bucket,
        "aws:s3/bucketV2:BucketV2": bucket,
        "aws:lb/loadBalancer:LoadBalancer": load_balancer,
        "aws:alb/loadBalancer:LoadBalancer": load_balancer,
        "aws:lb/targetGroup:TargetGroup": target_group,
        "aws:alb/targetGroup:TargetGroup": target_group,
        "aws:eks/cluster:Cluster": cluster,
        "eks:index:Cluster": cluster,
        "aws:kms/alias:Alias": NameRule(
            "name", shape_rule("kms", "AliasNameType", required_prefix="alias/", extra=_kms_alias_extra), False
        ),
        # sns CreateTopic Name: "only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens,
        # and must be between 1 and 256 characters long"; FIFO topics end in .fifo.
        "aws:sns/topic:Topic": NameRule(
            "name",
            StringRule(f"{bv} sns CreateTopic.Name documentation", 1, topic_max, "[A-Za-z0-9_-]+"),
            fifo_flag="fifoTopic",
        ),
        # An alias is optional and never generated.
        "aws:amp/workspace:Workspace": NameRule("alias", shape_rule("amp", "WorkspaceAlias"), False),
        "aws:ec2/launchTemplate:LaunchTemplate": NameRule("name", shape_rule("ec2", "LaunchTemplateName")),
        "aws:ecr/repository:Repository": NameRule("name", shape_rule("ecr", "RepositoryName")),
        "aws:wafv2/webAcl:WebAcl": NameRule("name", shape_rule("wafv2", "EntityName")),
        # ec2 CreateSecurityGroup GroupName: "Up to 255 characters in length. Can't start with sg-. Valid
        # characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*".
        "aws:ec2/securityGroup:SecurityGroup": NameRule(
            "name",
            StringRule(
                f"{bv} ec2 CreateSecurityGroup.GroupName documentation",
                1,
                sg_max,
                r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+",
                forbidden_prefixes=("sg-",),
            ),
        ),
    }
