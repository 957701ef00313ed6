"""The platform's admission rules on the cluster: one ValidatingAdmissionPolicy and binding per rule."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from addons.admission.manifests import PolicyParameters, admission_manifests, registry_prefixes
from addons.context import ClusterContext
from components.kubernetes_objects import declare


@dataclass(frozen=True)
class AdmissionArgs:
    # The registries workloads may pull from: the stack's own ECR, where its images are mirrored.
    registry_hosts: tuple[str, ...]
    # Where a Service may be of type LoadBalancer: nowhere, the platform publishes through ALB Ingresses.
    load_balancer_namespaces: tuple[str, ...] = ()

    def parameters(self) -> PolicyParameters:
        return PolicyParameters(registry_prefixes(self.registry_hosts), self.load_balancer_namespaces)


class AdmissionPolicies(pulumi.ComponentResource):
    def __init__(
        self, name: str, cluster: ClusterContext, args: AdmissionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("eks-platform:addons:AdmissionPolicies", name, None, opts)
        on_cluster = cluster.on_cluster(self)
        for policy, binding in admission_manifests(args.parameters()):
            declared = declare(policy, on_cluster)
            # A binding without its policy enforces nothing; it follows the policy it names.
            declare(binding, pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=[declared])))
        self.register_outputs({})
