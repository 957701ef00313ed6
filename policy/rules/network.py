"""The VPC's edges: who may connect in from anywhere, and a record of what flows.

A load balancer's security group is the one place the internet may come in, on 80/443 only. A group
counts as a load balancer's when an `aws:lb` LoadBalancer in the graph lists it (its securityGroups
input depends on the group), or when it carries the tag `eks-platform/load-balancer: "true"` (a group
made for a load balancer declared elsewhere, e.g. handed to the AWS Load Balancer Controller through
`alb.ingress.kubernetes.io/security-groups`). Nothing else exempts a group: the controller's own
`elbv2.k8s.aws/cluster` tag is not trusted, as any group could carry it. The controller makes the
groups of Ingress and Service load balancers at run time, outside the graph, so those objects'
annotations are checked instead (edge.py reads them).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy

from policy.rules.common import as_list, linked, of_type, truthy
from policy.rules.edge import (
    INGRESS,
    LISTEN_PORTS,
    SERVICE,
    annotations_of,
    describe_ports,
    internet_facing_ingress,
    internet_facing_nlb,
    listen_ports,
)

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LOAD_BALANCER_TAG = "eks-platform/load-balancer"
WEB_PORTS = frozenset({80, 443})
INBOUND_CIDRS = "alb.ingress.kubernetes.io/inbound-cidrs"  # stringList; ignored with security-groups
ALLOWED = "only a load balancer's group may admit the internet, on TCP 80/443"


@dataclass(frozen=True)
class Opening:
    """One ingress permission, whichever resource declared it."""

    sources: list[str]
    protocol: str
    from_port: Any
    to_port: Any

    def world(self) -> list[str]:
        return [source for source in self.sources if _is_world(source)]

    def web_only(self) -> bool:
        return self.protocol.lower() in ("tcp", "6") and self.from_port == self.to_port and self.from_port in WEB_PORTS

    def __str__(self) -> str:
        if self.protocol in ("-1", "all"):
            return "every protocol and port"
        low, high = _number(self.from_port), _number(self.to_port)
        return f"{self.protocol} port {low}" if low == high else f"{self.protocol} ports {low}-{high}"


def _number(value: Any) -> Any:
    """A port as written: a real preview hands every number over as a float."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _is_world(cidr: Any) -> bool:
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0
    except ValueError:
        return False


# --- security-group-no-world-ingress ---


def _no_world_ingress(args: StackValidationArgs, report: ReportViolation) -> None:
    groups = list(of_type(args, SECURITY_GROUP))
    balancer_groups = _load_balancer_groups(args, groups)
    for resource, group, opening in _openings(args, groups):
        world = opening.world()
        exempt = group is not None and group.urn in balancer_groups and opening.web_only()
        if world and not exempt:
            report(f"ingress from {', '.join(world)} on {opening}: {ALLOWED}", resource.urn)
    for ingress in of_type(args, INGRESS):
        _check_ingress(ingress, report)
    for service in of_type(args, SERVICE):
        _check_nlb(service, report)


def _load_balancer_groups(args: StackValidationArgs, groups: list[PolicyResource]) -> set[str]:
    tagged = {group.urn for group in groups if truthy((group.props.get("tags") or {}).get(LOAD_BALANCER_TAG))}
    attached = {
        dependency.urn
        for balancer in of_type(args, LOAD_BALANCER)
        for dependency in balancer.property_dependencies.get("securityGroups", [])
        if dependency.resource_type == SECURITY_GROUP
    }
    return tagged | attached


