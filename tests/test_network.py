"""Network component: VPC, per-AZ subnets with discovery tags, NAT, flow logs, endpoints."""

from __future__ import annotations

import ipaddress

from settings.aws_catalog import INTERFACE_ENDPOINT_SERVICES
from tests.graph import ref, tag_values
from tests.stack_files import stack_config

NETWORK = "eks-platform:components:Network"


def network_config(stack: str) -> dict:
    return stack_config(stack)["eks-platform:network"]


def test_vpc_has_dns_support_and_the_stack_cidr(any_stack):
    vpc = any_stack.one("aws:ec2/vpc:Vpc")
    assert vpc["inputs"]["enableDnsSupport"] is True
    assert vpc["inputs"]["enableDnsHostnames"] is True
    assert vpc["inputs"]["cidrBlock"] == network_config(any_stack.stack)["vpcCidr"]


def test_every_network_resource_is_a_child_of_the_network_component(any_stack):
    network = any_stack.one(NETWORK)
    for typ in ("aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/flowLog:FlowLog"):
        for resource in any_stack.of_type(typ):
            assert resource["parent"] == ref(network), resource["name"]


def test_subnets_sit_inside_the_vpc_and_are_not_public_by_default(any_stack):
    vpc = ipaddress.IPv4Network(any_stack.one("aws:ec2/vpc:Vpc")["inputs"]["cidrBlock"])
    for subnet in any_stack.of_type("aws:ec2/subnet:Subnet"):
        assert ipaddress.IPv4Network(subnet["inputs"]["cidrBlock"]).subnet_of(vpc)
        assert subnet["inputs"]["mapPublicIpOnLaunch"] is False


def test_subnet_role_tags_for_load_balancers_and_karpenter_discovery(any_stack):
    cluster_name = any_stack.outputs["clusterName"]
    for subnet in any_stack.of_type("aws:ec2/subnet:Subnet"):
        tags = tag_values(subnet)
        if tags["tier"] == "public":
            assert tags.get("kubernetes.io/role/elb") == "1"
            assert "karpenter.sh/discovery" not in tags
        else:
            assert tags.get("kubernetes.io/role/internal-elb") == "1"
            assert tags.get("karpenter.sh/discovery") == cluster_name


def test_nat_gateways_single_in_dev_and_one_per_az_in_prod(dev, prod, prod_dr):
    assert len(dev.of_type("aws:ec2/natGateway:NatGateway")) == 1
    for stack in (prod, prod_dr):
        nats = stack.of_type("aws:ec2/natGateway:NatGateway")
        assert len(nats) == network_config(stack.stack)["azCount"]
        assert len({nat["inputs"]["subnetId"] for nat in nats}) == len(nats)


def test_private_route_tables_send_internet_traffic_through_a_nat_in_a_public_subnet(any_stack):
    nat_ids = {nat["name"]: nat for nat in any_stack.of_type("aws:ec2/natGateway:NatGateway")}
    private_tables = [t for t in any_stack.of_type("aws:ec2/routeTable:RouteTable") if "-private-" in t["name"]]
    assert len(private_tables) == network_config(any_stack.stack)["azCount"]
    for table in private_tables:
        (route,) = table["inputs"]["routes"]
        assert route["cidrBlock"] == "0.0.0.0/0"
        assert route.get("natGatewayId")
        assert any(f"aws:ec2/natGateway:NatGateway::{name}" in table["dependencies"] for name in nat_ids)
    public_table = any_stack.one("aws:ec2/routeTable:RouteTable", f"{any_stack.outputs['clusterName']}-public")
    assert public_table["inputs"]["routes"][0].get("gatewayId")


def test_flow_logs_go_to_an_encrypted_log_group_with_the_stack_retention(any_stack):
    flow_log = any_stack.one("aws:ec2/flowLog:FlowLog")
    assert flow_log["inputs"]["trafficType"] == "ALL"
    assert flow_log["inputs"]["logDestinationType"] == "cloud-watch-logs"
    group = next(g for g in any_stack.of_type("aws:cloudwatch/logGroup:LogGroup") if "flow-logs" in g["inputs"]["name"])
    assert ref(group) in flow_log["dependencies"]
    assert group["inputs"]["retentionInDays"] == network_config(any_stack.stack)["flowLogRetentionDays"]
    assert group["inputs"]["kmsKeyId"].startswith(f"arn:aws:kms:{any_stack.outputs['region']}:")


def test_s3_gateway_endpoint_serves_every_private_route_table(any_stack):
    endpoints = any_stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    (s3,) = [e for e in endpoints if e["inputs"]["vpcEndpointType"] == "Gateway"]
    assert s3["inputs"]["serviceName"] == f"com.amazonaws.{any_stack.outputs['region']}.s3"
    assert len(s3["inputs"]["routeTableIds"]) == network_config(any_stack.stack)["azCount"]


def test_interface_endpoints_only_where_settings_ask_and_only_https_from_the_vpc(dev, prod):
    def interface_endpoints(stack):
        return [
            e for e in stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint") if e["inputs"]["vpcEndpointType"] == "Interface"
        ]

    assert interface_endpoints(dev) == []
    endpoints = interface_endpoints(prod)
    services = {e["inputs"]["serviceName"].removeprefix("com.amazonaws.us-east-1.") for e in endpoints}
    assert services == set(INTERFACE_ENDPOINT_SERVICES)
    assert all(e["inputs"]["privateDnsEnabled"] is True for e in endpoints)
    (group,) = prod.of_type("aws:ec2/securityGroup:SecurityGroup")
    (rule,) = group["inputs"]["ingress"]
    assert (rule["fromPort"], rule["toPort"], rule["protocol"]) == (443, 443, "tcp")
    assert rule["cidrBlocks"] == [network_config("prod")["vpcCidr"]]
