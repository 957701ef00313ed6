"""Edge rules over small programs (ALB Ingresses, NLB Services, an `aws:lb` LoadBalancer with or
without its web ACL), and over every real stack."""

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
from tests.policy_programs import PROTECTED, UNPROTECTED, findings, findings_of_program

WAF = "internet-facing-load-balancers-have-waf"
ACCESS_LOGS = "load-balancer-access-logs"
HTTPS = "load-balancers-https"
ALB = "alb.ingress.kubernetes.io/"
ACL = "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/case/00000000-0000-0000-0000-000000000004"
CERTIFICATE = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000005"
ATTRIBUTES = "access_logs.s3.enabled=true,access_logs.s3.bucket=case-logs,deletion_protection.enabled=true"
BOTH_PORTS = json.dumps([{"HTTP": 80}, {"HTTPS": 443}])


def ingress(scheme: str = "internet-facing", **changes: Any) -> Any:
    """web's Ingress as prod declares it; `changes` sets annotations by their short name (None drops one)."""
    annotations: dict[str, Any] = {
        "scheme": scheme,
        "listen-ports": BOTH_PORTS,
        "certificate-arn": CERTIFICATE,
        "ssl-redirect": "443",
        "wafv2-acl-arn": ACL,
        "load-balancer-attributes": ATTRIBUTES,
    }
    annotations.update({key.replace("_", "-"): value for key, value in changes.items()})

    def program() -> None:
        backend = {"service": {"name": "web", "port": {"name": "http"}}}
        k8s.networking.v1.Ingress(
            "case",
            metadata={
                "name": "case",
                "namespace": "web",
                "annotations": {ALB + key: value for key, value in annotations.items() if value is not None},
            },
            spec={
                "ingressClassName": "alb",
                "rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}],
            },
        )

    return program


def nlb_service(scheme: str) -> None:
    k8s.core.v1.Service(
        "case",
        metadata={"name": "case", "annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": scheme}},
        spec={"type": "LoadBalancer", "selector": {"app": "case"}, "ports": [{"port": 443, "targetPort": 8443}]},
    )


def load_balancer(web_acl: bool = True, logs: bool = True, internal: bool = False, kind: str = "application") -> Any:
    def program() -> None:
        balancer = aws.lb.LoadBalancer(
            "case",
            internal=internal,
            load_balancer_type=kind,
            subnets=["subnet-a", "subnet-b"],
            access_logs={"bucket": "case-logs", "enabled": logs},
            enable_deletion_protection=logs,
        )
        if web_acl:
            aws.wafv2.WebAclAssociation("case", resource_arn=balancer.arn, web_acl_arn=ACL)

    return program


# --- internet-facing-load-balancers-have-waf ---


@pytest.mark.parametrize(
    "program",
    [
        ingress(),
        ingress("internal", wafv2_acl_arn=None),
        load_balancer(),
        load_balancer(web_acl=False, internal=True),
        lambda: nlb_service("internal"),
    ],
    ids=["ingress-with-acl", "internal-ingress", "alb-with-association", "internal-alb", "internal-nlb"],
)
def test_load_balancers_with_a_web_acl_or_off_the_internet_pass(program: Any) -> None:
    assert findings_of_program(WAF, program, PROTECTED) == []


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (ingress(wafv2_acl_arn=None), "wafv2-acl-arn None"),
        (ingress(wafv2_acl_arn="none"), "wafv2-acl-arn 'none'"),
        (load_balancer(web_acl=False), "no WebAclAssociation"),
        (lambda: nlb_service("internet-facing"), "cannot take a web ACL"),
    ],
    ids=["ingress-without-acl", "ingress-acl-removed", "alb-without-association", "internet-facing-nlb"],
)
def test_internet_facing_load_balancers_without_a_web_acl_are_refused_in_protected_stacks(
    program: Any, named: str
) -> None:
    [found] = findings_of_program(WAF, program, PROTECTED)
    assert named in found.message
    assert found.enforcement == "mandatory"
    assert findings_of_program(WAF, program, UNPROTECTED) == []


def test_an_acl_arn_unknown_in_a_first_preview_is_the_analyzers_advisory() -> None:
    def program() -> None:
        arn: pulumi.Output[str] = pulumi.Output(set(), _done(None), _done(False))
        k8s.networking.v1.Ingress(
            "case", metadata={"annotations": {ALB + "scheme": "internet-facing", ALB + "wafv2-acl-arn": arn}}
        )

    [found] = findings_of_program(WAF, program, PROTECTED)
    assert found.enforcement == "advisory"
    assert "can't be known during preview" in found.message


