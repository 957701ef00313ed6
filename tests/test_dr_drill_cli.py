"""`python -m disaster_recovery` in-process: the offline dry run and status on the real stack
files (plans shared with the rest of the suite through tests/conftest.py), which stack a command
moves to, and the --execute wiring with a workspace double."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from disaster_recovery.drill.cli import Environment, main
from disaster_recovery.drill.pairs import DrillUsageError, failback_target, promotion_to
from offline_plan.evaluate import PROJECT_DIR
from review.promotion import Promotion, promotion
from tests.conftest import graph
from tests.project_copy import edit_config, project_copy
from tests.test_dr_drill_orchestrate import HOSTNAME, RecordingWorkspace, ScriptedClock


@cache
def cached_promotion(stack: str) -> Promotion | None:
    return promotion(graph(stack).plan)


class SuitePlans:
    """The session's cached plans, so the CLI tests add one evaluation (the promoted standby)."""

    def plan(self, stack: str) -> dict[str, Any]:
        return graph(stack).plan

    def promotion(self, stack: str) -> Promotion | None:
        return cached_promotion(stack)


def no_aws(service: str, region: str) -> Any:
    raise AssertionError(f"asked AWS ({service} in {region}) while offline")


def environment(
    tmp_path: Path, workspace: RecordingWorkspace | None = None, project_dir: Path = PROJECT_DIR
) -> Environment:
    def no_workspace(project: Path) -> Any:
        raise AssertionError("a dry run must not touch Pulumi")

    clock = workspace.clock if workspace else ScriptedClock()
    return Environment(
        project_dir=project_dir,
        out_dir=tmp_path / "dr",
        plans=SuitePlans(),
        clients=no_aws,
        env={"PULUMI_BACKEND_URL": "s3://eks-platform-state?region=us-east-1"},
        offline_reason=lambda: "no AWS credentials found",
        clock=clock,
        probe=lambda url: 200,
        workspace=(lambda project: workspace) if workspace else no_workspace,
    )


def test_the_dry_run_works_offline_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["promote", "--to", "prod-dr"], environment(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "DR promote: prod-dr (us-west-2) from prod (us-east-1); dry run, nothing changes" in out
    assert "  4. pulumi up prod-dr (Automation API)" in out
    assert "  [not run] target-cluster: offline: no AWS credentials found" in out
    assert "  [not run] route53-health: offline: no AWS credentials found" in out
    # The offline checks really ran: parity compared the graphs, the backend was judged.
    assert "] parity: parity prod / prod-dr (as active):" in out
    assert "  [fail] state-backend: s3://eks-platform-state?region=us-east-1 (from PULUMI_BACKEND_URL)" in out
    assert "plan difference prod-dr standby -> active:" in out
    failover_record = "aws:route53/record:Record::eks-platform-prod-dr-web-failover"
    assert f"  ~ {failover_record}: failoverRoutingPolicies[0].type SECONDARY -> PRIMARY" in out
    assert "modeled RTO: promotion to active:" in out
    assert out.rstrip().endswith("--execute would refuse without --force")
    assert not (tmp_path / "dr").exists()


def test_status_shows_each_pair_its_roles_preflight_and_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status"], environment(tmp_path)) == 0
    out = capsys.readouterr().out
    assert out.startswith("DR pair prod (us-east-1) / prod-dr (us-west-2)\n  roles: prod active, prod-dr standby\n")
    assert "  preflight of promoting prod-dr:\n    [not run] target-cluster" in out
    assert "  modeled RTO: promotion to active:" in out
    assert "dev" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["promote", "--to", "prod"], "prod is already active in Pulumi.prod.yaml"),
        (["promote", "--to", "dev"], "dev has no DR peer"),
        (["promote", "--to", "staging"], "no stack file Pulumi.staging.yaml"),
    ],
)
def test_a_promotion_the_stack_files_do_not_allow_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv, environment(tmp_path)) == 2
    assert message in capsys.readouterr().err


def test_failback_moves_to_the_stack_of_the_pair_that_is_standby(tmp_path: Path) -> None:
    assert failback_target(PROJECT_DIR, None).target.stack == "prod-dr"
    project = project_copy(tmp_path)
    edit_config(project, "prod", lambda config: config["eks-platform:dr"].update(role="standby"))
    edit_config(project, "prod-dr", lambda config: config["eks-platform:dr"].update(role="active"))
    move = failback_target(project, None)
    assert (move.kind, move.target.stack, move.failed.stack) == ("failback", "prod", "prod-dr")
    with pytest.raises(DrillUsageError, match="prod-dr is already active"):
        promotion_to(project, "prod-dr")


def test_execute_refuses_on_a_failing_preflight_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    assert main(["promote", "--to", "prod-dr", "--execute"], environment(tmp_path, workspace)) == 1
    assert workspace.mutations() == []
    out = capsys.readouterr().out
    assert out.startswith("DR promote prod-dr: refused\n")
    report = json.loads(next((tmp_path / "dr").glob("promote-prod-dr-*.json")).read_text())
    assert report["outcome"] == "refused"
    assert report["rto"]["modeled"].startswith("promotion to active:")


def test_execute_with_force_promotes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    assert main(["promote", "--to", "prod-dr", "--execute", "--force"], environment(tmp_path, workspace)) == 0
    assert workspace.mutations()[-1] == ("up", "prod-dr")
    assert capsys.readouterr().out.startswith("DR promote prod-dr: succeeded (forced)\n")


def test_live_outputs_are_read_through_the_workspace_without_changing_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = RecordingWorkspace(ScriptedClock())
    assert main(["promote", "--to", "prod-dr", "--live-outputs"], environment(tmp_path, workspace)) == 0
    assert workspace.calls == [("outputs", "prod-dr"), ("outputs", "prod")]
    out = capsys.readouterr().out
    assert "outputs: the stacks' state (--live-outputs, through the Pulumi CLI)" in out
    assert f"  5. wait for HTTP 200 from https://{HOSTNAME}/healthz" in out
