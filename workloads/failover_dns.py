"""web's public name moves with the DR role: a Route 53 failover record per region.

Each region declares its own record for the same name, told apart by its set identifier (the
cluster name): PRIMARY while the stack is active, SECONDARY while it is standby, aliasing the
region's ALB, with a health check on podinfo's health path through that ALB. A promotion
flips `dr.role` in both stack files, and each `pulumi up` flips its own record. external-dns
is told to leave web's Ingress alone (its controller annotation names another owner), so the
two regions' external-dns instances never write this name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.tagging import resource_tags

# external-dns skips an object whose controller annotation names anyone but "dns-controller"
# (kubernetes-sigs/external-dns source/ingress.go, controllerAnnotationKey).
EXTERNAL_DNS_CONTROLLER = "external-dns.alpha.kubernetes.io/controller"
OWNED_BY_PULUMI = "pulumi-route53-failover"
HEALTH_PATH = "/healthz"
# Route 53 declares an endpoint unhealthy after FAILURE_THRESHOLD failed checks, one every
# REQUEST_INTERVAL seconds: 90 s, the `failoverDetectionSeconds` the samples' RTO model assumes.
REQUEST_INTERVAL = 30
FAILURE_THRESHOLD = 3


@dataclass(frozen=True)
class FailoverDns:
    hosted_zone_id: str
    primary: bool  # dr.role active
    set_identifier: str  # unique per region: the cluster name
    https: bool  # the ALB listens on 443 with web's certificate


def failover_record(
    owner: pulumi.Resource, name: str, hostname: str, dns: FailoverDns, ingress: pulumi.CustomResource,
    tags: dict[str, str],
) -> aws.route53.Record:  # fmt: skip
    if not isinstance(ingress, k8s.networking.v1.Ingress):
        raise TypeError(f"{name}: the failover record aliases an Ingress's ALB, got {type(ingress).__name__}")
    alb = ingress.status.apply(_alb_hostname)
    child = pulumi.ResourceOptions(parent=owner)
    check = aws.route53.HealthCheck(
        f"{name}-health",
        type="HTTPS" if dns.https else "HTTP",
        fqdn=alb,
        port=443 if dns.https else 80,
        resource_path=HEALTH_PATH,
        request_interval=REQUEST_INTERVAL,
        failure_threshold=FAILURE_THRESHOLD,
        tags=resource_tags(tags, f"{name}-health"),
        opts=child,
    )
    zone = aws.lb.get_hosted_zone_id_output(load_balancer_type="application")
    return aws.route53.Record(
        f"{name}-failover",
        zone_id=dns.hosted_zone_id,
        name=hostname,
        type="A",
        set_identifier=dns.set_identifier,
        failover_routing_policies=[{"type": "PRIMARY" if dns.primary else "SECONDARY"}],
        health_check_id=check.id,
        aliases=[{"name": alb, "zone_id": zone.id, "evaluate_target_health": True}],
        opts=child,
    )


def _alb_hostname(status: Any) -> str:
    """The address the AWS Load Balancer Controller wrote back to the Ingress."""
    ingress = status["load_balancer"]["ingress"] if isinstance(status, dict) else status.load_balancer.ingress
    first = ingress[0]
    return str(first["hostname"] if isinstance(first, dict) else first.hostname)
