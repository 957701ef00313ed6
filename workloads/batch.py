"""batch: a CronJob that writes a heartbeat report to the web bucket's reports/ prefix."""

from __future__ import annotations

import json
from typing import Any

import pulumi

from components.bucket import key_use_policy
from components.pod_identity import PodIdentityArgs, pod_identity
from settings.model import BatchSettings
from workloads.context import WorkloadContext
from workloads.hardening import (
    container_security_context,
    https_egress,
    labels,
    pod_identity_egress,
    pod_security_context,
    scratch_volume,
)
from workloads.objects import network_policy
from workloads.tenancy import Quota, namespace_manifests

NAMESPACE = "batch"
APP = "heartbeat-report"
REPORT_PREFIX = "reports/"
RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "250m", "memory": "256Mi"}}


def batch_manifests(batch: BatchSettings, bucket_name: pulumi.Input[str], image: str) -> list[dict[str, Any]]:
    # concurrencyPolicy Forbid: one job pod at a time, plus one finishing.
    quota = Quota(cpu="500m", memory="512Mi", pods=2)
    return [
        *namespace_manifests(NAMESPACE, quota),
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _metadata(), "automountServiceAccountToken": False},
        _cron_job(batch, bucket_name, image),
        _network_policy(),
    ]


def _metadata() -> dict[str, Any]:
    return {"name": APP, "namespace": NAMESPACE, "labels": labels(APP)}


def _cron_job(batch: BatchSettings, bucket_name: pulumi.Input[str], image: str) -> dict[str, Any]:
    report = (
        'date -u +%Y-%m-%dT%H:%M:%SZ | aws s3 cp - "s3://${BUCKET_NAME}/'
        + REPORT_PREFIX
        + 'heartbeat-$(date -u +%Y%m%dT%H%M%SZ).txt"'
    )
    container = {
        "name": "report",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["/bin/sh", "-c", report],
        "env": [{"name": "BUCKET_NAME", "value": bucket_name}, {"name": "HOME", "value": "/tmp"}],
        "resources": RESOURCES,
        "securityContext": container_security_context(),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": _metadata(),
        "spec": {
            "schedule": batch.schedule,
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 300,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 2,
                    "activeDeadlineSeconds": 600,
                    "ttlSecondsAfterFinished": 86400,
                    "template": {
                        "metadata": {"labels": labels(APP)},
                        "spec": {
                            "restartPolicy": "Never",
                            "serviceAccountName": APP,
                            "automountServiceAccountToken": False,
                            "securityContext": pod_security_context(),
                            "containers": [container],
                            "volumes": [scratch_volume("tmp")],
                        },
                    },
                }
            },
        },
    }


def _network_policy() -> dict[str, Any]:
    """No ingress; out only to Pod Identity credentials and S3 over HTTPS."""
    return network_policy(NAMESPACE, APP, [], [pod_identity_egress(), https_egress()])


def report_write_policy(bucket_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WriteReports",
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": f"{bucket_arn}/{REPORT_PREFIX}*",
                }
            ],
        }
    )


class Batch(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        batch: BatchSettings,
        bucket_name: pulumi.Input[str],
        bucket_arn: pulumi.Output[str],
        context: WorkloadContext,
        region: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("eks-platform:workloads:Batch", name, None, opts)
        identity = pod_identity(
            self,
            f"{context.cluster_name}-batch",
            PodIdentityArgs(
                cluster_name=context.cluster_name_output,
                namespace=NAMESPACE,
                service_account=APP,
                tags=context.tags,
                inline_policies={
                    "reports": bucket_arn.apply(report_write_policy),
                    "reports-key": key_use_policy(context.data_key_arn, region),
                },
            ),
        )
        manifests = batch_manifests(batch, bucket_name, context.images["aws-cli"])
        context.declare_all(self, manifests, after=[*context.capacity, *identity.grants])
        self.register_outputs({})
