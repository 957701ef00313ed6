"""Karpenter, complete and in order: identity, node role and access entry, interruption
queue, CRDs, controller, then the EC2NodeClass and NodePools.

Ordering (each an explicit edge): the controller starts only once the system nodes,
CoreDNS, the Pod Identity agent, the node access entry, the interruption queue and
the CRDs exist; node classes and pools depend on the controller, so `pulumi destroy`
deletes them while the controller still runs and can drain their nodes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from addons.helm import helm_release
from addons.karpenter.chart_values import controller_values
from addons.karpenter.interruption import interruption_queue
from addons.karpenter.manifests import ec2_node_class, node_pool
from addons.karpenter.policy import (
    CONTROLLER_NAMESPACE,
    CONTROLLER_POLICY_NAMES,
    CONTROLLER_SERVICE_ACCOUNT,
    controller_policies,
    irsa_trust,
)
from components.iam import key_use_through, node_role
from components.kubernetes_objects import declare
from components.pod_identity import pod_identity_trust
from components.tagging import resource_tags
from settings.model import KarpenterSettings


@dataclass(frozen=True)
class KarpenterArgs:
    settings: KarpenterSettings
    cluster_name: str
    region: str
    # An output of the cluster, so everything that names it waits for the cluster.
    cluster_name_output: pulumi.Input[str]
    oidc_provider_arn: pulumi.Input[str]
    oidc_provider_url: pulumi.Input[str]
    kubernetes_provider: k8s.Provider
    tags: Mapping[str, str]
    # The platform's key for data at rest: node volumes are encrypted with it.
    volume_key_arn: pulumi.Input[str]
    # The cluster's VPC: the controller launches nodes only into its subnets and security groups.
    vpc_id: pulumi.Input[str]
    # Stack protects stateful resources: the CRD release is protected too.
    protect: bool
    # What must run before the controller starts (system nodes, CoreDNS, Pod Identity agent).
    controller_prerequisites: Sequence[pulumi.Resource]


class Karpenter(pulumi.ComponentResource):
    node_role_name: pulumi.Output[str]
    queue_name: pulumi.Output[str]
    # The NodePools: workloads that need nodes wait for them.
    node_pools: list[pulumi.Resource]

    def __init__(self, name: str, args: KarpenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:addons:Karpenter", name, None, opts)
        self._args = args
        self._prefix = f"{args.cluster_name}-karpenter"
        node_role = self._node_role()
        access_entry = aws.eks.AccessEntry(
            f"{self._prefix}-node",
            cluster_name=args.cluster_name_output,
            principal_arn=node_role.arn,
            type="EC2_LINUX",
            tags=self._tags(f"{self._prefix}-node"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        interruption = interruption_queue(self, args.cluster_name, args.tags)
        identity = self._controller_identity(node_role, interruption.queue)

        on_cluster = pulumi.ResourceOptions(parent=self, provider=args.kubernetes_provider)
        # Deleting the CRD chart deletes every NodePool and the nodes under them: protected with state.
        crds = helm_release("karpenter-crd", CONTROLLER_NAMESPACE, {}, on_cluster, protect=args.protect)
        irsa_role_arn = identity.arn if args.settings.identity == "irsa" else None
        values = pulumi.Output.all(interruption.queue.name, irsa_role_arn).apply(
            lambda resolved: controller_values(args.cluster_name, resolved[0], resolved[1])
        )
        controller = helm_release(
            "karpenter",
            CONTROLLER_NAMESPACE,
            values,
            on_cluster,
            skip_crds=True,
            after=[
                *args.controller_prerequisites,
                access_entry,
                interruption.queue,
                interruption.policy,
                crds,
                *identity.grants,
            ],
        )
        self.node_pools = self._node_objects(node_role, crds, controller, on_cluster)

        self.node_role_name = node_role.name
        self.queue_name = interruption.queue.name
        self.register_outputs({"node_role_name": self.node_role_name, "queue_name": self.queue_name})

    def _tags(self, name: str) -> dict[str, str]:
        return resource_tags(self._args.tags, name)

    def _node_role(self) -> aws.iam.Role:
        """The role Karpenter's nodes run as; its exact name goes into the EC2NodeClass."""
        name = f"{self._prefix}-node"
        return node_role(self, name, self._args.tags, role_name=name)

    def _controller_identity(self, node_role: aws.iam.Role, queue: aws.sqs.Queue) -> _ControllerIdentity:
        args = self._args
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        if args.settings.identity == "irsa":
            trust = pulumi.Output.all(args.oidc_provider_arn, args.oidc_provider_url).apply(
                lambda oidc: json.dumps(irsa_trust(oidc[0], oidc[1]))
            )
        else:
            trust = pulumi.Output.all(account_id, args.cluster_name_output).apply(
                lambda ids: json.dumps(
                    pod_identity_trust(ids[0], ids[1], CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT)
                )
            )
        role = aws.iam.Role(
            self._prefix,
            name=self._prefix,
            assume_role_policy=trust,
            tags=self._tags(self._prefix),
            opts=pulumi.ResourceOptions(parent=self),
        )
        documents = pulumi.Output.all(account_id, node_role.arn, queue.arn, args.vpc_id).apply(
            lambda ids: controller_policies(args.region, ids[0], args.cluster_name, ids[1], ids[2], ids[3])
        )
        grants: list[pulumi.Resource] = []
        for concern in CONTROLLER_POLICY_NAMES:
            policy = aws.iam.Policy(
                f"{self._prefix}-{concern}",
                description=f"Karpenter controller: {concern} ({args.cluster_name})",
                policy=documents[concern].apply(json.dumps),
                tags=self._tags(f"{self._prefix}-{concern}"),
                opts=pulumi.ResourceOptions(parent=self),
            )
            grants.append(
                aws.iam.RolePolicyAttachment(
                    f"{self._prefix}-{concern}",
                    role=role.name,
                    policy_arn=policy.arn,
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        # Karpenter launches nodes itself (CreateFleet), so EC2 uses the volume key on its behalf.
        grants.append(
            aws.iam.RolePolicy(
                f"{self._prefix}-volume-key",
                role=role.id,
                policy=key_use_through(f"ec2.{args.region}.amazonaws.com", args.volume_key_arn),
                opts=pulumi.ResourceOptions(parent=self),
            )
        )
        if args.settings.identity == "podIdentity":
            grants.append(
                aws.eks.PodIdentityAssociation(
                    self._prefix,
                    cluster_name=args.cluster_name_output,
                    namespace=CONTROLLER_NAMESPACE,
                    service_account=CONTROLLER_SERVICE_ACCOUNT,
                    role_arn=role.arn,
                    tags=self._tags(self._prefix),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        return _ControllerIdentity(arn=role.arn, grants=grants)

    def _node_objects(
        self,
        node_role: aws.iam.Role,
        crds: pulumi.Resource,
        controller: pulumi.Resource,
        on_cluster: pulumi.ResourceOptions,
    ) -> list[pulumi.Resource]:
        args = self._args
        node_class = declare(
            ec2_node_class(args.settings, args.cluster_name, node_role.name, args.tags, args.volume_key_arn),
            pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=[crds, controller])),
        )
        pools: list[pulumi.Resource] = []
        for pool in args.settings.node_pools:
            pools.append(
                declare(
                    node_pool(pool),
                    pulumi.ResourceOptions.merge(
                        on_cluster, pulumi.ResourceOptions(depends_on=[crds, controller, node_class])
                    ),
                )
            )
        return pools


@dataclass(frozen=True)
class _ControllerIdentity:
    arn: pulumi.Output[str]
    # Everything that must exist before the controller can call AWS.
    grants: list[pulumi.Resource]
