"""The VPC: public and private subnets per AZ, NAT, flow logs and VPC endpoints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.iam import policy_document, service_trust_policy
from components.subnet_plan import plan_subnets
from components.tagging import resource_tags
from settings.aws_catalog import eks_unsupported_zone_ids
from settings.model import NetworkSettings

ELB_ROLE_TAG = "kubernetes.io/role/elb"
INTERNAL_ELB_ROLE_TAG = "kubernetes.io/role/internal-elb"
KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery"


@dataclass(frozen=True)
class NetworkArgs:
    name: str
    cluster_name: str
    region: str
    settings: NetworkSettings
    logs_key_arn: pulumi.Input[str]
    tags: Mapping[str, str]
    protect: bool


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    # Known before deployment: where the internet-facing load balancers live.
    public_subnet_cidrs: list[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:components:Network", name, None, opts)
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        cfg = args.settings
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=cfg.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags(f"{name}-vpc"),
            opts=self._child,
        )
        # By zone ID, not name: names map to IDs differently per account, and EKS refuses
        # control-plane subnets in some zone IDs.
        zones = aws.get_availability_zones_output(
            state="available",
            exclude_zone_ids=list(eks_unsupported_zone_ids()),
            filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
            opts=pulumi.InvokeOutputOptions(parent=self),
        ).zone_ids
        plan = plan_subnets(cfg.vpc_cidr, cfg.az_count)
        self.public_subnet_cidrs = [az.public for az in plan]
        public = [self._subnet("public", i, az.public, zones[i], {ELB_ROLE_TAG: "1"}) for i, az in enumerate(plan)]
        private_tags = {INTERNAL_ELB_ROLE_TAG: "1", KARPENTER_DISCOVERY_TAG: args.cluster_name}
        private = [self._subnet("private", i, az.private, zones[i], private_tags) for i, az in enumerate(plan)]

        self._public_routes(public)
        nat_count = cfg.az_count if cfg.nat_gateways == "perAz" else 1
        nats = [self._nat_gateway(i, public[i]) for i in range(nat_count)]
        private_tables = [self._private_routes(i, subnet, nats[i % nat_count]) for i, subnet in enumerate(private)]

        self._flow_logs()
        self._s3_gateway_endpoint(private_tables)
        if cfg.interface_endpoints:
            self._interface_endpoints(cfg.interface_endpoints, private)

        self.vpc_id = self.vpc.id
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in public])
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in private])
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
            }
        )

    def _tags(self, name: str, **extra: str) -> dict[str, str]:
        return resource_tags(self._args.tags, name, **extra)

    def _subnet(
        self, tier: str, index: int, cidr: str, zone_id: pulumi.Input[str], role_tags: Mapping[str, str]
    ) -> aws.ec2.Subnet:
        name = f"{self._args.name}-{tier}-{index}"
        return aws.ec2.Subnet(
            name,
            vpc_id=self.vpc.id,
            cidr_block=cidr,
            availability_zone_id=zone_id,
            map_public_ip_on_launch=False,
            tags=self._tags(name, tier=tier, **role_tags),
            opts=self._child,
        )

    def _public_routes(self, public: list[aws.ec2.Subnet]) -> None:
        name = self._args.name
        self.internet_gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags=self._tags(f"{name}-igw"), opts=self._child
        )
        table = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": self.internet_gateway.id}],
            tags=self._tags(f"{name}-public"),
            opts=self._child,
        )
        for i, subnet in enumerate(public):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{i}", subnet_id=subnet.id, route_table_id=table.id, opts=self._child
            )

    def _nat_gateway(self, index: int, subnet: aws.ec2.Subnet) -> aws.ec2.NatGateway:
        name = f"{self._args.name}-nat-{index}"
        eip = aws.ec2.Eip(name, domain="vpc", tags=self._tags(name), opts=self._child)
        return aws.ec2.NatGateway(
            name,
            allocation_id=eip.allocation_id,
            subnet_id=subnet.id,
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.internet_gateway]),
        )

    def _private_routes(self, index: int, subnet: aws.ec2.Subnet, nat: aws.ec2.NatGateway) -> aws.ec2.RouteTable:
        name = f"{self._args.name}-private-{index}"
        table = aws.ec2.RouteTable(
            name,
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}],
            tags=self._tags(name),
            opts=self._child,
        )
        aws.ec2.RouteTableAssociation(name, subnet_id=subnet.id, route_table_id=table.id, opts=self._child)
        return table

    def _flow_logs(self) -> None:
        args = self._args
        name = f"{args.name}-flow-logs"
        log_group = aws.cloudwatch.LogGroup(
            name,
            name=f"/aws/vpc/{args.cluster_name}/flow-logs",
            retention_in_days=args.settings.flow_log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        # Only flow logs of this account may use the role (confused-deputy protection).
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        trust = account_id.apply(
            lambda account: service_trust_policy(
                "vpc-flow-logs.amazonaws.com",
                {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:{args.region}:{account}:vpc-flow-log/*"},
                },
            )
        )
        role = aws.iam.Role(
            name,
            assume_role_policy=trust,
            tags=self._tags(name),
            opts=self._child,
        )
        aws.iam.RolePolicy(
            name,
            role=role.id,
            policy=policy_document(
                [
                    {
                        "Sid": "WriteFlowLogs",
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        "Resource": [log_group.arn, pulumi.Output.concat(log_group.arn, ":log-stream:*")],
                    }
                ]
            ),
            opts=self._child,
        )
        aws.ec2.FlowLog(
            name,
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=self._tags(name),
            opts=self._child,
        )

    def _s3_gateway_endpoint(self, route_tables: list[aws.ec2.RouteTable]) -> None:
        name = f"{self._args.name}-s3"
        aws.ec2.VpcEndpoint(
            name,
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{self._args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[table.id for table in route_tables],
            tags=self._tags(name),
            opts=self._child,
        )

    def _interface_endpoints(self, services: tuple[str, ...], private: list[aws.ec2.Subnet]) -> None:
        args = self._args
        sg_name = f"{args.name}-endpoints"
        security_group = aws.ec2.SecurityGroup(
            sg_name,
            vpc_id=self.vpc.id,
            description="HTTPS from inside the VPC to AWS interface endpoints",
            ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [args.settings.vpc_cidr]}],
            tags=self._tags(sg_name),
            opts=self._child,
        )
        for service in services:
            name = f"{args.name}-{service.replace('.', '-')}"
            aws.ec2.VpcEndpoint(
                name,
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[subnet.id for subnet in private],
                security_group_ids=[security_group.id],
                tags=self._tags(name),
                opts=self._child,
            )
