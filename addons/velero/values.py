"""The Velero chart's values (vmware-tanzu/helm-charts charts/velero 12.1.0, values.yaml)."""

from __future__ import annotations

from typing import Any

import versions
from addons.velero.names import BACKUP_PREFIX, LOCATION, SERVICE_ACCOUNT
from addons.velero.restore import RESOURCE_PRIORITIES
from components.kubernetes_objects import resources
from components.system_nodes import critical_addon_placement
from settings.model import BackupSettings

_NON_ROOT = {
    "runAsNonRoot": True,
    "runAsUser": 65532,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def backup_location(bucket: str, region: str, backup: BackupSettings) -> dict[str, Any]:
    """Read-write while active; read-only on the standby, whose bucket is the peer's replica:
    Velero there syncs the replicated backups in and never writes or garbage-collects them."""
    return {
        "name": LOCATION,
        "provider": "aws",
        "bucket": bucket,
        "prefix": BACKUP_PREFIX,
        "default": True,
        "accessMode": "ReadWrite" if backup.active else "ReadOnly",
        "config": {"region": region},
    }


def plugin_container() -> dict[str, Any]:
    return {
        "name": "velero-plugin-for-aws",
        "image": versions.VELERO_AWS_PLUGIN,
        "imagePullPolicy": "IfNotPresent",
        "volumeMounts": [{"mountPath": "/target", "name": "plugins"}],
        "resources": resources("10m", "32Mi", "100m", "64Mi"),
        "securityContext": _NON_ROOT,
    }


def velero_values(bucket: str, region: str, backup: BackupSettings) -> dict[str, Any]:
    return {
        "initContainers": [plugin_container()],
        "serviceAccount": {"server": {"create": True, "name": SERVICE_ACCOUNT}},
        # EKS Pod Identity: the plugin's AWS SDK finds the agent's credentials, no key file.
        "credentials": {"useSecret": False},
        "backupsEnabled": True,
        # No native EBS snapshots: they stay in their region. Volume data moves into the bucket.
        "snapshotsEnabled": False,
        "deployNodeAgent": True,
        "configuration": {
            "backupStorageLocation": [backup_location(bucket, region, backup)],
            "volumeSnapshotLocation": [],
            "features": "EnableCSI",
            "defaultSnapshotMoveData": True,
            "uploaderType": "kopia",
            "defaultBackupTTL": backup.ttl,
            "restoreResourcePriorities": RESOURCE_PRIORITIES,
        },
        # Mostly idle between schedules; it runs on the system nodes beside the other controllers.
        "resources": resources("100m", "128Mi", "1", "512Mi"),
        "containerSecurityContext": _NON_ROOT,
        "podSecurityContext": {"fsGroup": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
        "nodeAgent": {"resources": resources("250m", "256Mi", "1", "1Gi")},
        "metrics": {"enabled": True, "serviceMonitor": {"enabled": True}},
        **critical_addon_placement(),
    }
