"""In front of an internet-facing ALB where state is protected: a WAF web ACL that lets only the
application's read requests through, access logs in S3, and deletion protection.

The AWS Load Balancer Controller creates the ALB, so everything reaches it through Ingress
annotations (docs/guide/ingress/annotations.md, v2.17.1): `wafv2-acl-arn` associates the ACL
(the controller's published policy allows wafv2:AssociateWebACL), `load-balancer-attributes`
turns on access logs and deletion protection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.bucket import BucketArgs, Statement, private_bucket
from components.tagging import resource_tags

# AWS managed rule groups, cheapest first: known-bad sources, known-bad inputs, then the OWASP-style core set.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesCommonRuleSet",
)
READ_METHODS = ("GET", "HEAD")
# ALB access logging writes as this service principal; AWS recommends it over the legacy
# per-region ELB accounts in every region ("Enable access logs for your Application Load Balancer").
ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"
ACCESS_LOG_PREFIX = "alb"
# As long as the VPC flow logs of a protected stack are kept.
ACCESS_LOG_DAYS = 90
ANNOTATION = "alb.ingress.kubernetes.io/"


@dataclass(frozen=True)
class EdgeArgs:
    account_id: str
    tags: Mapping[str, str]
    # Exact paths the application serves to anonymous readers; every other request is blocked.
    read_paths: Sequence[str]


@dataclass(frozen=True)
class EdgeProtection:
    annotations: dict[str, pulumi.Input[str]]
    # What the ALB needs before the controller creates it: ELB checks the log bucket's policy then.
    ready: list[pulumi.Resource]


def edge_protection(owner: pulumi.Resource, name: str, args: EdgeArgs) -> EdgeProtection:
    acl = web_acl(owner, name, args)
    logs = private_bucket(
        owner,
        f"{name}-alb-logs",
        BucketArgs(
            tags=args.tags,
            protect=True,
            # ALB access logging supports only SSE-S3 (Amazon S3-managed keys), not SSE-KMS.
            kms_key_arn=None,
            expire_after_days=ACCESS_LOG_DAYS,
            grants=lambda arn: [log_delivery_grant(arn, args.account_id)],
        ),
    )
    attributes = pulumi.Output.concat(
        "access_logs.s3.enabled=true,access_logs.s3.bucket=",
        logs.bucket.bucket,
        f",access_logs.s3.prefix={ACCESS_LOG_PREFIX}",
        # The controller cannot delete the ALB (nor can `pulumi destroy` through it) until this is false.
        ",deletion_protection.enabled=true",
        ",routing.http.drop_invalid_header_fields.enabled=true",
    )
    return EdgeProtection(
        annotations={f"{ANNOTATION}wafv2-acl-arn": acl.arn, f"{ANNOTATION}load-balancer-attributes": attributes},
        ready=[acl, *logs.ready],
    )


def log_delivery_grant(bucket_arn: pulumi.Output[str], account_id: str) -> Statement:
    """ELB writes only under <prefix>/AWSLogs/<account>/, so the path keeps out other accounts' load balancers."""
    return {
        "Sid": "ElbAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": ELB_LOG_DELIVERY},
        "Action": "s3:PutObject",
        "Resource": pulumi.Output.concat(bucket_arn, f"/{ACCESS_LOG_PREFIX}/AWSLogs/{account_id}/*"),
    }


def web_acl(owner: pulumi.Resource, name: str, args: EdgeArgs) -> aws.wafv2.WebAcl:
    """Managed rule groups first (they block even allowed paths), then the read allow-list; the rest is blocked."""
    managed = [_managed_rule(group, priority) for priority, group in enumerate(MANAGED_RULE_GROUPS)]
    return aws.wafv2.WebAcl(
        name,
        scope="REGIONAL",
        description=f"Only read requests of {name}, after AWS managed rules",
        default_action=aws.wafv2.WebAclDefaultActionArgs(block=aws.wafv2.WebAclDefaultActionBlockArgs()),
        rules=[*managed, _read_only_rule(args.read_paths, len(managed))],
        visibility_config=_visibility(name),
        tags=resource_tags(args.tags, name),
        opts=pulumi.ResourceOptions(parent=owner),
    )


def _managed_rule(group: str, priority: int) -> aws.wafv2.WebAclRuleArgsDict:
    return {
        "name": group,
        "priority": priority,
        # none: the group's own block actions apply.
        "override_action": {"none": {}},
        "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
        "visibility_config": _visibility(group),
    }


def _read_only_rule(paths: Sequence[str], priority: int) -> aws.wafv2.WebAclRuleArgsDict:
    # Exact matches without transformations: an encoded or suffixed variant of an allowed path
    # (/readyz/disable, /%72eadyz) matches nothing and falls to the default block.
    methods = [_exactly({"method": {}}, method) for method in READ_METHODS]
    allowed_paths = [_exactly({"uri_path": {}}, path) for path in paths]
    return {
        "name": "allow-read-paths",
        "priority": priority,
        "action": {"allow": {}},
        "statement": {
            "and_statement": {
                "statements": [
                    {"or_statement": {"statements": methods}},
                    {"or_statement": {"statements": allowed_paths}},
                ]
            }
        },
        "visibility_config": _visibility("allow-read-paths"),
    }


def _exactly(field_to_match: dict[str, Any], value: str) -> Any:
    return {
        "byte_match_statement": {
            "field_to_match": field_to_match,
            "positional_constraint": "EXACTLY",
            "search_string": value,
            "text_transformations": [{"priority": 0, "type": "NONE"}],
        }
    }


def _visibility(metric: str) -> aws.wafv2.WebAclVisibilityConfigArgsDict:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}
