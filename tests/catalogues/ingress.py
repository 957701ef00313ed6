"""AWS Load Balancer Controller Ingress annotations (v2.17.1) and the ELB security policies."""

from __future__ import annotations

import re

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
