"""kube-prometheus-stack: Prometheus, Alertmanager, node-exporter, kube-state-metrics, the
operator and Grafana, with dashboards and rules from this repository."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from addons.context import ClusterContext
from addons.ebs_csi import STORAGE_CLASS
from addons.helm import helm_release
from addons.observability import alert_routing
from addons.observability.monitors import platform_monitors, platform_rules
from components.kubernetes_objects import declare, resources
from components.system_nodes import critical_addon_placement
from components.tagging import resource_tags
from settings.model import ObservabilitySettings

NAMESPACE = "monitoring"
PROMETHEUS_SERVICE_ACCOUNT = "prometheus"
GRAFANA_ADMIN_SECRET = "grafana-admin"
DASHBOARD_DIR = Path(__file__).parent / "dashboards"
DASHBOARD_LABEL = "grafana_dashboard"
# Labels of the Prometheus pods the operator runs; workloads admit scrapes from them.
PROMETHEUS_POD_LABELS = {"app.kubernetes.io/name": "prometheus"}
ALERTMANAGER_POD_LABELS = {"app.kubernetes.io/name": "alertmanager"}
# The external label Amazon Managed Service for Prometheus de-duplicates replicas by: samples
# with the same `cluster` and another `__replica__` are dropped ("Send high availability data
# to Amazon Managed Service for Prometheus with Prometheus").
AMP_REPLICA_LABEL = "__replica__"


@dataclass(frozen=True)
class PrometheusStackArgs:
    cluster: ClusterContext
    settings: ObservabilitySettings
    # Grafana's name in the zone external-dns manages, one per region (None: no zone).
    grafana_hostname: str | None
    # The gp3 StorageClass and EBS CSI driver (volumes), and Karpenter's NodePools (capacity).
    storage: Sequence[pulumi.Resource]
    capacity: Sequence[pulumi.Resource]
    # The encrypted SNS topic critical alerts go to, and its KMS key.
    alert_topic_arn: pulumi.Input[str]
    alerts_key_arn: pulumi.Input[str]
    # nodeSelector/tolerations of pods with volumes (Prometheus, Alertmanager).
    stateful_placement: dict[str, Any]
    # The VPC's CIDR: the sources Grafana's internal load balancer admits, with settings' own.
    vpc_cidr: str
    # The platform's key for data at rest (the Managed Prometheus workspace), and whether what
    # holds state (the workspace, the CRD release, the admin password) is protected.
    data_key_arn: pulumi.Input[str]
    protect: bool


def _volume(size_gib: int) -> dict[str, Any]:
    spec = {
        "storageClassName": STORAGE_CLASS,
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": f"{size_gib}Gi"}},
    }
    return {"volumeClaimTemplate": {"spec": spec}}


def _zone_spread(pod_labels: dict[str, str]) -> list[dict[str, Any]]:
    """Replicas in different zones, so a zone outage leaves one running."""
    return [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": pod_labels},
        }
    ]


def _remote_write(args: PrometheusStackArgs, url: str) -> dict[str, Any]:
    """SigV4 writes to AMP; replicas carry the labels AMP de-duplicates them by."""
    spec: dict[str, Any] = {"remoteWrite": [{"url": url, "sigv4": {"region": args.cluster.region}}]}
    if args.settings.prometheus_replicas > 1:
        spec["externalLabels"] = {"cluster": args.cluster.cluster_name}
        spec["replicaExternalLabelName"] = AMP_REPLICA_LABEL
    return spec


def stack_values(args: PrometheusStackArgs, remote_write_url: str | None, alert_topic_arn: str) -> dict[str, Any]:
    settings, region = args.settings, args.cluster.region
    replicated = settings.prometheus_replicas > 1
    budget = {"enabled": replicated, "minAvailable": 1}
    prometheus_spec: dict[str, Any] = {
        "replicas": settings.prometheus_replicas,
        "retention": settings.prometheus_retention,
        "storageSpec": _volume(settings.prometheus_volume_gib),
        "resources": resources("500m", "2Gi", "2", "4Gi"),
        "topologySpreadConstraints": _zone_spread(PROMETHEUS_POD_LABELS),
        **args.stateful_placement,
        # Pick up every ServiceMonitor, PodMonitor and PrometheusRule, not only the chart's own.
        "serviceMonitorSelectorNilUsesHelmValues": False,
        "podMonitorSelectorNilUsesHelmValues": False,
        "ruleSelectorNilUsesHelmValues": False,
    }
    if remote_write_url:
        prometheus_spec.update(_remote_write(args, remote_write_url))
    return {
        "crds": {"enabled": False},
        # EKS runs the control plane; these components cannot be scraped.
        "kubeEtcd": {"enabled": False},
        "kubeControllerManager": {"enabled": False},
        "kubeScheduler": {"enabled": False},
        "kubeProxy": {"enabled": False},
        "prometheus": {
            "serviceAccount": {"create": True, "name": PROMETHEUS_SERVICE_ACCOUNT},
            "service": {"type": "ClusterIP"},
            "podDisruptionBudget": budget,
            "prometheusSpec": prometheus_spec,
        },
        "alertmanager": {
            "serviceAccount": {"create": True, "name": alert_routing.SERVICE_ACCOUNT},
            "service": {"type": "ClusterIP"},
            "podDisruptionBudget": budget,
            "config": alert_routing.alertmanager_config(alert_topic_arn, region, settings.heartbeat_url is not None),
            "alertmanagerSpec": {
                "replicas": settings.prometheus_replicas,
                "storage": _volume(10),
                "resources": resources("50m", "128Mi", "200m", "256Mi"),
                "secrets": [alert_routing.HEARTBEAT_SECRET] if settings.heartbeat_url else [],
                "topologySpreadConstraints": _zone_spread(ALERTMANAGER_POD_LABELS),
                **args.stateful_placement,
            },
        },
        "prometheusOperator": {"resources": resources("100m", "128Mi", "500m", "512Mi"), **critical_addon_placement()},
        "kube-state-metrics": {"resources": resources("50m", "128Mi", "500m", "512Mi"), **critical_addon_placement()},
        "prometheus-node-exporter": {"resources": resources("20m", "32Mi", "200m", "128Mi")},
        "grafana": _grafana_values(settings, args.grafana_hostname, args.vpc_cidr),
    }


def _grafana_values(settings: ObservabilitySettings, hostname: str | None, vpc_cidr: str) -> dict[str, Any]:
    ingress: dict[str, Any] = {"enabled": False}
    if settings.grafana_internal_ingress:
        ingress = {
            "enabled": True,
            "ingressClassName": "alb",
            "annotations": _grafana_alb_annotations(settings, vpc_cidr),
            "hosts": [hostname] if hostname else [],
            "path": "/",
        }
    return {
        # The admin password is generated by Pulumi into this Secret; the chart never sees a literal.
        "admin": {"existingSecret": GRAFANA_ADMIN_SECRET, "userKey": "admin-user", "passwordKey": "admin-password"},
        "service": {"type": "ClusterIP"},
        "ingress": ingress,
        "resources": resources("100m", "256Mi", "500m", "512Mi"),
        "sidecar": {
            "dashboards": {"enabled": True, "label": DASHBOARD_LABEL, "labelValue": "1", "searchNamespace": NAMESPACE},
            "datasources": {"defaultDatasourceEnabled": True, "uid": "prometheus"},
        },
    }


def _grafana_alb_annotations(settings: ObservabilitySettings, vpc_cidr: str) -> dict[str, str]:
    """Internal (reachable from inside the VPC, a VPN or a peer, never the internet), HTTPS only,
    and the controller's security group admits only the VPC and the CIDRs settings name."""
    assert settings.grafana_certificate_arn, "settings require a certificate with grafanaInternalIngress"
    return {
        "alb.ingress.kubernetes.io/scheme": "internal",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTPS": 443}]),
        "alb.ingress.kubernetes.io/certificate-arn": settings.grafana_certificate_arn,
        "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "alb.ingress.kubernetes.io/inbound-cidrs": ",".join([vpc_cidr, *settings.grafana_inbound_cidrs]),
        "alb.ingress.kubernetes.io/healthcheck-path": "/api/health",
    }