def test_devs_real_ingress_would_be_refused_in_a_protected_stack() -> None:
    """Not vacuous on a real graph: dev's internet-facing Ingress carries no web ACL."""
    [found] = findings(graph("dev").plan, WAF, PROTECTED)
    assert found.resource == "kubernetes:networking.k8s.io/v1:Ingress::ingress-web-web"


# --- load-balancer-access-logs ---


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (ingress(load_balancer_attributes=None), "access_logs.s3.enabled=None"),
        (ingress(load_balancer_attributes="access_logs.s3.enabled=true"), "deletion_protection.enabled=None"),
        (ingress(load_balancer_attributes=ATTRIBUTES.replace("s3.enabled=true", "s3.enabled=false")), "'false'"),
        (load_balancer(logs=False), "accessLogs.enabled is False"),
        (load_balancer(logs=False), "enableDeletionProtection is False"),
    ],
    ids=[
        "ingress-no-attributes",
        "ingress-no-deletion-protection",
        "ingress-logs-off",
        "alb-logs-off",
        "alb-unprotected",
    ],
)
def test_load_balancers_without_access_logs_or_deletion_protection_are_refused_in_protected_stacks(
    program: Any, named: str
) -> None:
    messages = [found.message for found in findings_of_program(ACCESS_LOGS, program, PROTECTED)]
    assert any(named in message for message in messages), messages
    assert findings_of_program(ACCESS_LOGS, program, UNPROTECTED) == []


@pytest.mark.parametrize(
    "program",
    [ingress(), ingress("internal", load_balancer_attributes=None), load_balancer()],
    ids=["ingress", "internal-ingress", "alb"],
)
def test_load_balancers_logging_and_protected_pass(program: Any) -> None:
    assert findings_of_program(ACCESS_LOGS, program, PROTECTED) == []


# --- load-balancers-https ---


@pytest.mark.parametrize(
    "program",
    [
        ingress(),
        ingress(listen_ports=None, ssl_redirect=None),
        ingress(listen_ports=json.dumps([{"HTTPS": 443}])),
        ingress("internal", certificate_arn=None, ssl_redirect=None, listen_ports=None),
    ],
    ids=["redirected", "https-by-default-with-a-certificate", "https-only", "internal-http"],
)
def test_internet_facing_albs_serving_https_pass(program: Any) -> None:
    assert findings_of_program(HTTPS, program, UNPROTECTED) == []


@pytest.mark.parametrize(
    ("program", "named"),
    [
        (ingress(certificate_arn=None, ssl_redirect=None, listen_ports=None), "HTTP:80"),
        (ingress(ssl_redirect=None), "HTTP:80, HTTPS:443"),
    ],
    ids=["http-only", "no-redirect"],
)
def test_internet_facing_albs_serving_plain_http_are_advised(program: Any, named: str) -> None:
    [found] = findings_of_program(HTTPS, program, UNPROTECTED)
    assert named in found.message
    assert found.enforcement == "advisory"


# --- the real stacks ---


@pytest.mark.parametrize("stack", ["prod", "prod-dr"])
def test_protected_stacks_pass_every_edge_rule(stack: str) -> None:
    facts = facts_of(stack_settings(PROJECT_DIR, stack))
    assert facts["protectedStack"] is True
    for name in (WAF, ACCESS_LOGS, HTTPS):
        assert findings(graph(stack).plan, name, facts) == [], name


def test_dev_passes_the_mandatory_edge_rules_and_is_advised_its_alb_serves_plain_http() -> None:
    """dev sets no certificateArn, so web's ALB listens on HTTP 80 only (README, "Sample workloads")."""
    facts = facts_of(stack_settings(PROJECT_DIR, "dev"))
    assert findings(graph("dev").plan, WAF, facts) == []
    assert findings(graph("dev").plan, ACCESS_LOGS, facts) == []
    [found] = findings(graph("dev").plan, HTTPS, facts)
    assert found.enforcement == "advisory"
    assert "HTTP:80" in found.message


@pytest.mark.parametrize("stack", STACKS)
def test_the_edge_rules_have_a_real_internet_facing_ingress_to_examine(stack: str) -> None:
    annotations = graph(stack).one("kubernetes:networking.k8s.io/v1:Ingress")["inputs"]["metadata"]["annotations"]
    assert annotations[ALB + "scheme"] == "internet-facing"
    if stack != "dev":
        assert annotations[ALB + "wafv2-acl-arn"]
        assert "deletion_protection.enabled=true" in annotations[ALB + "load-balancer-attributes"]


def _done(value: Any) -> Any:
    future = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future