def _openings(
    args: StackValidationArgs, groups: list[PolicyResource]
) -> Iterator[tuple[PolicyResource, PolicyResource | None, Opening]]:
    """(declaring resource, the group it opens, the opening) for every ingress permission."""
    for group in groups:
        for rule in as_list(group.props.get("ingress")):
            sources = as_list(rule.get("cidrBlocks")) + as_list(rule.get("ipv6CidrBlocks"))
            yield group, group, Opening(sources, str(rule.get("protocol")), rule.get("fromPort"), rule.get("toPort"))
    for rule in of_type(args, SECURITY_GROUP_RULE):
        if rule.props.get("type") == "ingress":
            props = rule.props
            sources = as_list(props.get("cidrBlocks")) + as_list(props.get("ipv6CidrBlocks"))
            opening = Opening(sources, str(props.get("protocol")), props.get("fromPort"), props.get("toPort"))
            yield rule, _group_of(rule, groups), opening
    for rule in of_type(args, INGRESS_RULE):
        props = rule.props
        sources = [source for source in (props.get("cidrIpv4"), props.get("cidrIpv6")) if source]
        opening = Opening(sources, str(props.get("ipProtocol")), props.get("fromPort"), props.get("toPort"))
        yield rule, _group_of(rule, groups), opening


def _group_of(rule: PolicyResource, groups: list[PolicyResource]) -> PolicyResource | None:
    # Only the engine's property dependency ties a rule to a group: a group's id is no input of its own.
    if not rule.property_dependencies.get("securityGroupId"):
        return None
    return linked(rule, "securityGroupId", groups)


def _check_ingress(ingress: PolicyResource, report: ReportViolation) -> None:
    annotations = annotations_of(ingress.props)
    if internet_facing_ingress(ingress.props):
        ports = listen_ports(annotations)
        if ports is None or any(port not in WEB_PORTS for _, port in ports):
            listening = describe_ports(ports) if ports is not None else repr(annotations.get(LISTEN_PORTS))
            report(f"internet-facing Ingress listens on {listening}: {ALLOWED}", ingress.urn)
        return
    world = [cidr for cidr in str(annotations.get(INBOUND_CIDRS) or "").split(",") if _is_world(cidr.strip())]
    if world:
        report(
            f"internal Ingress admits {', '.join(cidr.strip() for cidr in world)} through {INBOUND_CIDRS}: "
            "list only the networks that need it",
            ingress.urn,
        )


def _check_nlb(service: PolicyResource, report: ReportViolation) -> None:
    if not internet_facing_nlb(service.props):
        return
    ports = [_number(port.get("port")) for port in as_list((service.props.get("spec") or {}).get("ports"))]
    outside = [port for port in ports if port not in WEB_PORTS]
    if outside:
        report(f"internet-facing NLB Service listens on {outside}: {ALLOWED}", service.urn)


# --- vpc-flow-logs ---


def _flow_logs(args: StackValidationArgs, report: ReportViolation) -> None:
    vpcs = list(of_type(args, VPC))
    traffic: dict[str, list[Any]] = {vpc.urn: [] for vpc in vpcs}
    for flow_log in of_type(args, FLOW_LOG):
        vpc = _vpc_of(flow_log, vpcs)
        if vpc is not None:
            traffic[vpc.urn].append(flow_log.props.get("trafficType"))
    for vpc in vpcs:
        if "ALL" not in traffic[vpc.urn]:
            found = f"flow logs of trafficType {traffic[vpc.urn]}" if traffic[vpc.urn] else "no flow log"
            report(f"the VPC has {found}: it needs one with trafficType ALL (accepted and rejected)", vpc.urn)


def _vpc_of(flow_log: PolicyResource, vpcs: list[PolicyResource]) -> PolicyResource | None:
    # Subnet and ENI flow logs have no vpcId; reading none must not match a VPC with none either.
    if not flow_log.property_dependencies.get("vpcId") and flow_log.props.get("vpcId") is None:
        return None
    return linked(flow_log, "vpcId", vpcs)


POLICIES = [
    StackValidationPolicy(
        name="security-group-no-world-ingress",
        description="Nothing admits 0.0.0.0/0 or ::/0 except a load balancer's security group on TCP 80/443; "
        "ALB Ingresses facing the internet listen on 80/443 only.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_world_ingress,
    ),
    StackValidationPolicy(
        name="vpc-flow-logs",
        description="Every VPC has a flow log of all traffic.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_flow_logs,
    ),
]
