"""The standby's scheduled restore test: an untested backup is no backup (velero#1688).

While standing by, a CronJob restores the newest data-tier backup replicated from the peer
into a scratch namespace, starts the database on the restored volume alone, checks that the
application database answers, clears the namespace and files the result in the region's
backup bucket (`restore-tests/<UTC time>.json`), where the drill's preflight reads it.

Each step is one kubectl command (the kubectl image has no shell) run as an init container, in
order; a failing step fails the run, and no result is filed, so the preflight sees the last
passing test grow old. The last container (the AWS CLI image, which has a shell) files the pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import yaml

from addons.velero.names import DATA_TIER_SCHEDULE, RESTORE_TEST_PREFIX
from addons.velero.names import NAMESPACE as VELERO_NAMESPACE
from addons.velero.restore import restore_spec
from components.bucket import key_use_policy
from components.kubernetes_objects import resources
from components.pod_identity import PodIdentityArgs, pod_identity
from workloads.context import WorkloadContext
from workloads.hardening import (
    container_security_context,
    https_egress,
    labels,
    pod_identity_egress,
    pod_security_context,
    scratch_volume,
)
from workloads.mongodb import APP_DATABASE
from workloads.mongodb import NAMESPACE as DATA_NAMESPACE
from workloads.objects import network_policy
from workloads.tenancy import Quota, namespace_manifests

NAMESPACE = "restore-test"
APP = "restore-test"
CHECK_JOB = "restore-check"
RESTORE_LABEL = "eks-platform.io/restore-test"
# The restored member's claim: the StatefulSet's claim template `data`, member 0.
RESTORED_CLAIM = "data-mongodb-0"
STEP_TIMEOUT = "45m"


def restore_object() -> dict[str, Any]:
    """Created fresh each run (generateName): the newest completed backup of the data tier's
    schedule, mapped into the scratch namespace, volume claims and volumes only."""
    spec = restore_spec((DATA_NAMESPACE,))
    spec.update(
        {
            "scheduleName": DATA_TIER_SCHEDULE,
            "namespaceMapping": {DATA_NAMESPACE: NAMESPACE},
            "includedResources": ["persistentvolumeclaims", "persistentvolumes"],
            "existingResourcePolicy": "none",
        }
    )
    return {
        "apiVersion": "velero.io/v1",
        "kind": "Restore",
        "metadata": {"generateName": "restore-test-", "namespace": VELERO_NAMESPACE, "labels": {RESTORE_LABEL: "true"}},
        "spec": spec,
    }


def check_job(mongodb_image: str) -> dict[str, Any]:
    """mongod alone on the restored volume (no replica set, no TLS, loopback only), then a query
    that fails unless the application database is there."""
    query = (
        f"const names = db.adminCommand({{listDatabases: 1}}).databases.map(d => d.name); "
        f"if (!names.includes('{APP_DATABASE}')) {{ print('missing database {APP_DATABASE}: ' + names); quit(1); }}"
    )
    script = (
        "mongod --dbpath /data/db --port 27017 --bind_ip 127.0.0.1 --fork --logpath /tmp/mongod.log "
        f'&& mongosh --quiet --port 27017 --eval "{query}"'
    )
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": CHECK_JOB, "namespace": NAMESPACE, "labels": labels(APP, "check")},
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": 1800,
            "template": {
                "metadata": {"labels": labels(APP, "check")},
                "spec": {
                    "restartPolicy": "Never",
                    "automountServiceAccountToken": False,
                    "securityContext": pod_security_context(),
                    "containers": [
                        {
                            "name": "check",
                            "image": mongodb_image,
                            "command": ["bash", "-c", script],
                            "resources": resources("250m", "512Mi", "1", "1Gi"),
                            "securityContext": container_security_context(),
                            "volumeMounts": [
                                {"name": "data", "mountPath": "/data/db"},
                                {"name": "tmp", "mountPath": "/tmp"},
                            ],
                        }
                    ],
                    "volumes": [
                        {"name": "data", "persistentVolumeClaim": {"claimName": RESTORED_CLAIM}},
                        scratch_volume("tmp"),
                    ],
                },
            },
        },
    }


def steps() -> list[tuple[str, list[str]]]:
    """What the test does, in order: one kubectl command each."""
    in_velero = ["-n", VELERO_NAMESPACE]
    restores = "restores.velero.io"
    selector = f"{RESTORE_LABEL}=true"
    return [
        ("clear-last-run", ["kubectl", "delete", "job,persistentvolumeclaim", "--all", "-n", NAMESPACE, "--wait"]),
        ("forget-last-restore", ["kubectl", "delete", restores, *in_velero, "-l", selector, "--wait"]),
        ("restore-newest-backup", ["kubectl", "create", "-f", "/spec/restore.yaml"]),
        (
            "wait-for-restore",
            [
                "kubectl",
                "wait",
                restores,
                *in_velero,
                "-l",
                selector,
                "--for=jsonpath={.status.phase}=Completed",
                f"--timeout={STEP_TIMEOUT}",
            ],
        ),
        ("start-check", ["kubectl", "create", "-f", "/spec/check-job.yaml"]),
        (
            "wait-for-check",
            [
                "kubectl",
                "wait",
                f"job/{CHECK_JOB}",
                "-n",
                NAMESPACE,
                "--for=condition=complete",
                f"--timeout={STEP_TIMEOUT}",
            ],
        ),
        ("clear-namespace", ["kubectl", "delete", "job,persistentvolumeclaim", "--all", "-n", NAMESPACE, "--wait"]),
    ]


def report_script(bucket: str) -> str:
    """Reached only when every step passed: file the pass where the drill reads it."""
    checks = ", ".join(f'{{"name": "{name}", "passed": true, "detail": ""}}' for name, _ in steps())
    return (
        'now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; '
        f'printf \'{{"passed": true, "backup": "newest of schedule {DATA_TIER_SCHEDULE}", '
        f'"finishedAt": "%s", "checks": [{checks}]}}\' "$now" '
        f'| aws s3 cp - "s3://{bucket}/{RESTORE_TEST_PREFIX}$now.json"'
    )


def _step_container(name: str, command: list[str], kubectl_image: str) -> dict[str, Any]:
    return {
        "name": name,
        "image": kubectl_image,
        "command": command,
        "resources": resources("50m", "64Mi", "200m", "128Mi"),
        "securityContext": container_security_context(),
        "volumeMounts": [
            {"name": "spec", "mountPath": "/spec", "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
        # kubectl keeps its discovery cache under $HOME; the root filesystem is read-only.
        "env": [{"name": "HOME", "value": "/tmp"}],
    }


def cron_job(schedule: str, bucket: str, aws_cli_image: str, kubectl_image: str) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": APP, "namespace": NAMESPACE, "labels": labels(APP)},
        "spec": {
            "schedule": schedule,
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 3600,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 0,
                    "activeDeadlineSeconds": 2 * 3600,
                    "template": {
                        "metadata": {"labels": labels(APP)},
                        "spec": {
                            "serviceAccountName": APP,
                            "restartPolicy": "Never",
                            "securityContext": pod_security_context(),
                            "initContainers": [
                                _step_container(name, command, kubectl_image) for name, command in steps()
                            ],
                            "containers": [
                                {
                                    "name": "report",
                                    "image": aws_cli_image,
                                    "command": ["sh", "-c", report_script(bucket)],
                                    "resources": resources("50m", "128Mi", "500m", "256Mi"),
                                    "securityContext": container_security_context(),
                                    "volumeMounts": [
                                        {"name": "aws", "mountPath": "/.aws"},
                                        {"name": "tmp", "mountPath": "/tmp"},
                                    ],
                                    "env": [{"name": "HOME", "value": "/tmp"}],
                                }
                            ],
                            "volumes": [
                                {"name": "spec", "configMap": {"name": f"{APP}-spec"}},
                                scratch_volume("aws"),
                                scratch_volume("tmp"),
                            ],
                        },
                    },
                }
            },
        },
    }


def spec_config_map(mongodb_image: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{APP}-spec", "namespace": NAMESPACE, "labels": labels(APP)},
        "data": {
            "restore.yaml": yaml.safe_dump(restore_object(), sort_keys=False),
            "check-job.yaml": yaml.safe_dump(check_job(mongodb_image), sort_keys=False),
        },
    }


def rbac() -> list[dict[str, Any]]:
    """Restores in Velero's namespace; Jobs and claims in the scratch namespace only."""
    velero_rules = [
        {"apiGroups": ["velero.io"], "resources": ["restores"], "verbs": ["create", "get", "list", "watch", "delete"]},
        {"apiGroups": ["velero.io"], "resources": ["backups"], "verbs": ["get", "list"]},
    ]
    scratch_rules = [
        {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create", "get", "list", "watch", "delete"]},
        {"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["get", "list", "watch", "delete"]},
    ]
    subject = [{"kind": "ServiceAccount", "name": APP, "namespace": NAMESPACE}]
    objects: list[dict[str, Any]] = []
    for namespace, rules in ((VELERO_NAMESPACE, velero_rules), (NAMESPACE, scratch_rules)):
        metadata = {"name": APP, "namespace": namespace, "labels": labels(APP)}
        objects.append(
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": metadata, "rules": rules}
        )
        objects.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": metadata,
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": APP},
                "subjects": subject,
            }
        )
    return objects


