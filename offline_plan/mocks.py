"""Pulumi mocks that answer like AWS would, including pulumi-eks's remote components."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs

from offline_plan.cloud_values import (
    ENGINE_SECRET_OUTPUTS,
    alb_hosted_zone,
    computed_state,
    digest,
    eks_cluster_state,
    ingress_status,
    kubeconfig,
    resource_id,
)
from settings.aws_catalog import region_zones


def availability_zones(region: str, query: dict[str, Any]) -> dict[str, Any]:
    """DescribeAvailabilityZones as one real account sees the region (settings/data), with
    the exclusions applied the way the provider applies them."""
    excluded_ids = set(query.get("excludeZoneIds") or [])
    excluded_names = set(query.get("excludeNames") or [])
    zones = sorted(
        (name, zone_id)
        for name, zone_id in region_zones(region).items()
        if zone_id not in excluded_ids and name not in excluded_names
    )
    return {"names": [name for name, _ in zones], "zoneIds": [zone_id for _, zone_id in zones], "id": region}


def engine_secrets(typ: str, state: dict[str, Any]) -> dict[str, Any]:
    """Mark the outputs the engine would keep secret, so the program sees them as secrets too."""
    secret = ENGINE_SECRET_OUTPUTS.get(typ, ())
    return {
        key: {rpc._special_sig_key: rpc._special_secret_sig, "value": value} if key in secret else value
        for key, value in state.items()
    }


# The engine's builtin invoke behind stack references (pulumi/pulumi pkg/resource/deploy/builtins.go).
READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs"


class UnmockedInvokeError(RuntimeError):
    """The program called a data source the offline plan cannot answer yet."""


class PlatformMocks(pulumi.runtime.Mocks):
    """Computed values with the stack's region and a fixed account id."""

    def __init__(
        self, project: str, stack: str, region: str, account: str, deployed: Mapping[str, Mapping[str, Any]]
    ) -> None:
        self.project = project
        # Other stacks' outputs, as the state backend would answer a stack reference.
        self.deployed = deployed
        self.stack = stack
        self.region = region
        self.account = account
        self.monitor: MockMonitor | None = None
        # (type, name) -> the name an alias says the resource had: the cloud resource is the
        # existing one, so its id and physical name are still those of the old name.
        self.former_names: dict[tuple[str, str], str] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "eks:index:Cluster":
            return None, self._eks_cluster(args)
        if args.typ == "eks:index:ManagedNodeGroup":
            return None, self._managed_node_group(args)
        if not args.custom:
            return None, {}
        name = self.former_names.get((args.typ, args.name), args.name)
        if args.typ == "kubernetes:networking.k8s.io/v1:Ingress":
            return None, {**args.inputs, "status": ingress_status(args.inputs, name, self.stack, self.region)}
        state = computed_state(args.typ, name, args.inputs, self.region, self.stack, self.account)
        rid = state.pop("id")
        return rid, {**args.inputs, **engine_secrets(args.typ, state)}

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        if args.token == READ_STACK_OUTPUTS:
            return self._stack_outputs(str(args.args.get("name", "")))
        return self._invoke(args), []

    def _stack_outputs(self, name: str) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        """The engine's stack-reference read: a stack never deployed is an error, as in the service."""
        outputs = self.deployed.get(name.rsplit("/", 1)[-1])
        if outputs is None:
            return {}, [("name", f"unknown stack {name!r}")]
        return {"name": name, "outputs": dict(outputs), "secretOutputNames": []}, []

    def _invoke(self, args: MockCallArgs) -> dict[str, Any]:
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availability_zones(self.region, args.args)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account,
                "arn": f"arn:aws:sts::{self.account}:assumed-role/offline-plan/offline-plan",
                "userId": "AROAOFFLINEPLAN:offline-plan",
                "id": self.account,
            }
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if args.token in ("aws:index/getRegion:getRegion", "aws:index/region:getRegion"):
            return {"name": self.region, "region": self.region, "id": self.region}
        if args.token == "aws:lb/getHostedZoneId:getHostedZoneId":
            region = args.args.get("region") or self.region
            return {"id": alb_hosted_zone(region), "region": region}
        raise UnmockedInvokeError(f"offline plan has no mock for invoke {args.token}; add one in {__name__}")

    # pulumi-eks components are remote: the eks provider creates their children at
    # deploy time. Outputs typed as resources must be references to a resource the
    # monitor knows, so the mock registers the child the real component would own.
    def _eks_cluster(self, args: MockResourceArgs) -> dict[str, Any]:
        cluster_name = args.inputs.get("name") or args.name
        child = eks_cluster_state(cluster_name, self.region, self.stack, self.account)
        reference = self._register_child(args, "aws:eks/cluster:Cluster", f"{args.name}-eksCluster", child)
        issuer = child["identities"][0]["oidcs"][0]["issuer"]
        role_arn = (args.inputs.get("providerCredentialOpts") or {}).get("roleArn")
        config = kubeconfig(cluster_name, child["endpoint"], self.region, role_arn)
        return {
            **args.inputs,
            "eksCluster": reference,
            "kubeconfig": config,
            "kubeconfigJson": json.dumps(config),
            "oidcProviderUrl": issuer.removeprefix("https://"),
            "oidcIssuer": issuer.removeprefix("https://"),
            "oidcProviderArn": f"arn:aws:iam::{self.account}:oidc-provider/{issuer.removeprefix('https://')}",
            "clusterSecurityGroupId": child["vpcConfig"]["clusterSecurityGroupId"],
            "nodeSecurityGroupId": "sg-" + digest(self.stack, cluster_name, "node-sg"),
        }

    def _managed_node_group(self, args: MockResourceArgs) -> dict[str, Any]:
        group_name = f"{args.name}-{digest(self.stack, args.name, length=7)}"
        child = {
            "nodeGroupName": group_name,
            "arn": f"arn:aws:eks:{self.region}:{self.account}:nodegroup/{group_name}",
            "status": "ACTIVE",
            **{key: value for key, value in args.inputs.items() if key != "cluster"},
        }
        reference = self._register_child(args, "aws:eks/nodeGroup:NodeGroup", f"{args.name}-nodeGroup", child)
        return {**args.inputs, "nodeGroup": reference}

    def _register_child(self, parent: MockResourceArgs, typ: str, name: str, state: dict[str, Any]) -> dict[str, Any]:
        assert self.monitor is not None, "PlatformMocks.monitor must be set before evaluation"
        urn = f"urn:pulumi:{self.stack}::{self.project}::{parent.typ}${typ}::{name}"
        rid = resource_id(self.stack, typ, name)
        self.monitor.resources[urn] = MockMonitor.ResourceRegistration(urn, rid, state)
        return {rpc._special_sig_key: rpc._special_resource_sig, "urn": urn, "id": rid}
