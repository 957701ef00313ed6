"""Names Velero's pieces share with the drill and the restore test."""

from __future__ import annotations

NAMESPACE = "velero"
RELEASE = "velero"
SERVICE_ACCOUNT = "velero-server"
# Objects live under <prefix>/backups/<backup>/ in the bucket (Velero's object-store layout).
BACKUP_PREFIX = "velero"
LOCATION = "default"
# The standby's restore test files its results here, one JSON object per run.
RESTORE_TEST_PREFIX = "restore-tests/"
# Schedules: the data tier every rpoMinutes, everything else the samples run hourly.
DATA_TIER_SCHEDULE = "data-tier"
APPS_SCHEDULE = "apps"
SCHEDULE_LABEL = "velero.io/schedule-name"


def backup_bucket_name(cluster_name: str, account_id: str) -> str:
    """Fixed, so the peer's replication and the drill find it: S3 names are global, the account
    keeps two organisations' `eks-platform-prod` apart, the cluster name two regions'."""
    return f"{cluster_name}-backups-{account_id}"
