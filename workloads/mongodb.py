"""mongodb: a replica set on encrypted gp3 volumes, reachable only from web."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_random as random

import versions
from addons.ebs_csi import STORAGE_CLASS
from addons.karpenter.placement import DO_NOT_DISRUPT
from settings.model import MongoSettings
from workloads.context import WorkloadContext
from workloads.hardening import container_security_context, labels, pod_security_context, scratch_volume, selector
from workloads.objects import disruption_budget, network_policy
from workloads.tenancy import Quota, namespace_manifests

NAMESPACE = "mongodb"
APP = "mongodb"
PORT = 27017
REPLICA_SET = "rs0"
CREDENTIALS = "mongodb-credentials"
CREDENTIALS_DIR = "/etc/mongodb/credentials"
KEYFILE_DIR = "/etc/mongodb/keyfile"
CPU_LIMIT, MEMORY_LIMIT_GI = 1, 2
RESOURCES = {
    "requests": {"cpu": "250m", "memory": "1Gi"},
    "limits": {"cpu": str(CPU_LIMIT), "memory": f"{MEMORY_LIMIT_GI}Gi"},
}
SMALL = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}}


def member_host(index: int) -> str:
    return f"{APP}-{index}.{APP}.{NAMESPACE}.svc.cluster.local:{PORT}"


PRIORITY_CLASS = "eks-platform-stateful"


def mongodb_manifests(
    mongo: MongoSettings, password: pulumi.Input[str], keyfile: pulumi.Input[str], placement: dict[str, Any]
) -> list[dict[str, Any]]:
    quota = Quota(
        cpu=str(mongo.replicas * CPU_LIMIT + 1),
        memory=f"{mongo.replicas * MEMORY_LIMIT_GI + 1}Gi",
        pods=mongo.replicas + 1,
        storage=f"{mongo.replicas * mongo.volume_size_gib}Gi",
        volume_claims=mongo.replicas,
    )
    return [
        *namespace_manifests(NAMESPACE, quota),
        _credentials(password, keyfile),
        _headless_service(),
        _stateful_set(mongo, placement),
        # Members only: the replica-set-init Job's pods carry the app label too.
        disruption_budget(NAMESPACE, APP, component="database"),
        _network_policy(),
    ]


def priority_class() -> dict[str, Any]:
    """Members are scheduled ahead of stateless pods and may preempt them, never the reverse."""
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": PRIORITY_CLASS, "labels": labels(APP)},
        "value": 100000,
        "globalDefault": False,
        "preemptionPolicy": "PreemptLowerPriority",
        "description": "Database members of the sample workloads: on-demand, not disrupted voluntarily.",
    }


def _metadata(name: str = APP, component: str | None = None) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": labels(APP, component)}


def _credentials(password: pulumi.Input[str], keyfile: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _metadata(CREDENTIALS),
        "type": "Opaque",
        "stringData": {"username": "admin", "password": password, "keyfile": keyfile},
    }


def _headless_service() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(),
        "spec": {
            "clusterIP": "None",
            # Members must resolve each other before they are ready to form the set.
            "publishNotReadyAddresses": True,
            "selector": selector(APP),
            "ports": [{"name": "mongodb", "port": PORT, "targetPort": "mongodb", "protocol": "TCP"}],
        },
    }


def _secret_volume(name: str, keys: list[str]) -> dict[str, Any]:
    items = [{"key": key, "path": key} for key in keys]
    return {"name": name, "secret": {"secretName": CREDENTIALS, "items": items, "defaultMode": 0o440}}


def _stateful_set(mongo: MongoSettings, placement: dict[str, Any]) -> dict[str, Any]:
    ping = {"exec": {"command": ["mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"]}}
    mongod = {
        "name": "mongod",
        "image": versions.IMAGES["mongodb"],
        "imagePullPolicy": "IfNotPresent",
        # The image's entrypoint creates the root user from *_FILE on first start.
        "args": ["--replSet", REPLICA_SET, "--bind_ip_all", "--keyFile", f"{KEYFILE_DIR}/keyfile"],
        "env": [
            {"name": "MONGO_INITDB_ROOT_USERNAME_FILE", "value": f"{CREDENTIALS_DIR}/username"},
            {"name": "MONGO_INITDB_ROOT_PASSWORD_FILE", "value": f"{CREDENTIALS_DIR}/password"},
            {"name": "HOME", "value": "/tmp"},
        ],
        "ports": [{"name": "mongodb", "containerPort": PORT, "protocol": "TCP"}],
        "startupProbe": {"tcpSocket": {"port": "mongodb"}, "periodSeconds": 5, "failureThreshold": 60},
        "readinessProbe": {**ping, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3},
        "livenessProbe": {**ping, "periodSeconds": 20, "timeoutSeconds": 10, "failureThreshold": 6},
        "resources": RESOURCES,
        "securityContext": container_security_context(),
        "volumeMounts": [
            {"name": "data", "mountPath": "/data/db"},
            {"name": "configdb", "mountPath": "/data/configdb"},
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "keyfile", "mountPath": KEYFILE_DIR, "readOnly": True},
            {"name": "credentials", "mountPath": CREDENTIALS_DIR, "readOnly": True},
        ],
    }
    # mongod refuses a keyfile that group or others can read; Secret volumes are 0440 at best.
    keyfile_init = {
        "name": "keyfile-permissions",
        "image": versions.IMAGES["mongodb"],
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", f"cp /secret/keyfile {KEYFILE_DIR}/keyfile && chmod 0400 {KEYFILE_DIR}/keyfile"],
        "resources": SMALL,
        "securityContext": container_security_context(),
        "volumeMounts": [
            {"name": "keyfile-secret", "mountPath": "/secret", "readOnly": True},
            {"name": "keyfile", "mountPath": KEYFILE_DIR},
        ],
    }
    pod_spec: dict[str, Any] = {
        "automountServiceAccountToken": False,
        "securityContext": pod_security_context(),
        "terminationGracePeriodSeconds": 60,
        "priorityClassName": PRIORITY_CLASS,
        **placement,
        "initContainers": [keyfile_init],
        "containers": [mongod],
        "volumes": [
            scratch_volume("configdb"),
            scratch_volume("tmp"),
            scratch_volume("keyfile", "1Mi"),
            _secret_volume("keyfile-secret", ["keyfile"]),
            _secret_volume("credentials", ["username", "password"]),
        ],
    }
    if mongo.replicas > 1:
        # One member per zone: losing a zone loses one vote, never the majority.
        pod_spec["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": selector(APP)}, "topologyKey": "topology.kubernetes.io/zone"}
                ]
            }
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": _metadata(),
        "spec": {
            "serviceName": APP,
            "replicas": mongo.replicas,
            "selector": {"matchLabels": selector(APP)},
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "template": {
                "metadata": {"labels": labels(APP, "database"), "annotations": dict(DO_NOT_DISRUPT)},
                "spec": pod_spec,
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data", "labels": labels(APP)},
                    "spec": {
                        "storageClassName": STORAGE_CLASS,
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": f"{mongo.volume_size_gib}Gi"}},
                    },
                }
            ],
        },
    }


def _network_policy() -> dict[str, Any]:
    """In: web, and the set's own members and init job. Out: only the members."""
    own_namespace = {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "eks-platform"}}}
    web = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "web"}},
        "podSelector": {"matchLabels": selector("web")},
    }
    port = [{"protocol": "TCP", "port": PORT}]
    members = [{"to": [{"podSelector": {"matchLabels": selector(APP)}}], "ports": port}]
    return network_policy(NAMESPACE, APP, [{"from": [web, own_namespace], "ports": port}], members)


