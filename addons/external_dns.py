"""external-dns: Route 53 records for Ingresses, in one hosted zone, owned per cluster."""

from __future__ import annotations

import json

import pulumi

from addons.context import ClusterContext
from addons.helm import helm_release
from components.kubernetes_objects import resources
from components.system_nodes import critical_addon_placement
from settings.model import DnsSettings

NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "external-dns"


def route53_policy(hosted_zone_id: str) -> dict:
    """external-dns's documented permissions, narrowed to the one zone it manages."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ManageRecordsInTheZone",
                "Effect": "Allow",
                "Action": [
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                    "route53:ListTagsForResources",
                ],
                "Resource": f"arn:aws:route53:::hostedzone/{hosted_zone_id}",
            },
            {"Sid": "FindZones", "Effect": "Allow", "Action": "route53:ListHostedZones", "Resource": "*"},
        ],
    }


class ExternalDns(pulumi.ComponentResource):
    release: pulumi.Resource

    def __init__(
        self, name: str, cluster: ClusterContext, dns: DnsSettings, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("eks-platform:addons:ExternalDns", name, None, opts)
        identity = cluster.identity(
            self,
            name,
            NAMESPACE,
            SERVICE_ACCOUNT,
            inline_policies={"route53": json.dumps(route53_policy(dns.hosted_zone_id))},
        )
        values = {
            "provider": {"name": "aws"},
            # Each cluster owns only the records it created, so the prod and prod-dr
            # clusters can share one zone without deleting each other's records.
            "txtOwnerId": cluster.cluster_name,
            "registry": "txt",
            "policy": "sync",
            "domainFilters": [dns.domain],
            "sources": ["ingress", "service"],
            "extraArgs": {"zone-id-filter": dns.hosted_zone_id},
            "env": [{"name": "AWS_DEFAULT_REGION", "value": cluster.region}],
            "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
            "resources": resources("50m", "64Mi", "200m", "128Mi"),
            **critical_addon_placement(),
        }
        self.release = helm_release(
            "external-dns",
            NAMESPACE,
            values,
            cluster.on_cluster(self),
            after=cluster.critical_addon_prerequisites(identity),
        )
        self.register_outputs({})