def restore_test_manifests(schedule: str, bucket: str, images: Mapping[str, str]) -> list[dict[str, Any]]:
    """`images`: the regional references of the sample images (components/images.py)."""
    # The check's mongod and every member's restored claim (a replica set has at most 7).
    quota = Quota(cpu="3", memory="3Gi", pods=3, storage="16Ti", volume_claims=7)
    runner = network_policy(NAMESPACE, APP, [], [pod_identity_egress(), https_egress()])
    return [
        *namespace_manifests(NAMESPACE, quota),
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": APP, "namespace": NAMESPACE}},
        *rbac(),
        spec_config_map(images["mongodb"]),
        runner,
        cron_job(schedule, bucket, images["aws-cli"], images["kubectl"]),
    ]


class RestoreTest(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        schedule: str,
        bucket_name: str,
        bucket_arn: pulumi.Input[str],
        context: WorkloadContext,
        region: str,
        after: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("eks-platform:workloads:RestoreTest", name, None, opts)
        results = pulumi.Output.concat(bucket_arn, f"/{RESTORE_TEST_PREFIX}*")
        identity = pod_identity(
            self,
            name,
            PodIdentityArgs(
                cluster_name=context.cluster_name_output,
                namespace=NAMESPACE,
                service_account=APP,
                tags=context.tags,
                inline_policies={
                    "file-results": pulumi.Output.json_dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Sid": "FileResults", "Effect": "Allow", "Action": "s3:PutObject", "Resource": results}
                            ],
                        }
                    ),
                    "bucket-key": key_use_policy(context.data_key_arn, region),
                },
            ),
        )
        context.declare_all(
            self, restore_test_manifests(schedule, bucket_name, context.images), after=[*after, *identity.grants]
        )
        self.register_outputs({})
