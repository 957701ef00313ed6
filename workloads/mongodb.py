"""mongodb: a TLS-only replica set on encrypted gp3 volumes, reachable only from web."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_random as random

from addons.ebs_csi import STORAGE_CLASS
from addons.karpenter.placement import DO_NOT_DISRUPT
from settings.model import MongoSettings
from workloads.context import WorkloadContext
from workloads.hardening import container_security_context, labels, pod_security_context, scratch_volume, selector
from workloads.mongodb_script import ScriptFiles, init_script, replica_set_uri
from workloads.mongodb_tls import CA_FILE, MEMBER_PEM, TLS_SECRET, MemberTls, member_dns_names, member_tls, tls_secret
from workloads.objects import disruption_budget, network_policy
from workloads.tenancy import Quota, namespace_manifests

NAMESPACE = "mongodb"
APP = "mongodb"
PORT = 27017
REPLICA_SET = "rs0"
CREDENTIALS = "mongodb-credentials"
CREDENTIALS_DIR = "/etc/mongodb/credentials"
KEYFILE_DIR = "/etc/mongodb/keyfile"
TLS_DIR = "/etc/mongodb/tls"
# web's own user and database; the copy in web's namespace is what web mounts.
CLIENT_NAMESPACE = "web"
APP_USER_SECRET = "mongodb-app-user"
APP_USER_DIR = "/etc/mongodb/app-user"
APP_USERNAME = "web"
APP_DATABASE = "web"
TLS_CHECKSUM_ANNOTATION = "eks-platform.io/tls-checksum"
CPU_LIMIT, MEMORY_LIMIT_GI = 1, 2
RESOURCES = {
    "requests": {"cpu": "250m", "memory": "1Gi"},
    "limits": {"cpu": str(CPU_LIMIT), "memory": f"{MEMORY_LIMIT_GI}Gi"},
}
SMALL = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}}
PRIORITY_CLASS = "eks-platform-stateful"


def member_host(index: int) -> str:
    return f"{APP}-{index}.{APP}.{NAMESPACE}.svc.cluster.local:{PORT}"


def member_hosts(replicas: int) -> list[str]:
    return [member_host(index) for index in range(replicas)]


@dataclass(frozen=True)
class MongoSecrets:
    """Generated credentials and certificates, all held in Pulumi state as secrets."""

    root_password: pulumi.Input[str]
    keyfile: pulumi.Input[str]
    app_password: pulumi.Input[str]
    tls: MemberTls


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


def quota(mongo: MongoSettings) -> Quota:
    return Quota(
        cpu=str(mongo.replicas * CPU_LIMIT + 1),
        memory=f"{mongo.replicas * MEMORY_LIMIT_GI + 1}Gi",
        pods=mongo.replicas + 1,
        storage=f"{mongo.replicas * mongo.volume_size_gib}Gi",
        volume_claims=mongo.replicas,
    )


def secret_manifests(secrets: MongoSecrets) -> list[dict[str, Any]]:
    root = {"username": "admin", "password": secrets.root_password, "keyfile": secrets.keyfile}
    app_user = {"username": APP_USERNAME, "password": secrets.app_password}
    return [
        _secret(CREDENTIALS, NAMESPACE, root),
        # Read by the init Job, which creates the user; web mounts its own copy (client_secret).
        _secret(APP_USER_SECRET, NAMESPACE, app_user),
        tls_secret(NAMESPACE, labels(APP), secrets.tls),
    ]


def member_manifests(
    mongo: MongoSettings, placement: dict[str, Any], tls_checksum: pulumi.Input[str], image: str
) -> list[dict]:
    return [
        _headless_service(),
        _stateful_set(mongo, placement, tls_checksum, image),
        # Members only: the replica-set-init Job's pods carry the app label too.
        disruption_budget(NAMESPACE, APP, component="database"),
        _network_policy(),
    ]


def client_secret(replicas: int, secrets: MongoSecrets) -> dict[str, Any]:
    """What web needs to connect: its user, the TLS connection string (no password in it) and the CA."""
    uri = replica_set_uri(member_hosts(replicas), REPLICA_SET, APP_DATABASE, authSource=APP_DATABASE)
    data = {
        "username": APP_USERNAME,
        "password": secrets.app_password,
        "uri": uri,
        CA_FILE: secrets.tls.ca_cert_pem,
    }
    return _secret(APP_USER_SECRET, CLIENT_NAMESPACE, data)


def _metadata(name: str = APP, component: str | None = None) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": labels(APP, component)}


def _secret(name: str, namespace: str, data: dict[str, pulumi.Input[str]]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace, "labels": labels(APP)},
        "type": "Opaque",
        "stringData": data,
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


def _secret_volume(name: str, secret: str, keys: list[str]) -> dict[str, Any]:
    items = [{"key": key, "path": key} for key in keys]
    return {"name": name, "secret": {"secretName": secret, "items": items, "defaultMode": 0o440}}


def _mongod_args() -> list[str]:
    return [
        "--replSet",
        REPLICA_SET,
        "--bind_ip_all",
        # Members authenticate to each other with the keyfile (clusterAuthMode keyFile, the default).
        "--keyFile",
        f"{KEYFILE_DIR}/keyfile",
        # Every connection, member or client, is TLS. The image's entrypoint sees the certificate
        # and runs its first-start user creation with allowTLS on 127.0.0.1 only.
        "--tlsMode",
        "requireTLS",
        "--tlsCertificateKeyFile",
        f"{TLS_DIR}/{MEMBER_PEM}",
        "--tlsCAFile",
        f"{TLS_DIR}/{CA_FILE}",
        # With a CA file mongod demands client certificates; clients here prove who they are
        # with a password instead, and certificates they do present are still verified.
        "--tlsAllowConnectionsWithoutCertificates",
        "--tlsDisabledProtocols",
        "TLS1_0,TLS1_1",
    ]


def _mongod(image: str) -> dict[str, Any]:
    # Unauthenticated ping over TLS to 127.0.0.1, which the certificate names.
    ping = {"exec": {"command": _mongosh("db.adminCommand('ping').ok")}}
    return {
        "name": "mongod",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        # The image's entrypoint creates the root user from *_FILE on first start.
        "args": _mongod_args(),
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
            {"name": "tls", "mountPath": TLS_DIR, "readOnly": True},
        ],
    }


def _mongosh(script: str, *connection: str) -> list[str]:
    """mongosh over TLS, verifying the server against the set's CA; never a credential argument."""
    return ["mongosh", "--quiet", "--tls", "--tlsCAFile", f"{TLS_DIR}/{CA_FILE}", *connection, "--eval", script]


