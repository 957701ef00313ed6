"""Grafana's internal ALB: HTTPS only with the certificate from settings, reachable from the VPC
and the networks settings name, never from anywhere else."""

from __future__ import annotations

import json

from tests.conftest import plan_with
from tests.stack_files import stack_config

RELEASE = "kubernetes:helm.sh/v3:Release"
ANNOTATION = "alb.ingress.kubernetes.io/"


def grafana_ingress(stack):
    return stack.one(RELEASE, "kube-prometheus-stack")["inputs"]["values"]["grafana"]["ingress"]


def test_grafana_alb_listens_on_https_only_with_the_settings_certificate(prod, prod_dr):
    for stack in (prod, prod_dr):
        config = stack_config(stack.stack)
        annotations = grafana_ingress(stack)["annotations"]
        assert annotations[f"{ANNOTATION}scheme"] == "internal"
        assert json.loads(annotations[f"{ANNOTATION}listen-ports"]) == [{"HTTPS": 443}]
        assert f"{ANNOTATION}ssl-redirect" not in annotations
        certificate = annotations[f"{ANNOTATION}certificate-arn"]
        assert certificate == config["eks-platform:observability"]["grafanaCertificateArn"]
        assert certificate.startswith(f"arn:aws:acm:{config['aws:region']}:{config['eks-platform:account']['id']}:")
        assert annotations[f"{ANNOTATION}ssl-policy"].startswith("ELBSecurityPolicy-TLS13-")
        # Grafana answers / with a redirect to /login; the health check needs a 200.
        assert annotations[f"{ANNOTATION}healthcheck-path"] == "/api/health"


def test_grafana_alb_admits_only_the_vpc_by_default(prod, prod_dr):
    for stack in (prod, prod_dr):
        vpc = stack_config(stack.stack)["eks-platform:network"]["vpcCidr"]
        annotations = grafana_ingress(stack)["annotations"]
        # Without inbound-cidrs the controller opens the listener to 0.0.0.0/0.
        assert annotations[f"{ANNOTATION}inbound-cidrs"] == vpc


def test_grafana_alb_admits_the_extra_private_networks_settings_name():
    def add_vpn(config):
        config["eks-platform:observability"]["grafanaInboundCidrs"] = ["172.20.0.0/22", "192.168.10.0/24"]

    stack = plan_with("prod", add_vpn)
    cidrs = grafana_ingress(stack)["annotations"][f"{ANNOTATION}inbound-cidrs"].split(",")
    assert cidrs == [stack_config("prod")["eks-platform:network"]["vpcCidr"], "172.20.0.0/22", "192.168.10.0/24"]


def test_no_grafana_load_balancer_without_the_internal_ingress(dev):
    assert grafana_ingress(dev) == {"enabled": False}
    assert "grafanaCertificateArn" not in stack_config("dev")["eks-platform:observability"]
