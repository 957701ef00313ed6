"""`python -m disaster_recovery status | promote --to <stack> | failback [--to <stack>] | deploy-order`.

promote and failback are dry runs unless --execute: they print the steps, the preflight (AWS
checks not run without credentials; parity and the state backend always run), the offline plan
difference of the promotion and its modeled RTO, and exit 0 whatever the preflight says, since
nothing changes. With --execute a failing preflight refuses (exit 1) unless --force.

deploy-order prints the deploy waves as JSON (disaster_recovery/deploy_order.py), for the deploy
workflow's matrices.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from disaster_recovery.deploy_order import deploy_order
from disaster_recovery.drill.aws_checks import AwsClients
from disaster_recovery.drill.model import Preflight, StackView
from disaster_recovery.drill.orchestrate import (
    Clock,
    Modeled,
    Probe,
    SystemClock,
    Tools,
    execute,
    http_status,
    live_view,
)
from disaster_recovery.drill.pairs import DrillUsageError, Move, failback_target, pairs, promotion_to
from disaster_recovery.drill.plans import OfflinePlans, PlanError, PlanSource, difference_lines
from disaster_recovery.drill.preflight import PreflightInputs, aws_offline_reason, run_preflight
from disaster_recovery.drill.render import planned_steps, preflight_lines, run_lines, verdict
from disaster_recovery.drill.report import FileReport
from disaster_recovery.drill.workspace import AutomationWorkspace, Workspace
from offline_plan.evaluate import PROJECT_DIR
from settings import SettingsError


@functools.cache
def boto3_clients(service: str, region: str) -> Any:
    import boto3

    return boto3.client(service, region_name=region)


@dataclass(frozen=True)
class Environment:
    """Everything the drill reaches outside itself; tests replace parts of it."""

    project_dir: Path
    out_dir: Path
    plans: PlanSource
    clients: AwsClients
    env: Mapping[str, str]
    offline_reason: Callable[[], str | None]
    clock: Clock
    probe: Probe
    workspace: Callable[[Path], Workspace]

    @classmethod
    def default(cls, project_dir: Path = PROJECT_DIR) -> Environment:
        return cls(
            project_dir=project_dir,
            out_dir=project_dir / "build" / "dr",
            plans=OfflinePlans(project_dir),
            clients=boto3_clients,
            env=os.environ,
            offline_reason=aws_offline_reason,
            clock=SystemClock(),
            probe=http_status,
            workspace=AutomationWorkspace,
        )

    def preflight_inputs(self) -> PreflightInputs:
        return PreflightInputs(self.project_dir, self.plans, self.clients, self.env, self.offline_reason())


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m disaster_recovery", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="command", required=True)
    status_command = commands.add_parser("status", help="each DR pair: roles, preflight of promoting its standby, RTO")
    _live_outputs_option(status_command)
    helps = {
        "promote": "promote a standby (a dry run unless --execute)",
        "failback": "the planned reverse: promote the pair's stack that is standby now (a dry run unless --execute)",
    }
    for name, needed in (("promote", True), ("failback", False)):
        command = commands.add_parser(name, help=helps[name])
        command.add_argument("--to", required=needed, help="the standby stack to promote")
        command.add_argument("--execute", action="store_true", help="act for real (Pulumi CLI and AWS credentials)")
        command.add_argument("--force", action="store_true", help="promote despite a failing preflight")
        _live_outputs_option(command)
    commands.add_parser("deploy-order", help="the deploy waves (unprotected, standby, active) as JSON")
    return root


def _live_outputs_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--live-outputs",
        action="store_true",
        help="read the stacks' outputs from their state (Pulumi CLI), not the offline plan: "
        "the names AWS and Pulumi assign are then the real ones",
    )


def main(argv: list[str] | None = None, environment: Environment | None = None) -> int:
    args = parser().parse_args(argv)
    environment = environment or Environment.default()
    try:
        if args.command == "deploy-order":
            print(json.dumps(deploy_order(environment.project_dir)))
            return 0
        if args.command == "status":
            return status(environment, args.live_outputs)
        if args.command == "promote":
            move = promotion_to(environment.project_dir, args.to)
        else:
            move = failback_target(environment.project_dir, args.to)
        if args.execute:
            return promote_for_real(move, environment, args.force)
        return dry_run(move, environment, args.force, args.live_outputs)
    except (DrillUsageError, PlanError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def status(environment: Environment, live: bool = False) -> int:
    found = pairs(environment.project_dir)
    if not found:
        print("no DR pairs: no stack file's eks-platform:dr names a peerStack")
    inputs = environment.preflight_inputs()
    for active, standby in found:
        print(f"DR pair {active.stack} ({active.region}) / {standby.stack} ({standby.region})")
        print(f"  roles: {active.stack} {active.role}, {standby.stack} {standby.role}")
        if (active.role, standby.role) != ("active", "standby"):
            print("  roles are not one active and one standby: a promotion is half done; finish it first")
            continue
        move = Move("promote", standby, active)
        print(f"  preflight of promoting {standby.stack}:")
        preflight = run_preflight(inputs, move, *views(move, environment, live), environment.clock.now())
        print("\n".join(preflight_lines(preflight, "    ")))
        print(f"  modeled RTO: {modeled_line(environment.plans, standby.stack)}")
    return 0


def dry_run(move: Move, environment: Environment, force: bool, live: bool = False) -> int:
    target, failed = move.target, move.failed
    print(
        f"DR {move.kind}: {target.stack} ({target.region}) from {failed.stack} ({failed.region}); "
        "dry run, nothing changes (--execute to act)"
    )
    print(f"outputs: {OUTPUT_SOURCES[live]}")
    target_view, failed_view = views(move, environment, live)
    print("\n".join(planned_steps(move, target_view)))
    now = environment.clock.now()
    preflight = run_preflight(environment.preflight_inputs(), move, target_view, failed_view, now)
    print("preflight:")
    print("\n".join(preflight_lines(preflight)))
    print("\n".join(promotion_difference(environment.plans, target.stack)))
    print(f"modeled RTO: {modeled_line(environment.plans, target.stack)}")
    print(verdict(preflight, force))
    return 0


def promote_for_real(move: Move, environment: Environment, force: bool) -> int:
    """Not exercised here: it needs the Pulumi CLI, the state backend and AWS credentials."""
    inputs = environment.preflight_inputs()

    def preflight(target: StackView, failed: StackView, now: Any) -> Preflight:
        return run_preflight(inputs, move, target, failed, now)

    tools = Tools(
        workspace=environment.workspace(environment.project_dir),
        clock=environment.clock,
        probe=environment.probe,
        preflight=preflight,
        report=FileReport(environment.out_dir),
    )
    try:
        model = modeled(environment.plans, move.target.stack)
    except (PlanError, ValueError) as error:  # the model is context; it must not block a promotion
        print(f"no modeled RTO: {error}", file=sys.stderr)
        model = None
    run = execute(move, tools, force, model)
    print("\n".join(run_lines(run)))
    print(f"report: {', '.join(str(path) for path in tools.report.paths(run))}")
    return 0 if run.outcome == "succeeded" else 1


def plan_view(plans: PlanSource, stack: str) -> StackView:
    try:
        return StackView(stack, plans.plan(stack)["outputs"])
    except PlanError as error:
        return StackView(stack, {}, unreadable=str(error))


OUTPUT_SOURCES = {
    False: "the offline plans (the stacks evaluated in-process); names AWS or Pulumi assign (auto-named "
    "buckets, health check ids) are the offline mock's, so with credentials use --live-outputs",
    True: "the stacks' state (--live-outputs, through the Pulumi CLI)",
}


def views(move: Move, environment: Environment, live: bool) -> tuple[StackView, StackView]:
    """(target, failed) outputs, for a run that changes nothing."""
    stacks = (move.target.stack, move.failed.stack)
    if live:
        workspace = environment.workspace(environment.project_dir)
        return live_view(workspace, stacks[0]), live_view(workspace, stacks[1])
    return plan_view(environment.plans, stacks[0]), plan_view(environment.plans, stacks[1])


def promotion_difference(plans: PlanSource, stack: str) -> list[str]:
    promoted = plans.promotion(stack)
    if promoted is None:
        return [f"plan difference: {stack} has no promotion model (review.rtoMinutes unset)"]
    return difference_lines(plans.plan(stack), promoted.active_plan)


def modeled(plans: PlanSource, stack: str) -> Modeled | None:
    promoted = plans.promotion(stack)
    return Modeled(promoted.seconds, promoted.rto_minutes, promoted.line()) if promoted else None


def modeled_line(plans: PlanSource, stack: str) -> str:
    model = modeled(plans, stack)
    return model.line if model else f"{stack} has no promotion model (review.rtoMinutes unset)"
