"""What anonymous users reach: internet-facing load balancers. The AWS Load Balancer Controller
builds them at run time from Ingress (ALB) and Service (NLB) annotations, so those objects are
checked as well as any `aws:lb` LoadBalancer the program declares itself.

Annotation names and defaults: the controller's docs/guide/ingress/annotations.md and
docs/guide/service/annotations.md (v2.17.1, the version addons/policies/ pins).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from policy.rules.common import linked, of_type, truthy
from policy.rules.config import PROTECTED_STACK, protected_stack

INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
SERVICE = "kubernetes:core/v1:Service"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"

ALB = "alb.ingress.kubernetes.io/"
SCHEME = ALB + "scheme"  # internal (the default) | internet-facing
LISTEN_PORTS = ALB + "listen-ports"  # JSON [{"HTTP": 80}, {"HTTPS": 443}]
CERTIFICATE = ALB + "certificate-arn"
SSL_REDIRECT = ALB + "ssl-redirect"  # the HTTPS port every HTTP listener redirects to
WAF_ACL = ALB + "wafv2-acl-arn"  # "none" removes the association
ATTRIBUTES = ALB + "load-balancer-attributes"  # stringMap k1=v1,k2=v2
NLB_SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"  # internal (the default) | internet-facing
INTERNET_FACING = "internet-facing"
REQUIRED_ATTRIBUTES = ("access_logs.s3.enabled", "deletion_protection.enabled")


# --- reading Ingress and Service objects (network.py reads them too) ---


def annotations_of(props: Mapping[str, Any]) -> Mapping[str, Any]:
    return (props.get("metadata") or {}).get("annotations") or {}


def internet_facing_ingress(props: Mapping[str, Any]) -> bool:
    return annotations_of(props).get(SCHEME) == INTERNET_FACING


def internet_facing_nlb(props: Mapping[str, Any]) -> bool:
    spec = props.get("spec") or {}
    return spec.get("type") == "LoadBalancer" and annotations_of(props).get(NLB_SCHEME) == INTERNET_FACING


def listen_ports(annotations: Mapping[str, Any]) -> list[tuple[str, int]] | None:
    """The ALB's listeners as (protocol, port); None when the annotation is not the controller's JSON.
    Unset, the controller listens on HTTPS 443 with a certificate and on HTTP 80 without."""
    raw = annotations.get(LISTEN_PORTS)
    if raw is None:
        return [("HTTPS", 443)] if annotations.get(CERTIFICATE) else [("HTTP", 80)]
    try:
        parsed = json.loads(str(raw))
        return [(str(protocol), int(port)) for entry in parsed for protocol, port in entry.items()]
    except (ValueError, TypeError, AttributeError):
        return None


def describe_ports(ports: list[tuple[str, int]]) -> str:
    return ", ".join(f"{protocol}:{port}" for protocol, port in ports) or "no port"


def load_balancer_attributes(annotations: Mapping[str, Any]) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in str(annotations.get(ATTRIBUTES) or "").split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs}


def _internet_facing_application_lb(props: Mapping[str, Any]) -> bool:
    # pulumi_aws's defaults: internal false, loadBalancerType application.
    return not truthy(props.get("internal")) and (props.get("loadBalancerType") or "application") == "application"


# --- internet-facing-load-balancers-have-waf ---


def _have_waf(args: StackValidationArgs, report: ReportViolation) -> None:
    if not protected_stack(args):
        return
    for ingress in of_type(args, INGRESS):
        if internet_facing_ingress(ingress.props):
            acl = annotations_of(ingress.props).get(WAF_ACL)
            if not acl or acl == "none":
                report(f"internet-facing Ingress has {WAF_ACL} {acl!r}: it needs a regional web ACL's ARN", ingress.urn)
    for service in of_type(args, SERVICE):
        if internet_facing_nlb(service.props):
            report(
                f"Service of type LoadBalancer with {NLB_SCHEME} {INTERNET_FACING!r} is an NLB, which cannot take "
                "a web ACL: serve it through an ALB Ingress with a web ACL, or make it internal",
                service.urn,
            )
    associations = list(of_type(args, WEB_ACL_ASSOCIATION))
    for balancer in of_type(args, LOAD_BALANCER):
        if _internet_facing_application_lb(balancer.props) and not _has_web_acl(balancer, associations):
            report(
                "internet-facing application load balancer has no WebAclAssociation whose resourceArn is its ARN",
                balancer.urn,
            )


def _has_web_acl(balancer: PolicyResource, associations: list[PolicyResource]) -> bool:
    return any(linked(association, "resourceArn", [balancer]) is balancer for association in associations)


# --- load-balancer-access-logs ---


def _access_logs(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not protected_stack(args):
        return
    if args.resource_type == INGRESS and internet_facing_ingress(args.props):
        attributes = load_balancer_attributes(annotations_of(args.props))
        for name in REQUIRED_ATTRIBUTES:
            if attributes.get(name) != "true":
                report(f"{ATTRIBUTES} has {name}={attributes.get(name)!r}: only {name}=true is allowed", None)
    elif args.resource_type == LOAD_BALANCER and (args.props.get("loadBalancerType") or "application") != "gateway":
        logs = (args.props.get("accessLogs") or {}).get("enabled")
        if not truthy(logs):
            report(f"accessLogs.enabled is {logs!r}: only true is allowed (to the platform's log bucket)", None)
        protection = args.props.get("enableDeletionProtection")
        if not truthy(protection):
            report(f"enableDeletionProtection is {protection!r}: only true is allowed", None)


# --- load-balancers-https ---


def _https(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != INGRESS or not internet_facing_ingress(args.props):
        return
    annotations = annotations_of(args.props)
    ports = listen_ports(annotations)
    https_only = ports is not None and bool(ports) and all(protocol == "HTTPS" for protocol, _ in ports)
    certificate, redirect = annotations.get(CERTIFICATE), annotations.get(SSL_REDIRECT)
    if not (https_only or (certificate and redirect)):
        listening = describe_ports(ports) if ports is not None else repr(annotations.get(LISTEN_PORTS))
        report(
            f"internet-facing Ingress listens on {listening} with {CERTIFICATE} {certificate!r} and {SSL_REDIRECT} "
            f"{redirect!r}: plain HTTP must redirect to HTTPS (certificate and ssl-redirect), or listen on HTTPS only",
            None,
        )


POLICIES = [
    StackValidationPolicy(
        name="internet-facing-load-balancers-have-waf",
        description="In protected stacks every internet-facing ALB has a WAF web ACL; internet-facing NLBs "
        "(which cannot take one) are refused.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_have_waf,
        config_schema=PROTECTED_STACK,
    ),
    ResourceValidationPolicy(
        name="load-balancer-access-logs",
        description="In protected stacks load balancers write access logs and are protected from deletion.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_access_logs,
        config_schema=PROTECTED_STACK,
    ),
    ResourceValidationPolicy(
        name="load-balancers-https",
        description="Internet-facing ALBs serve HTTPS: plain HTTP only redirects to it.",
        enforcement_level=EnforcementLevel.ADVISORY,
        validate=_https,
    ),
]