def dashboard_config_maps() -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"dashboard-{path.stem}", "namespace": NAMESPACE, "labels": {DASHBOARD_LABEL: "1"}},
            "data": {path.name: path.read_text()},
        }
        for path in sorted(DASHBOARD_DIR.glob("*.json"))
    ]


def remote_write_policy(workspace_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "RemoteWrite", "Effect": "Allow", "Action": "aps:RemoteWrite", "Resource": workspace_arn}
            ],
        }
    )


class PrometheusStack(pulumi.ComponentResource):
    release: pulumi.Resource

    def __init__(self, name: str, args: PrometheusStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:addons:PrometheusStack", name, None, opts)
        cluster = args.cluster
        on_cluster = cluster.on_cluster(self)
        namespace = declare(_namespace(), on_cluster)
        after_namespace = pulumi.ResourceOptions.merge(on_cluster, pulumi.ResourceOptions(depends_on=[namespace]))
        password = random.RandomPassword(
            f"{name}-grafana-admin",
            length=32,
            special=False,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        admin_secret = declare(_grafana_admin_secret(password.result), after_namespace)
        remote_write_url, grants = self._managed_prometheus(name, args)
        alerting = self._alert_routing(name, args, after_namespace)
        # Deleting the CRD chart deletes every monitor and rule, and Prometheus with them.
        crds = helm_release("prometheus-operator-crds", NAMESPACE, {}, after_namespace, protect=args.protect)
        values = pulumi.Output.all(remote_write_url, args.alert_topic_arn).apply(
            lambda resolved: stack_values(args, resolved[0], resolved[1])
        )
        self.release = helm_release(
            "kube-prometheus-stack",
            NAMESPACE,
            values,
            after_namespace,
            after=[crds, admin_secret, cluster.system_nodes, *args.storage, *args.capacity, *grants, *alerting],
            skip_crds=True,
        )
        for manifest in dashboard_config_maps():
            declare(manifest, after_namespace)
        after_operator = pulumi.ResourceOptions.merge(
            on_cluster, pulumi.ResourceOptions(depends_on=[crds, self.release])
        )
        for manifest in [*platform_monitors(NAMESPACE), platform_rules(NAMESPACE)]:
            declare(manifest, after_operator)
        self.register_outputs({})

    def _alert_routing(
        self, name: str, args: PrometheusStackArgs, after_namespace: pulumi.ResourceOptions
    ) -> list[pulumi.Resource]:
        """Alertmanager's Pod Identity to publish to the alarm topic, and the heartbeat URL Secret."""
        cluster = args.cluster
        policy = pulumi.Output.all(args.alert_topic_arn, args.alerts_key_arn).apply(
            lambda arns: alert_routing.publish_policy(arns[0], arns[1], cluster.region)
        )
        identity = cluster.identity(
            self, f"{name}-alertmanager", NAMESPACE, alert_routing.SERVICE_ACCOUNT, inline_policies={"publish": policy}
        )
        prerequisites: list[pulumi.Resource] = list(identity.grants)
        url = args.settings.heartbeat_url
        if url:
            prerequisites.append(
                declare(alert_routing.heartbeat_secret(NAMESPACE, pulumi.Output.secret(url)), after_namespace)
            )
        return prerequisites

    def _managed_prometheus(
        self, name: str, args: PrometheusStackArgs
    ) -> tuple[pulumi.Input[str | None], list[pulumi.Resource]]:
        """Long-term storage in Amazon Managed Service for Prometheus, written over SigV4."""
        if not args.settings.managed_prometheus:
            return None, []
        cluster = args.cluster
        workspace = aws.amp.Workspace(
            f"{name}-amp",
            alias=cluster.cluster_name,
            kms_key_arn=args.data_key_arn,
            tags=resource_tags(cluster.tags, f"{name}-amp"),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        identity = cluster.identity(
            self,
            f"{name}-remote-write",
            NAMESPACE,
            PROMETHEUS_SERVICE_ACCOUNT,
            inline_policies={"remote-write": workspace.arn.apply(remote_write_policy)},
        )
        url = workspace.prometheus_endpoint.apply(lambda endpoint: f"{endpoint.rstrip('/')}/api/v1/remote_write")
        return url, identity.grants


def _namespace() -> dict[str, Any]:
    # node-exporter needs the host's network and PID namespaces, so the namespace admits
    # privileged pods; audit and warn still report anything short of `restricted`.
    labels = {
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
    }
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE, "labels": labels}}


def _grafana_admin_secret(password: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": GRAFANA_ADMIN_SECRET, "namespace": NAMESPACE},
        "type": "Opaque",
        "stringData": {"admin-user": "admin", "admin-password": password},
    }