def _keyfile_init(image: str) -> dict[str, Any]:
    # mongod refuses a keyfile that group or others can read; Secret volumes are 0440 at best.
    return {
        "name": "keyfile-permissions",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", f"cp /secret/keyfile {KEYFILE_DIR}/keyfile && chmod 0400 {KEYFILE_DIR}/keyfile"],
        "resources": SMALL,
        "securityContext": container_security_context(),
        "volumeMounts": [
            {"name": "keyfile-secret", "mountPath": "/secret", "readOnly": True},
            {"name": "keyfile", "mountPath": KEYFILE_DIR},
        ],
    }


def _one_member_per_zone() -> dict[str, Any]:
    # Losing a zone loses one vote, never the majority.
    term = {"labelSelector": {"matchLabels": selector(APP)}, "topologyKey": "topology.kubernetes.io/zone"}
    return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}


def _stateful_set(
    mongo: MongoSettings, placement: dict[str, Any], tls_checksum: pulumi.Input[str], image: str
) -> dict[str, Any]:
    pod_spec: dict[str, Any] = {
        "automountServiceAccountToken": False,
        "securityContext": pod_security_context(),
        "terminationGracePeriodSeconds": 60,
        "priorityClassName": PRIORITY_CLASS,
        **placement,
        "initContainers": [_keyfile_init(image)],
        "containers": [_mongod(image)],
        "volumes": [
            scratch_volume("configdb"),
            scratch_volume("tmp"),
            scratch_volume("keyfile", "1Mi"),
            _secret_volume("keyfile-secret", CREDENTIALS, ["keyfile"]),
            _secret_volume("credentials", CREDENTIALS, ["username", "password"]),
            _secret_volume("tls", TLS_SECRET, [CA_FILE, MEMBER_PEM]),
        ],
    }
    if mongo.replicas > 1:
        pod_spec["affinity"] = _one_member_per_zone()
    # mongod reads its certificate at start: a re-issued one rolls the members, one at a time.
    annotations = {**DO_NOT_DISRUPT, TLS_CHECKSUM_ANNOTATION: tls_checksum}
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": _metadata(),
        "spec": {
            "serviceName": APP,
            "replicas": mongo.replicas,
            "selector": {"matchLabels": selector(APP)},
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "template": {"metadata": {"labels": labels(APP, "database"), "annotations": annotations}, "spec": pod_spec},
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
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": CLIENT_NAMESPACE}},
        "podSelector": {"matchLabels": selector("web")},
    }
    port = [{"protocol": "TCP", "port": PORT}]
    members = [{"to": [{"podSelector": {"matchLabels": selector(APP)}}], "ports": port}]
    return network_policy(NAMESPACE, APP, [{"from": [web, own_namespace], "ports": port}], members)


