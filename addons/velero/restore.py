"""The promotion's restore (`dr.restoreBackup`) and what every restore rewrites on the way in.

Declared by the graph, so a promotion's `pulumi up` shows the restore in its plan and waits for
Velero to finish it (`pulumi.com/waitFor`) before anything that depends on it.
"""

from __future__ import annotations

from typing import Any

import yaml

from addons.velero.names import NAMESPACE

RESOURCE_MODIFIERS = "restore-resource-modifiers"
WAIT_FOR = "pulumi.com/waitFor"
TIMEOUT = "pulumi.com/timeoutSeconds"
RESTORE_TIMEOUT_SECONDS = 3600
# Velero's default priorities (velero server --restore-resource-priorities) keep CRDs, namespaces,
# storage and secrets first; after the `-`, controllers' own custom objects come last, so a
# ServiceMonitor never arrives before its operator's CRD and the objects it selects.
RESOURCE_PRIORITIES = ",".join(
    [
        "customresourcedefinitions",
        "namespaces",
        "storageclasses",
        "volumesnapshotclass.snapshot.storage.k8s.io",
        "volumesnapshotcontents.snapshot.storage.k8s.io",
        "volumesnapshots.snapshot.storage.k8s.io",
        "datauploads.velero.io",
        "persistentvolumes",
        "persistentvolumeclaims",
        "serviceaccounts",
        "secrets",
        "configmaps",
        "limitranges",
        "pods",
        "replicasets.apps",
        "-",
        "servicemonitors.monitoring.coreos.com",
        "podmonitors.monitoring.coreos.com",
        "prometheusrules.monitoring.coreos.com",
    ]
)


def resource_modifiers(storage_class: str) -> dict[str, Any]:
    """Volume claims land on this region's class: the class holds the region's KMS key and binds
    in the zone the pod lands in (WaitForFirstConsumer), so nothing ties a claim to the old
    region's zones or key. (Velero's restore format: version v1, resourceModifierRules.)"""
    rules = {
        "version": "v1",
        "resourceModifierRules": [
            {
                "conditions": {"groupResource": "persistentvolumeclaims", "resourceNameRegex": ".*"},
                "patches": [{"operation": "replace", "path": "/spec/storageClassName", "value": storage_class}],
            }
        ],
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": RESOURCE_MODIFIERS,
            "namespace": NAMESPACE,
            "labels": {"app.kubernetes.io/name": "velero"},
        },
        "data": {"rules.yaml": yaml.safe_dump(rules, sort_keys=False)},
    }


def restore_spec(namespaces: tuple[str, ...]) -> dict[str, Any]:
    return {
        "includedNamespaces": list(namespaces),
        "restorePVs": True,
        # What the stack declares already exists: Velero leaves it as Pulumi made it.
        "existingResourcePolicy": "none",
        "resourceModifier": {"kind": "ConfigMap", "name": RESOURCE_MODIFIERS},
    }


def promotion_restore(backup_name: str, namespaces: tuple[str, ...]) -> dict[str, Any]:
    return {
        "apiVersion": "velero.io/v1",
        "kind": "Restore",
        "metadata": {
            "name": f"promotion-{backup_name}"[:63].rstrip("-"),
            "namespace": NAMESPACE,
            "annotations": {
                WAIT_FOR: "jsonpath={.status.phase}=Completed",
                TIMEOUT: str(RESTORE_TIMEOUT_SECONDS),
            },
        },
        "spec": {"backupName": backup_name, **restore_spec(namespaces)},
    }
