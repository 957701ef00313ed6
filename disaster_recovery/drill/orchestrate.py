"""A promotion for real: preflight, flip both roles, demote the failed stack (best effort), bring
the target up, wait for the workload through the failover name, write the report. Every step is
timed; the measured RTO runs from the role flip to the first healthy answer."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from disaster_recovery.drill.model import Preflight, StackView
from disaster_recovery.drill.pairs import Move
from disaster_recovery.drill.workspace import Workspace


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# GET url -> its HTTP status, or None when nothing answered.
Probe = Callable[[str], int | None]


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return None


class ContinuedError(Exception):
    """A step failed in a way the promotion survives (the failed region is unreachable)."""


class RefusedError(Exception):
    """The preflight failed and nobody forced it."""


@dataclass
class Step:
    name: str
    started_at: datetime
    finished_at: datetime
    outcome: str  # ok | failed | continued (failed, not fatal) | skipped
    detail: str

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class Modeled:
    """The deploy-time model's promotion (review/promotion.py), reported beside the measurement."""

    seconds: float
    rto_minutes: int
    line: str


@dataclass
class DrillRun:
    move: Move
    executed: bool
    forced: bool
    modeled: Modeled | None
    steps: list[Step] = field(default_factory=list)
    preflight: Preflight | None = None
    outcome: str = "running"  # succeeded | failed | refused
    promotion_started_at: datetime | None = None
    healthy_at: datetime | None = None

    @property
    def measured_rto_seconds(self) -> float | None:
        if self.promotion_started_at is None or self.healthy_at is None:
            return None
        return (self.healthy_at - self.promotion_started_at).total_seconds()

    @property
    def rpo_seconds(self) -> float | None:
        """The newest replicated backup's age when the promotion started (or was refused)."""
        backup = self.preflight.newest_backup_at() if self.preflight else None
        reference = self.promotion_started_at or (self.steps[0].finished_at if self.steps else None)
        if backup is None or reference is None:
            return None
        return (reference - backup).total_seconds()

    def step(self, name: str) -> Step | None:
        return next((step for step in self.steps if step.name == name), None)


class ReportWriter(Protocol):
    def paths(self, run: DrillRun) -> list[Path]: ...

    def write(self, run: DrillRun) -> None: ...


@dataclass(frozen=True)
class Tools:
    workspace: Workspace
    clock: Clock
    probe: Probe
    # (target outputs, failed outputs, now) -> the preflight
    preflight: Callable[[StackView, StackView, datetime], Preflight]
    report: ReportWriter
    healthy_timeout_seconds: float = 1800.0
    poll_seconds: float = 10.0


def execute(move: Move, tools: Tools, force: bool, modeled: Modeled | None) -> DrillRun:
    run = DrillRun(move, executed=True, forced=False, modeled=modeled)
    run.outcome = _promote(run, tools, force)
    _report(run, tools)
    return run


def _promote(run: DrillRun, tools: Tools, force: bool) -> str:
    target, failed = run.move.target.stack, run.move.failed.stack
    if not _preflight(run, tools, force):
        return "refused"
    flip = _step(run, tools, "flip roles", lambda: _flip_roles(tools.workspace, target, failed))
    run.promotion_started_at = flip.started_at
    if flip.outcome == "failed":
        return "failed"
    if flip.outcome == "continued":
        _skip(run, tools, f"demote {failed}", f"{failed}'s role is not standby; `pulumi up` would keep it active")
    else:
        _step(run, tools, f"demote {failed}", lambda: _up(tools.workspace, failed), fatal=False)
    if _step(run, tools, f"up {target}", lambda: _up(tools.workspace, target)).outcome == "failed":
        return "failed"
    if _step(run, tools, "wait healthy", lambda: _wait_healthy(run, tools)).outcome == "failed":
        return "failed"
    return "succeeded"


def _preflight(run: DrillRun, tools: Tools, force: bool) -> bool:
    def check() -> str:
        run.preflight = tools.preflight(
            live_view(tools.workspace, run.move.target.stack),
            live_view(tools.workspace, run.move.failed.stack),
            tools.clock.now(),
        )
        blocking = ", ".join(c.name for c in run.preflight.blocking)
        if run.preflight.passed:
            return "every check passed"
        if force:
            run.forced = True
            raise ContinuedError(f"forced past failing checks: {blocking}")
        raise RefusedError(f"refused: failing checks: {blocking} (--force to promote anyway)")

    return _step(run, tools, "preflight", check).outcome != "failed"


def live_view(workspace: Workspace, stack: str) -> StackView:
    try:
        return StackView(stack, workspace.outputs(stack))
    except Exception as error:  # any failure to read is evidence, shown by the checks needing them
        return StackView(stack, {}, unreadable=str(error) or type(error).__name__)


def _flip_roles(workspace: Workspace, target: str, failed: str) -> str:
    workspace.set_dr_role(target, "active")
    try:
        workspace.set_dr_role(failed, "standby")
    except Exception as error:
        raise ContinuedError(f"{target} set active; {failed} could not be set standby: {error}") from error
    return f"{target} set active, {failed} set standby"


def _up(workspace: Workspace, stack: str) -> str:
    return f"pulumi up {stack}: {workspace.up(stack).line()}"


def _wait_healthy(run: DrillRun, tools: Tools) -> str:
    hostname = StackView(run.move.target.stack, tools.workspace.outputs(run.move.target.stack)).dr("failoverHostname")
    url = f"https://{hostname}/healthz"
    deadline = tools.clock.now().timestamp() + tools.healthy_timeout_seconds
    attempts = 0
    while True:
        status = tools.probe(url)
        attempts += 1
        if status == 200:
            run.healthy_at = tools.clock.now()
            return f"{url} answered 200 after {attempts} attempt(s)"
        if tools.clock.now().timestamp() >= deadline:
            raise TimeoutError(f"{url} did not answer 200 within {tools.healthy_timeout_seconds:g} s (last: {status})")
        tools.clock.sleep(tools.poll_seconds)


def _step(run: DrillRun, tools: Tools, name: str, action: Callable[[], str], fatal: bool = True) -> Step:
    started = tools.clock.now()
    try:
        outcome, detail = "ok", action()
    except ContinuedError as continued:
        outcome, detail = "continued", str(continued)
    except RefusedError as refused:
        outcome, detail = "failed", str(refused)
    except Exception as error:  # a step's failure is recorded in the report, whatever it is
        outcome, detail = ("failed" if fatal else "continued"), f"{type(error).__name__}: {error}"
    step = Step(name, started, tools.clock.now(), outcome, detail)
    run.steps.append(step)
    return step


def _skip(run: DrillRun, tools: Tools, name: str, why: str) -> None:
    now = tools.clock.now()
    run.steps.append(Step(name, now, now, "skipped", why))


def _report(run: DrillRun, tools: Tools) -> None:
    """The report lists its own step; its end is when the document was composed."""
    started = tools.clock.now()
    detail = ", ".join(str(path) for path in tools.report.paths(run))
    run.steps.append(Step("report", started, tools.clock.now(), "ok", detail))
    tools.report.write(run)
