"""What the drill passes around: a stack's outputs read through the `dr` contract, check results,
and a preflight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class MissingOutputError(Exception):
    """A value the drill needs is not in a stack's outputs; the check that needed it fails."""


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    evidence: str
    # Measurements a later step reads (the newest backup's time, for the RPO).
    data: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        return f"[{self.status.value}] {self.name}: {self.evidence}"


@dataclass(frozen=True)
class Preflight:
    checks: list[CheckResult]

    @property
    def passed(self) -> bool:
        """Anything unverified (not run) blocks a promotion as a failure does."""
        return all(check.status is Status.PASS for check in self.checks)

    @property
    def blocking(self) -> list[CheckResult]:
        return [check for check in self.checks if check.status is not Status.PASS]

    def backup(self) -> dict[str, Any]:
        """What the backup check measured (newestBackupAt, backup, rpoMinutes), or {}."""
        return next((check.data for check in self.checks if "newestBackupAt" in check.data), {})

    def newest_backup_at(self) -> datetime | None:
        value: datetime | None = self.backup().get("newestBackupAt")
        return value


@dataclass(frozen=True)
class StackView:
    """One stack's outputs (live from the workspace, or from its offline plan), or why they are missing."""

    stack: str
    outputs: dict[str, Any]
    unreadable: str | None = None

    def readable(self) -> StackView:
        if self.unreadable:
            raise MissingOutputError(f"{self.stack}'s outputs are unreadable: {self.unreadable}")
        return self

    def top(self, key: str) -> Any:
        self.readable()
        if key not in self.outputs:
            raise MissingOutputError(f"{self.stack}'s outputs have no `{key}`")
        return self.outputs[key]

    def dr(self, key: str) -> Any:
        dr = self.top("dr")
        if not isinstance(dr, dict) or key not in dr:
            raise MissingOutputError(f"{self.stack}'s outputs have no `dr.{key}`")
        return dr[key]

    def dr_optional(self, key: str) -> Any:
        try:
            return self.dr(key)
        except MissingOutputError:
            return None

    @property
    def region(self) -> str:
        return str(self.top("region"))