def _replica_set_init(replicas: int) -> dict[str, Any]:
    """Initiates the replica set once; a no-op when it already runs."""
    members = ", ".join(f'{{_id: {i}, host: "{member_host(i)}"}}' for i in range(replicas))
    script = (
        "try { rs.status(); print('replica set already initiated'); } "
        "catch (e) { if (e.codeName !== 'NotYetInitialized') { throw e; } "
        f"rs.initiate({{_id: '{REPLICA_SET}', members: [{members}]}}); }}"
    )
    command = (
        f'mongosh --quiet --host "{member_host(0)}" --authenticationDatabase admin '
        f'--username "$(cat {CREDENTIALS_DIR}/username)" --password "$(cat {CREDENTIALS_DIR}/password)" '
        f'--eval "{script}"'
    )
    pod_labels = {**labels(APP, "replica-set-init"), "app.kubernetes.io/instance": "replica-set-init"}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _metadata("replica-set-init", "replica-set-init"),
        "spec": {
            "backoffLimit": 10,
            "activeDeadlineSeconds": 1200,
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "automountServiceAccountToken": False,
                    "securityContext": pod_security_context(),
                    "containers": [
                        {
                            "name": "init",
                            "image": versions.IMAGES["mongodb"],
                            "imagePullPolicy": "IfNotPresent",
                            "command": ["sh", "-c", command],
                            "env": [{"name": "HOME", "value": "/tmp"}],
                            "resources": SMALL,
                            "securityContext": container_security_context(),
                            "volumeMounts": [
                                {"name": "credentials", "mountPath": CREDENTIALS_DIR, "readOnly": True},
                                {"name": "tmp", "mountPath": "/tmp"},
                            ],
                        }
                    ],
                    "volumes": [
                        scratch_volume("tmp"),
                        _secret_volume("credentials", ["username", "password"]),
                    ],
                },
            },
        },
    }


class MongoDb(pulumi.ComponentResource):
    def __init__(
        self, name: str, mongo: MongoSettings, context: WorkloadContext, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("eks-platform:workloads:MongoDb", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Generated, stored only in Pulumi state as secrets, never written in the repository.
        password = random.RandomPassword(f"{name}-root-password", length=32, special=False, opts=child)
        keyfile = random.RandomPassword(f"{name}-keyfile", length=756, special=False, opts=child)
        # Pods naming a PriorityClass that does not exist yet are refused at admission.
        priority = context.declare_all(self, [priority_class()])["PriorityClass"]
        objects = context.declare_all(
            self,
            mongodb_manifests(mongo, password.result, keyfile.result, context.stateful_placement),
            after=[*context.capacity, *context.storage, priority],
        )
        # The init job talks to the members, so it runs once the StatefulSet is ready.
        context.declare_all(self, [_replica_set_init(mongo.replicas)], after=[objects["StatefulSet"]])
        self.register_outputs({})
