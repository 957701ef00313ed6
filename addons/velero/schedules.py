"""Velero Schedules, declared only while the stack is active: a standby restores, never backs up.

The data tier is backed up every rpoMinutes (its RPO target), the stateless samples hourly.
Volume data moves into the bucket through the CSI snapshot data mover (`snapshotMoveData`):
EBS snapshots stay in their region, the bucket replicates to the peer.
"""

from __future__ import annotations

from typing import Any

from addons.velero.names import APPS_SCHEDULE, DATA_TIER_SCHEDULE, LOCATION, NAMESPACE
from settings.model import BackupSettings


def every(minutes: int) -> str:
    return "0 * * * *" if minutes == 60 else f"*/{minutes} * * * *"


def schedule(name: str, cron: str, namespaces: tuple[str, ...], ttl: str) -> dict[str, Any]:
    return {
        "apiVersion": "velero.io/v1",
        "kind": "Schedule",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "schedule": cron,
            # Backups carry no owner reference to the Schedule, so deleting it keeps them.
            "useOwnerReferencesInBackup": False,
            "template": {
                "includedNamespaces": list(namespaces),
                "storageLocation": LOCATION,
                "ttl": ttl,
                "snapshotVolumes": True,
                "snapshotMoveData": True,
                "defaultVolumesToFsBackup": False,
            },
        },
    }


def schedules(
    backup: BackupSettings, data_namespaces: tuple[str, ...], app_namespaces: tuple[str, ...]
) -> list[dict[str, Any]]:
    if not backup.active:
        return []
    return [
        schedule(DATA_TIER_SCHEDULE, every(backup.rpo_minutes), data_namespaces, backup.ttl),
        schedule(APPS_SCHEDULE, every(60), app_namespaces, backup.ttl),
    ]
