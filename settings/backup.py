"""The `eks-platform:backup` section: how often Velero backs up, how long backups live, when the
standby proves it can restore them. The role decides what runs: schedules while active, a
read-only location and the restore test while standing by."""

from __future__ import annotations

import itertools
import math
import re
from datetime import UTC, datetime

from croniter import croniter

from settings.grammars import cron_schedule
from settings.model import BackupSettings, DrRole
from settings.reader import ConfigReader

# Backups every N minutes, N dividing the hour, so a cron `*/N` fires at even intervals.
RPO_MINUTES = (5, 10, 15, 20, 30, 60)
# Velero backup names are `<schedule>-<yyyymmddhhmmss>`; a restore names one.
_BACKUP_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def parse_backup(root: ConfigReader, role: DrRole, peer_stack: str | None) -> BackupSettings:
    section = root.section("backup", ("rpoMinutes", "ttlHours", "restoreTestSchedule"))
    rpo = section.integer("rpoMinutes", 1, 60)
    if rpo not in RPO_MINUTES:
        raise section.fail("rpoMinutes", rpo, f"one of {', '.join(map(str, RPO_MINUTES))} (minutes dividing the hour)")
    ttl_hours = section.integer("ttlHours", 1, 24 * 365)
    if ttl_hours * 60 < 2 * rpo:
        raise section.fail("ttlHours", ttl_hours, f"long enough to keep two backups {rpo} minutes apart")
    restore_test = None
    if section.has("restoreTestSchedule"):
        if peer_stack is None:
            raise section.fail(
                "restoreTestSchedule",
                section.data["restoreTestSchedule"],
                "unset unless dr.peerStack names a peer whose backups replicate here",
            )
        restore_test = cron_schedule(section, "restoreTestSchedule", "'30 4 * * *'")
    return BackupSettings(
        rpo_minutes=rpo,
        ttl_hours=ttl_hours,
        restore_test_schedule=restore_test,
        restore_test_max_age_hours=_max_age_hours(restore_test) if restore_test else None,
        active=role == "active",
    )


# The restore test's own time limit (workloads/restore_test.py activeDeadlineSeconds).
RESTORE_TEST_HOURS = 2


def _max_age_hours(schedule: str) -> int:
    """The widest gap between runs over a year of the schedule, plus one run's time."""
    runs = croniter(schedule, datetime(2026, 1, 1, tzinfo=UTC))
    times = [runs.get_next(datetime) for _ in range(400)]
    widest = max(later - earlier for earlier, later in itertools.pairwise(times))
    return math.ceil(widest.total_seconds() / 3600) + RESTORE_TEST_HOURS


def backup_name(reader: ConfigReader, key: str) -> str:
    name = reader.string(key, "the name of a Velero backup, e.g. data-tier-20261121041500")
    if not _BACKUP_NAME.match(name):
        raise reader.fail(key, name, "a Velero backup name: lowercase letters, digits and dashes, at most 63")
    return name
