"""CronJob schedules and time zones, as pkg/apis/batch/validation/validation.go checks them.

Part of rule 4 (required_fields.py): validateScheduleFormat parses with github.com/robfig/cron/v3
ParseStandard; validateTimeZone loads the zone with time.LoadLocation.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tests.kubernetes_api_rules.manifests import Manifest, Problems

_CRON_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_CRON_EVERY = re.compile(r"@every ((\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_DAYS = {name: number for number, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
# github.com/robfig/cron/v3 ParseStandard: minute, hour, day of month, month, day of week.
_CRON_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)


def cron_schedule_problems(schedule: Any) -> Problems:
    """validateScheduleFormat: robfig/cron ParseStandard, and no TZ in the schedule (timeZone is the field)."""
    if not isinstance(schedule, str) or not schedule.strip():
        return ["spec.schedule is required"]
    if "TZ" in schedule:
        return [f"spec.schedule {schedule!r}: use timeZone, not TZ or CRON_TZ"]
    if schedule.startswith("@"):
        valid = schedule in _CRON_DESCRIPTORS or _CRON_EVERY.fullmatch(schedule) is not None
        return [] if valid else [f"spec.schedule {schedule!r} is not a known descriptor"]
    fields = schedule.split()
    if len(fields) != len(_CRON_FIELDS):
        return [f"spec.schedule {schedule!r} needs 5 fields, has {len(fields)}"]
    return [
        f"spec.schedule {schedule!r}: {label} {value!r} is invalid"
        for value, (label, low, high, names) in zip(fields, _CRON_FIELDS, strict=True)
        if not _cron_field_is_valid(value, low, high, names)
    ]


def _cron_field_is_valid(field: str, low: int, high: int, names: dict[str, int]) -> bool:
    for part in field.split(","):
        span, slash, step = part.partition("/")
        if slash and not (step.isdigit() and int(step) > 0):
            return False
        if span in ("*", "?"):
            continue
        start, dash, end = span.partition("-")
        first = _cron_value(start, names)
        last = _cron_value(end, names) if dash else (high if slash else first)
        if first is None or last is None or not low <= first <= last <= high:
            return False
    return True


def _cron_value(text: str, names: dict[str, int]) -> int | None:
    if text.isdigit():
        return int(text)
    return names.get(text.lower())


def _time_zone_problems(time_zone: Any) -> Problems:
    """validateTimeZone: an explicit IANA zone that time.LoadLocation knows, not Local."""
    if time_zone is None:
        return []
    if not isinstance(time_zone, str) or not time_zone or time_zone.lower() == "local":
        return [f"spec.timeZone {time_zone!r} must be an explicit IANA time zone"]
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"spec.timeZone {time_zone!r} is not a known time zone"]
    return []


def _cron_job_problems(cron_job: Manifest) -> Problems:
    spec = cron_job.get("spec") or {}
    return cron_schedule_problems(spec.get("schedule")) + _time_zone_problems(spec.get("timeZone"))
