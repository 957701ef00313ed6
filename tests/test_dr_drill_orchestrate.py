"""A promotion's orchestration against a recording double of the Pulumi workspace and a scripted
clock: the order of the steps, refusal and --force, an unreachable failed region, the measured
RTO and RPO, and the report written from them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from disaster_recovery.drill.model import CheckResult, Preflight, StackView, Status
from disaster_recovery.drill.orchestrate import DrillRun, Modeled, Tools, execute
from disaster_recovery.drill.pairs import Move, StackRole
from disaster_recovery.drill.report import FileReport
from disaster_recovery.drill.workspace import UpSummary

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BACKUP_AT = START - timedelta(minutes=7)
MOVE = Move(
    "promote", StackRole("prod-dr", "standby", "prod", "us-west-2"), StackRole("prod", "active", "prod-dr", "us-east-1")
)
HOSTNAME = "web.prod.platform.example.com"


class ScriptedClock:
    def __init__(self) -> None:
        self.moment = START

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class RecordingWorkspace:
    """Records every call; each call takes the scripted time; `failing` stacks raise on `up`."""

    def __init__(self, clock: ScriptedClock, up_seconds: dict[str, float] | None = None) -> None:
        self.clock = clock
        self.calls: list[tuple[str, ...]] = []
        self.up_seconds = up_seconds or {"prod": 120, "prod-dr": 600}
        self.failing_up: set[str] = set()
        self.failing_role: set[str] = set()

    def set_dr_role(self, stack: str, role: str) -> None:
        self.calls.append(("set_dr_role", stack, role))
        self.clock.advance(1)
        if stack in self.failing_role:
            raise ConnectionError(f"{stack}'s backend unreachable")

    def up(self, stack: str) -> UpSummary:
        self.calls.append(("up", stack))
        self.clock.advance(self.up_seconds[stack])
        if stack in self.failing_up:
            raise ConnectionError(f"{stack}: dial tcp: i/o timeout")
        return UpSummary("succeeded", {"update": 7})

    def outputs(self, stack: str) -> dict[str, Any]:
        self.calls.append(("outputs", stack))
        return {"region": "us-west-2", "dr": {"role": "active", "failoverHostname": HOSTNAME}}

    def mutations(self) -> list[tuple[str, ...]]:
        return [call for call in self.calls if call[0] != "outputs"]


def scripted_probe(clock: ScriptedClock, answers: list[int | None]) -> Any:
    remaining: Iterator[int | None] = iter(answers)
    asked: list[str] = []

    def probe(url: str) -> int | None:
        asked.append(url)
        clock.advance(0.5)  # the request's own time
        return next(remaining, 200)

    probe.asked = asked  # type: ignore[attr-defined]
    return probe


def preflight_double(clock: ScriptedClock, failing: tuple[str, ...] = ()) -> Any:
    seen: list[tuple[StackView, StackView]] = []

    def preflight(target: StackView, failed: StackView, now: datetime) -> Preflight:
        seen.append((target, failed))
        clock.advance(30)
        backup = CheckResult("backup-age", Status.PASS, "fresh", {"newestBackupAt": BACKUP_AT, "backup": "b1"})
        checks = [backup] + [CheckResult(name, Status.FAIL, f"{name} is broken") for name in failing]
        return Preflight(checks)

    preflight.seen = seen  # type: ignore[attr-defined]
    return preflight


def promote(
    tmp_path: Path,
    workspace: RecordingWorkspace,
    force: bool = False,
    failing: tuple[str, ...] = (),
    answers: list[int | None] | None = None,
) -> DrillRun:
    clock = workspace.clock
    tools = Tools(
        workspace=workspace,
        clock=clock,
        probe=scripted_probe(clock, answers if answers is not None else [503, None, 200]),
        preflight=preflight_double(clock, failing),
        report=FileReport(tmp_path),
        healthy_timeout_seconds=300,
        poll_seconds=10,
    )
    return execute(MOVE, tools, force, Modeled(318.0, 30, "promotion to active: 5.3 min modeled"))


def test_the_steps_run_in_order(tmp_path: Path) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    run = promote(tmp_path, workspace)
    assert run.outcome == "succeeded"
    assert [step.name for step in run.steps] == [
        "preflight",
        "flip roles",
        "demote prod",
        "up prod-dr",
        "wait healthy",
        "report",
    ]
    assert workspace.mutations() == [
        ("set_dr_role", "prod-dr", "active"),
        ("set_dr_role", "prod", "standby"),
        ("up", "prod"),
        ("up", "prod-dr"),
    ]
    # The failover name is read after the target's update, when its outputs are the promoted ones.
    assert workspace.calls[-1] == ("outputs", "prod-dr")


def test_a_failing_preflight_refuses_and_says_why(tmp_path: Path) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    run = promote(tmp_path, workspace, failing=("s3-replication", "state-backend"))
    assert run.outcome == "refused"
    assert workspace.mutations() == []
    preflight = run.steps[0]
    assert preflight.outcome == "failed"
    assert preflight.detail == "refused: failing checks: s3-replication, state-backend (--force to promote anyway)"
    assert [step.name for step in run.steps] == ["preflight", "report"]
    report = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert (report["outcome"], report["forced"]) == ("refused", False)
    assert {c["name"]: c["status"] for c in report["preflight"]}["state-backend"] == "fail"


def test_force_promotes_despite_a_failing_preflight(tmp_path: Path) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    run = promote(tmp_path, workspace, force=True, failing=("restore-test",))
    assert (run.outcome, run.forced) == ("succeeded", True)
    assert run.steps[0].detail == "forced past failing checks: restore-test"
    assert ("up", "prod-dr") in workspace.mutations()
    assert json.loads(next(tmp_path.glob("*.json")).read_text())["forced"] is True


def test_an_unreachable_failed_region_is_recorded_and_the_promotion_continues(tmp_path: Path) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    workspace.failing_up.add("prod")
    run = promote(tmp_path, workspace)
    demote = run.step("demote prod")
    assert demote is not None
    assert demote.outcome == "continued"
    assert "i/o timeout" in demote.detail
    assert run.outcome == "succeeded"
    assert workspace.mutations()[-1] == ("up", "prod-dr")


def test_a_failed_stack_whose_role_cannot_be_set_is_not_brought_up_active(tmp_path: Path) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    workspace.failing_role.add("prod")
    run = promote(tmp_path, workspace)
    assert ("up", "prod") not in workspace.mutations()
    demote = run.step("demote prod")
    assert demote is not None
    assert demote.outcome == "skipped"
    assert run.outcome == "succeeded"


def test_a_failed_target_update_stops_before_waiting(tmp_path: Path) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    workspace.failing_up.add("prod-dr")
    run = promote(tmp_path, workspace)
    assert run.outcome == "failed"
    assert run.step("wait healthy") is None
    assert run.measured_rto_seconds is None


def test_rto_runs_from_the_role_flip_to_the_first_healthy_answer(tmp_path: Path) -> None:
    run = promote(tmp_path, RecordingWorkspace(ScriptedClock()), answers=[503, None, 200])
    # Preflight's 30 s come before the flip and do not count. Then: two role flips (2 s), the
    # demote (120 s), the target's update (600 s), and three probes (1.5 s) with two 10 s waits.
    assert run.promotion_started_at == START + timedelta(seconds=30)
    assert run.measured_rto_seconds == 2 + 120 + 600 + 1.5 + 20
    assert run.rpo_seconds == 7 * 60 + 30  # the backup's age when the promotion started
    wait = run.step("wait healthy")
    assert wait is not None
    assert wait.detail == f"https://{HOSTNAME}/healthz answered 200 after 3 attempt(s)"


def test_a_workload_that_never_answers_fails_the_wait(tmp_path: Path) -> None:
    run = promote(tmp_path, RecordingWorkspace(ScriptedClock()), answers=[503] * 100)
    wait = run.step("wait healthy")
    assert wait is not None
    assert wait.outcome == "failed"
    assert "did not answer 200 within 300 s (last: 503)" in wait.detail
    assert run.outcome == "failed"
    assert run.measured_rto_seconds is None


def test_the_report_holds_steps_rto_rpo_and_the_model(tmp_path: Path) -> None:
    run = promote(tmp_path, RecordingWorkspace(ScriptedClock()))
    json_path, markdown_path = FileReport(tmp_path).paths(run)
    assert json_path.name == "promote-prod-dr-20260301T120000Z.json"
    report = json.loads(json_path.read_text())
    assert report["rto"] == {
        "measuredSeconds": 743.5,
        "from": "2026-03-01T12:00:30Z",
        "to": "2026-03-01T12:12:53Z",
        "modeledSeconds": 318.0,
        "modeled": "promotion to active: 5.3 min modeled",
        "targetMinutes": 30,
    }
    assert report["rpo"]["seconds"] == 450
    assert report["rpo"]["backup"] == "b1"
    up = next(step for step in report["steps"] if step["name"] == "up prod-dr")
    assert (up["durationSeconds"], up["outcome"]) == (600, "ok")
    assert report["steps"][-1]["detail"] == f"{json_path}, {markdown_path}"
    markdown = markdown_path.read_text()
    assert "- Measured RTO: 12.4 min (role flip 2026-03-01T12:00:30Z" in markdown
    row = "| up prod-dr | 2026-03-01T12:02:32Z | 2026-03-01T12:12:32Z | 600 s | ok | pulumi up prod-dr: succeeded"
    assert row in markdown
