"""web: podinfo behind an ALB, autoscaled, with read/write access to one S3 bucket."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from addons.observability.prometheus_stack import NAMESPACE as MONITORING_NAMESPACE
from addons.observability.prometheus_stack import PROMETHEUS_POD_LABELS
from components.bucket import BucketArgs, key_use_policy, private_bucket
from components.pod_identity import PodIdentityArgs, pod_identity
from settings.model import WebSettings
from workloads.context import WorkloadContext
from workloads.edge import EdgeArgs, edge_protection
from workloads.failover_dns import EXTERNAL_DNS_CONTROLLER, OWNED_BY_PULUMI, failover_record
from workloads.hardening import (
    container_security_context,
    https_egress,
    labels,
    pod_identity_egress,
    pod_security_context,
    scratch_volume,
    selector,
)
from workloads.objects import disruption_budget, network_policy
from workloads.tenancy import Quota, namespace_manifests

NAMESPACE = "web"
APP = "web"
HTTP_PORT = 9898
METRICS_PORT = 9797
MONGODB_PORT = 27017
CPU_LIMIT_MILLI, MEMORY_LIMIT_MI = 500, 256
# podinfo's read-only routes (pkg/api/http/server.go); the WAF blocks every other one, among them
# /panic, /readyz/disable, /env, /store, /cache, /token, /delay, /ws/echo, /debug/pprof and /metrics
# (Prometheus scrapes the metrics port inside the cluster).
READ_PATHS = ("/", "/healthz", "/readyz", "/version", "/api/info")
# After a pod starts terminating, the controller deregisters it and the ALB needs a few seconds to
# stop sending it new requests; the pod keeps serving meanwhile. Then podinfo drains in-flight
# requests (its server-shutdown-timeout is 5s) within the grace period.
PRE_STOP_SLEEP_SECONDS = 15
TERMINATION_GRACE_SECONDS = PRE_STOP_SLEEP_SECONDS + 15
RESOURCES = {
    "requests": {"cpu": "100m", "memory": "64Mi"},
    "limits": {"cpu": f"{CPU_LIMIT_MILLI}m", "memory": f"{MEMORY_LIMIT_MI}Mi"},
}


def web_manifests(
    web: WebSettings,
    bucket_name: pulumi.Input[str],
    image: str,
    public_subnet_cidrs: list[str],
    hostname: str | None,
    edge_annotations: dict[str, pulumi.Input[str]] | None = None,
    dns_by_failover_record: bool = False,
) -> list[dict[str, Any]]:
    # Room for every replica at its limits plus a rolling update's surge pod.
    pods = web.max_replicas + 1
    quota = Quota(cpu=f"{pods * CPU_LIMIT_MILLI}m", memory=f"{pods * MEMORY_LIMIT_MI}Mi", pods=pods)
    # Pods report ready to the ALB target group before old ones are removed.
    readiness_gates = {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}
    return [
        *namespace_manifests(NAMESPACE, quota, readiness_gates),
        _service_account(),
        _deployment(bucket_name, image),
        _service(),
        _ingress(web, hostname, edge_annotations or {}, dns_by_failover_record),
        _autoscaler(web),
        disruption_budget(NAMESPACE, APP),
        _network_policy(public_subnet_cidrs),
    ]


def _metadata(name: str = APP) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": labels(APP)}


def _service_account() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _metadata(),
        "automountServiceAccountToken": False,
    }


def _deployment(bucket_name: pulumi.Input[str], image: str) -> dict[str, Any]:
    probe = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 2}
    container = {
        "name": "podinfo",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["./podinfo", f"--port={HTTP_PORT}", f"--port-metrics={METRICS_PORT}", "--level=info"],
        "env": [{"name": "BUCKET_NAME", "value": bucket_name}],
        "ports": [
            {"name": "http", "containerPort": HTTP_PORT, "protocol": "TCP"},
            {"name": "http-metrics", "containerPort": METRICS_PORT, "protocol": "TCP"},
        ],
        "startupProbe": {**probe, "periodSeconds": 2, "failureThreshold": 30},
        "livenessProbe": {**probe, "failureThreshold": 3},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 5, "failureThreshold": 2},
        # Kubernetes' own sleep action (on by default since 1.30): no shell or binary in the image needed.
        "lifecycle": {"preStop": {"sleep": {"seconds": PRE_STOP_SLEEP_SECONDS}}},
        "resources": RESOURCES,
        "securityContext": container_security_context(),
        "volumeMounts": [{"name": "data", "mountPath": "/data"}, {"name": "tmp", "mountPath": "/tmp"}],
    }
    spread = [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": when,
            "labelSelector": {"matchLabels": selector(APP)},
        }
        for key, when in (
            ("topology.kubernetes.io/zone", "DoNotSchedule"),
            ("kubernetes.io/hostname", "ScheduleAnyway"),
        )
    ]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(),
        # No replicas: the HorizontalPodAutoscaler owns the count.
        "spec": {
            "selector": {"matchLabels": selector(APP)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": labels(APP)},
                "spec": {
                    "serviceAccountName": APP,
                    "automountServiceAccountToken": False,
                    "securityContext": pod_security_context(),
                    "topologySpreadConstraints": spread,
                    "terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS,
                    "containers": [container],
                    "volumes": [scratch_volume("data"), scratch_volume("tmp")],
                },
            },
        },
    }


def _service() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(APP),
            "ports": [
                {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                {"name": "http-metrics", "port": METRICS_PORT, "targetPort": "http-metrics", "protocol": "TCP"},
            ],
        },
    }


def _ingress(
    web: WebSettings, hostname: str | None, edge_annotations: dict[str, pulumi.Input[str]], failover_record: bool
) -> dict[str, Any]:
    annotations: dict[str, pulumi.Input[str]] = {
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/healthcheck-path": "/readyz",
        **edge_annotations,
    }
    if failover_record:
        # The name is a failover record the program owns; external-dns must not write it.
        annotations[EXTERNAL_DNS_CONTROLLER] = OWNED_BY_PULUMI
    if web.certificate_arn:
        annotations.update(
            {
                "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTP": 80}, {"HTTPS": 443}]),
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
                "alb.ingress.kubernetes.io/certificate-arn": web.certificate_arn,
                "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            }
        )
    else:
        annotations["alb.ingress.kubernetes.io/listen-ports"] = json.dumps([{"HTTP": 80}])
    rule: dict[str, Any] = {
        "http": {
            "paths": [
                {
                    "path": "/",
                    "pathType": "Prefix",
                    "backend": {"service": {"name": APP, "port": {"name": "http"}}},
                }
            ]
        }
    }
    if hostname:
        rule["host"] = hostname
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {**_metadata(), "annotations": annotations},
        "spec": {"ingressClassName": "alb", "rules": [rule]},
    }


def _autoscaler(web: WebSettings) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _metadata(),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": APP},
            "minReplicas": web.min_replicas,
            "maxReplicas": web.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": web.target_cpu_percent},
                    },
                }
            ],
        },
    }


def _network_policy(public_subnet_cidrs: list[str]) -> dict[str, Any]:
    """In: the ALB (IP targets, from the public subnets) and Prometheus scrapes. Out: MongoDB and AWS."""
    from_alb = {
        "from": [{"ipBlock": {"cidr": cidr}} for cidr in public_subnet_cidrs],
        "ports": [{"protocol": "TCP", "port": HTTP_PORT}],
    }
    to_mongodb = {
        "to": [
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "mongodb"}},
                "podSelector": {"matchLabels": selector("mongodb")},
            }
        ],
        "ports": [{"protocol": "TCP", "port": MONGODB_PORT}],
    }
    from_prometheus = {
        "from": [
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}},
                "podSelector": {"matchLabels": PROMETHEUS_POD_LABELS},
            }
        ],
        "ports": [{"protocol": "TCP", "port": METRICS_PORT}],
    }
    egress = [to_mongodb, pod_identity_egress(), https_egress()]
    return network_policy(NAMESPACE, APP, [from_alb, from_prometheus], egress)


def bucket_access_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ListBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn},
                {
                    "Sid": "ReadWriteObjects",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"{bucket_arn}/*",
                },
            ],
        }
    )


class Web(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    bucket: aws.s3.Bucket
    # The bucket's versioning, which replicating it to the DR peer waits for.
    bucket_versioning: pulumi.Resource
    # The Route 53 failover record for web's public name, with its health check; None without one.
    failover: aws.route53.Record | None
    hostname: str | None

    def __init__(
        self,
        name: str,
        web: WebSettings,
        context: WorkloadContext,
        region: str,
        account_id: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("eks-platform:workloads:Web", name, None, opts)
        prefix = f"{context.cluster_name}-web"
        private = private_bucket(
            self, prefix, BucketArgs(tags=context.tags, protect=context.protect, kms_key_arn=context.data_key_arn)
        )
        bucket, self.bucket_versioning = private.bucket, private.versioning
        identity = pod_identity(
            self,
            prefix,
            PodIdentityArgs(
                cluster_name=context.cluster_name_output,
                namespace=NAMESPACE,
                service_account=APP,
                tags=context.tags,
                inline_policies={
                    "bucket": bucket.arn.apply(bucket_access_policy),
                    "bucket-key": key_use_policy(context.data_key_arn, region),
                },
            ),
        )
        hostname = f"web.{context.dns_domain}" if context.dns_domain else None
        after = [*context.capacity, *context.load_balancing, *context.metrics, *identity.grants]
        edge = None
        if context.protect:
            # Where state is protected, anonymous requests reach only podinfo's read paths.
            edge = edge_protection(
                self, prefix, EdgeArgs(account_id=account_id, tags=context.tags, read_paths=READ_PATHS)
            )
            # The controller creates the ALB from the Ingress: the ACL and the log bucket's policy come first.
            after += edge.ready
        failover = context.failover_dns if hostname else None
        manifests = web_manifests(
            web,
            bucket.bucket,
            context.images["podinfo"],
            list(context.public_subnet_cidrs),
            hostname,
            edge.annotations if edge else None,
            dns_by_failover_record=failover is not None,
        )
        declared = context.declare_all(self, manifests, after)
        self.hostname = hostname
        self.failover = None
        if failover is not None and hostname:
            self.failover = failover_record(self, prefix, hostname, failover, declared["Ingress"], dict(context.tags))
        self.bucket = bucket
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name})
