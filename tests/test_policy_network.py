"""Network rules over small programs (security groups and their rules, ALB Ingresses, NLB Services,
VPCs with flow logs), and over every real stack."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import UNPROTECTED, findings, findings_of_program

WORLD = "security-group-no-world-ingress"
FLOW_LOGS = "vpc-flow-logs"
LB_TAG = {"eks-platform/load-balancer": "true"}


def group(cidrs: list[str], port: int = 443, tags: dict[str, str] | None = None, protocol: str = "tcp") -> Any:
    """A security group with one inline ingress rule."""

    def program() -> None:
        rule = {"protocol": protocol, "from_port": port, "to_port": port, "cidr_blocks": cidrs}
        aws.ec2.SecurityGroup("case", vpc_id="vpc-0123", ingress=[rule], tags=tags)

    return program


def load_balancer_group(rule_kind: str, port: int, cidr: str = "0.0.0.0/0", protocol: str = "tcp") -> Any:
    """A group an ALB uses (no tag), opened by a separate rule resource of `rule_kind`."""

    def program() -> None:
        sg = aws.ec2.SecurityGroup("case", vpc_id="vpc-0123")
        aws.lb.LoadBalancer("case", internal=False, subnets=["subnet-a", "subnet-b"], security_groups=[sg.id])
        open_group(rule_kind, sg.id, port, cidr, protocol)

    return program


def plain_group(rule_kind: str, port: int, cidr: str, protocol: str = "tcp") -> Any:
    def program() -> None:
        sg = aws.ec2.SecurityGroup("case", vpc_id="vpc-0123")
        open_group(rule_kind, sg.id, port, cidr, protocol)

    return program


def open_group(rule_kind: str, group_id: pulumi.Input[str], port: int, cidr: str, protocol: str) -> None:
    ipv6 = ":" in cidr
    if rule_kind == "security-group-rule":
        sources = {"ipv6_cidr_blocks": [cidr]} if ipv6 else {"cidr_blocks": [cidr]}
        aws.ec2.SecurityGroupRule(
            "case",
            type="ingress",
            security_group_id=group_id,
            protocol=protocol,
            from_port=port,
            to_port=port,
            **sources,
        )
    else:
        source = {"cidr_ipv6": cidr} if ipv6 else {"cidr_ipv4": cidr}
        aws.vpc.SecurityGroupIngressRule(
            "case", security_group_id=group_id, ip_protocol=protocol, from_port=port, to_port=port, **source
        )


def ingress(annotations: dict[str, str]) -> Any:
    def program() -> None:
        backend = {"service": {"name": "web", "port": {"name": "http"}}}
        k8s.networking.v1.Ingress(
            "case",
            metadata={"name": "case", "namespace": "web", "annotations": annotations},
            spec={
                "ingressClassName": "alb",
                "rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}],
            },
        )

    return program


def internet_facing(**annotations: str) -> Any:
    return ingress({"alb.ingress.kubernetes.io/scheme": "internet-facing", **annotations})


def listening(*ports: tuple[str, int]) -> str:
    return json.dumps([{protocol: port} for protocol, port in ports])


def nlb_service(port: int, scheme: str = "internet-facing") -> Any:
    def program() -> None:
        k8s.core.v1.Service(
            "case",
            metadata={"name": "case", "annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": scheme}},
            spec={"type": "LoadBalancer", "selector": {"app": "case"}, "ports": [{"port": port, "targetPort": port}]},
        )

    return program


# --- security-group-no-world-ingress ---


@pytest.mark.parametrize(
    "program",
    [
        group(["10.0.0.0/16"], port=22),
        group(["0.0.0.0/0"], port=443, tags=LB_TAG),
        group(["0.0.0.0/0"], port=80, tags=LB_TAG),
        load_balancer_group("security-group-rule", 443),
        load_balancer_group("ingress-rule", 80, "::/0"),
        plain_group("ingress-rule", 5432, "10.0.0.0/8"),
        internet_facing(**{"alb.ingress.kubernetes.io/listen-ports": listening(("HTTP", 80), ("HTTPS", 443))}),
        internet_facing(),
        ingress({"alb.ingress.kubernetes.io/inbound-cidrs": "10.0.0.0/8"}),
        nlb_service(443),
        nlb_service(5432, scheme="internal"),
    ],
    ids=[
        "vpc-only",
        "tagged-lb-443",
        "tagged-lb-80",
        "alb-group-rule-443",
        "alb-ingress-rule-80-ipv6",
        "private-ingress-rule",
        "ingress-80-443",
        "ingress-default-port",
        "internal-ingress-vpc-cidrs",
        "nlb-443",
        "internal-nlb",
    ],
)
def test_allowed_ingress_passes(program: Any) -> None:
    assert findings_of_program(WORLD, program, UNPROTECTED) == []


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (group(["0.0.0.0/0"], port=22), "0.0.0.0/0 on tcp port 22"),
        (group(["0.0.0.0/0"], port=8080, tags=LB_TAG), "tcp port 8080"),
        (group(["0.0.0.0/0"], port=443, tags={"elbv2.k8s.aws/cluster": "case"}), "tcp port 443"),
        (load_balancer_group("security-group-rule", 0, protocol="-1"), "every protocol and port"),
        (load_balancer_group("ingress-rule", 22, "::/0"), "::/0 on tcp port 22"),
        (plain_group("security-group-rule", 443, "0.0.0.0/0"), "0.0.0.0/0 on tcp port 443"),
        (plain_group("ingress-rule", 443, "::/0"), "::/0"),
    ],
    ids=[
        "inline-ssh",
        "tagged-lb-8080",
        "controller-tag-not-trusted",
        "alb-group-all-traffic",
        "alb-group-ipv6-ssh",
        "rule-on-plain-group",
        "ingress-rule-on-plain-group",
    ],
)
def test_world_ingress_outside_a_load_balancers_web_ports_is_refused(program: Any, named: str) -> None:
    [found] = findings_of_program(WORLD, program, UNPROTECTED)
    assert named in found.message
    assert "80/443" in found.message


def test_an_egress_rule_to_the_world_is_no_ingress() -> None:
    def program() -> None:
        sg = aws.ec2.SecurityGroup("case", vpc_id="vpc-0123")
        aws.ec2.SecurityGroupRule(
            "case",
            type="egress",
            security_group_id=sg.id,
            protocol="-1",
            from_port=0,
            to_port=0,
            cidr_blocks=["0.0.0.0/0"],
        )

    assert findings_of_program(WORLD, program, UNPROTECTED) == []


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (internet_facing(**{"alb.ingress.kubernetes.io/listen-ports": listening(("HTTPS", 8443))}), "HTTPS:8443"),
        (internet_facing(**{"alb.ingress.kubernetes.io/listen-ports": "443"}), "'443'"),
        (ingress({"alb.ingress.kubernetes.io/inbound-cidrs": "10.0.0.0/8, 0.0.0.0/0"}), "0.0.0.0/0"),
        (ingress({"alb.ingress.kubernetes.io/inbound-cidrs": "::/0"}), "::/0"),
        (nlb_service(5432), "[5432]"),
    ],
    ids=[
        "internet-facing-8443",
        "unreadable-listen-ports",
        "internal-world-cidrs",
        "internal-world-ipv6",
        "internet-facing-nlb-5432",
    ],
)
def test_load_balancers_the_controller_makes_are_checked_by_their_objects(program: Any, named: str) -> None:
    [found] = findings_of_program(WORLD, program, UNPROTECTED)
    assert named in found.message


# --- vpc-flow-logs ---


def vpcs_with_flow_logs(*traffic_types: str, vpcs: int = 1) -> Any:
    """`vpcs` VPCs; the first gets one flow log per traffic type."""

    def program() -> None:
        declared = [aws.ec2.Vpc(f"case-{index}", cidr_block=f"10.{index}.0.0/16") for index in range(vpcs)]
        for traffic_type in traffic_types:
            aws.ec2.FlowLog(
                f"case-{traffic_type.lower()}",
                vpc_id=declared[0].id,
                traffic_type=traffic_type,
                log_destination_type="s3",
                log_destination="arn:aws:s3:::case-flow-logs",
            )

    return program


def test_a_vpc_with_a_flow_log_of_all_traffic_passes() -> None:
    assert findings_of_program(FLOW_LOGS, vpcs_with_flow_logs("ALL")) == []


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (vpcs_with_flow_logs(), "no flow log"),
        (vpcs_with_flow_logs("REJECT"), "trafficType ['REJECT']"),
        (vpcs_with_flow_logs("ALL", vpcs=2), "no flow log"),
    ],
    ids=["none", "rejected-only", "second-vpc-unlogged"],
)
def test_a_vpc_without_a_flow_log_of_all_traffic_is_refused(program: Any, named: str) -> None:
    [found] = findings_of_program(FLOW_LOGS, program)
    assert named in found.message
    assert "ALL" in found.message
    assert found.resource
    assert found.resource.startswith("aws:ec2/vpc:Vpc::")


def test_a_subnet_flow_log_does_not_count_for_the_vpc() -> None:
    def program() -> None:
        vpc = aws.ec2.Vpc("case", cidr_block="10.0.0.0/16")
        subnet = aws.ec2.Subnet("case", vpc_id=vpc.id, cidr_block="10.0.0.0/24")
        aws.ec2.FlowLog("case", subnet_id=subnet.id, traffic_type="ALL", log_destination="arn:aws:s3:::case")

    assert findings_of_program(FLOW_LOGS, program)


def test_a_flow_log_is_linked_by_its_dependency_while_the_vpc_id_is_unknown() -> None:
    """A first real preview: the new VPC's id is unknown, the engine's property dependency is not."""

    def program() -> None:
        vpc = aws.ec2.Vpc("case", cidr_block="10.0.0.0/16")
        unknown_id: pulumi.Output[str] = pulumi.Output({vpc}, _done(None), _done(False))
        aws.ec2.FlowLog("case", vpc_id=unknown_id, traffic_type="ALL", log_destination="arn:aws:s3:::case")

    assert findings_of_program(FLOW_LOGS, program) == []


# --- the real stacks ---


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_the_network_rules(stack: str) -> None:
    facts = facts_of(stack_settings(PROJECT_DIR, stack))
    for name in (WORLD, FLOW_LOGS):
        assert findings(graph(stack).plan, name, facts) == [], name


@pytest.mark.parametrize("stack", STACKS)
def test_the_network_rules_have_real_resources_to_examine(stack: str) -> None:
    plan = graph(stack)
    vpc, flow_log = plan.one("aws:ec2/vpc:Vpc"), plan.one("aws:ec2/flowLog:FlowLog")
    assert flow_log["propertyDependencies"]["vpcId"] == [f"aws:ec2/vpc:Vpc::{vpc['name']}"]
    web = plan.one("kubernetes:networking.k8s.io/v1:Ingress")["inputs"]["metadata"]["annotations"]
    assert web["alb.ingress.kubernetes.io/scheme"] == "internet-facing"
    groups = plan.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert all(group["inputs"]["ingress"] for group in groups)
    if stack != "dev":  # dev has no interface endpoints, so no security group of its own
        assert groups


def _done(value: Any) -> Any:
    future = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future