INIT_FILES = ScriptFiles(
    root_username=f"{CREDENTIALS_DIR}/username",
    root_password=f"{CREDENTIALS_DIR}/password",
    app_username=f"{APP_USER_DIR}/username",
    app_password=f"{APP_USER_DIR}/password",
    ca=f"{TLS_DIR}/{CA_FILE}",
)


def replica_set_init(replicas: int, image: str) -> dict[str, Any]:
    """Initiates the replica set once and keeps web's user in step with its Secret."""
    hosts = member_hosts(replicas)
    script = init_script(hosts, REPLICA_SET, APP_DATABASE, INIT_FILES)
    container = {
        "name": "init",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        # Connects without credentials; the script authenticates from the mounted files.
        "command": _mongosh(script, "--host", hosts[0]),
        "env": [{"name": "HOME", "value": "/tmp"}],
        "resources": SMALL,
        "securityContext": container_security_context(),
        "volumeMounts": [
            {"name": "credentials", "mountPath": CREDENTIALS_DIR, "readOnly": True},
            {"name": "app-user", "mountPath": APP_USER_DIR, "readOnly": True},
            {"name": "tls-ca", "mountPath": TLS_DIR, "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    }
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
                    "containers": [container],
                    "volumes": [
                        scratch_volume("tmp"),
                        _secret_volume("credentials", CREDENTIALS, ["username", "password"]),
                        _secret_volume("app-user", APP_USER_SECRET, ["username", "password"]),
                        # The CA only: the member key stays with the members.
                        _secret_volume("tls-ca", TLS_SECRET, [CA_FILE]),
                    ],
                },
            },
        },
    }


def _generated(name: str, length: int, opts: pulumi.ResourceOptions) -> pulumi.Output[str]:
    """Generated, stored only in Pulumi state as a secret, never written in the repository."""
    return random.RandomPassword(name, length=length, special=False, opts=opts).result


class MongoDb(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        mongo: MongoSettings,
        context: WorkloadContext,
        client_ready: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
        restored: Sequence[pulumi.Resource] = (),
    ) -> None:
        """`client_ready`: what creates web's namespace, where web's copy of its credentials goes.
        `restored`: a promotion's Velero restore, which finishes before the members change."""
        super().__init__("eks-platform:workloads:MongoDb", name, None, opts)
        # Credentials the replica set already holds: a new value would lock the members out.
        child = pulumi.ResourceOptions(parent=self, protect=context.protect)
        secrets = MongoSecrets(
            root_password=_generated(f"{name}-root-password", 32, child),
            keyfile=_generated(f"{name}-keyfile", 756, child),
            app_password=_generated(f"{name}-app-user-password", 32, child),
            tls=member_tls(self, name, f"{APP}.{NAMESPACE}.svc.cluster.local", member_dns_names(APP, NAMESPACE)),
        )
        # Pods naming a PriorityClass that does not exist yet are refused at admission.
        priority = context.declare_all(self, [priority_class()])["PriorityClass"]
        namespace = context.declare_all(self, namespace_manifests(NAMESPACE, quota(mongo)))["Namespace"]
        mounted = [
            context.declare_all(self, [secret], after=[namespace], holds_state=True)["Secret"]
            for secret in secret_manifests(secrets)
        ]
        members = context.declare_all(
            self,
            member_manifests(mongo, context.stateful_placement, secrets.tls.checksum, context.images["mongodb"]),
            after=[namespace, *mounted, *context.capacity, *context.storage, priority, *restored],
        )
        # The init job talks to the members, so it runs once the StatefulSet is ready.
        context.declare_all(
            self,
            [replica_set_init(mongo.replicas, context.images["mongodb"])],
            after=[namespace, *mounted, members["StatefulSet"]],
        )
        context.declare_all(self, [client_secret(mongo.replicas, secrets)], after=client_ready)
        self.register_outputs({})
