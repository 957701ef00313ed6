"""AWS Load Balancer Controller: ALBs for Ingresses, with the controller's published IAM policy."""

from __future__ import annotations

from pathlib import Path

import pulumi

from addons.context import ClusterContext
from addons.helm import helm_release
from components.kubernetes_objects import resources
from components.system_nodes import critical_addon_placement

NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "aws-load-balancer-controller"
# docs/install/iam_policy.json of kubernetes-sigs/aws-load-balancer-controller v2.17.1,
# applied as published: its mutating statements are already conditioned on the
# elbv2.k8s.aws/cluster tags the controller sets, and an edited copy would drift from the
# policy its maintainers test with each release.
IAM_POLICY_FILE = Path(__file__).parent / "policies" / "aws-load-balancer-controller.json"
# The chart's selector labels (templates/_helpers.tpl); the release is named after the chart.
POD_LABELS = {
    "app.kubernetes.io/name": "aws-load-balancer-controller",
    "app.kubernetes.io/instance": "aws-load-balancer-controller",
}
# One replica per zone: a zone outage leaves a controller to reconcile (and serve the pod-readiness webhook).
ZONE_SPREAD = [
    {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": POD_LABELS},
    }
]


class AwsLoadBalancerController(pulumi.ComponentResource):
    release: pulumi.Resource

    def __init__(self, name: str, cluster: ClusterContext, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:addons:AwsLoadBalancerController", name, None, opts)
        identity = cluster.identity(
            self, name, NAMESPACE, SERVICE_ACCOUNT, inline_policies={"controller": IAM_POLICY_FILE.read_text()}
        )
        values = pulumi.Output.from_input(cluster.vpc_id).apply(
            lambda vpc_id: {
                "clusterName": cluster.cluster_name,
                "region": cluster.region,
                "vpcId": vpc_id,
                "replicaCount": 2,
                "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
                "podDisruptionBudget": {"maxUnavailable": 1},
                "topologySpreadConstraints": ZONE_SPREAD,
                # IP targets: the ALB sends traffic straight to pods (VPC CNI).
                "defaultTargetType": "ip",
                # Only Services that ask for an NLB are touched, not every LoadBalancer Service.
                "enableServiceMutatorWebhook": False,
                "resources": resources("100m", "128Mi", "500m", "256Mi"),
                **critical_addon_placement(),
            }
        )
        self.release = helm_release(
            "aws-load-balancer-controller",
            NAMESPACE,
            values,
            cluster.on_cluster(self),
            after=cluster.critical_addon_prerequisites(identity),
        )
        self.register_outputs({})
