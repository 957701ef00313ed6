"""`python -m offline_plan [STACK ...]`: plan stacks offline; write build/plan/<stack>.json and manifests."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from capacity import CapacityModelError, check_plan, summary_line
from offline_plan.evaluate import PROJECT_DIR, evaluate_stack
from offline_plan.manifests import write_manifests
from offline_plan.plan_file import build_plan, write_plan
from offline_plan.stack_config import read_stack_config, stack_names, stack_settings
from offline_plan.summary import summarize
from policy.check import check_stack, summary_lines, write_results
from policy.pairs import pair_results
from policy.results import PolicyResult
from policy.stack_facts import facts_of
from review.plan_lines import parity_reports, review_lines, target_report
from settings import SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="offline_plan", description=__doc__)
    parser.add_argument("stacks", nargs="*", help="stacks to plan (default: every Pulumi.<stack>.yaml)")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "build" / "plan")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="where Pulumi.<stack>.yaml files are")
    parser.add_argument("--cost-table", action="store_true", help="print each stack's cost line items")
    args = parser.parse_args(argv)
    overridden = engine_config_variables()
    if overridden:
        print(
            f"error: {', '.join(overridden)} set: a real `pulumi up` would take config from there, the offline "
            "plan takes it from Pulumi.<stack>.yaml only, so the two would disagree; unset them",
            file=sys.stderr,
        )
        return 2
    known = stack_names(args.project_dir)
    stacks = args.stacks or known
    failed = False
    reviewed = {}
    plans = {}
    policy_results: dict[str, list[PolicyResult]] = {}
    for stack in stacks:
        if stack not in known:
            print(f"error: no stack file Pulumi.{stack}.yaml; stacks: {', '.join(known)}", file=sys.stderr)
            failed = True
            continue
        try:
            config = read_stack_config(args.project_dir, stack)
        except SettingsError as error:
            print(f"error: {error}", file=sys.stderr)
            failed = True
            continue
        evaluation = evaluate_stack(stack, args.project_dir, config)
        if evaluation.error:
            print(f"error: {evaluation.error}", file=sys.stderr)
            failed = True
            continue
        plan = build_plan(evaluation)
        path = write_plan(plan, args.out)
        manifests = write_manifests(plan, args.out)
        capacity, capacity_error = _system_node_capacity(plan)
        print(summarize(plan, capacity))
        plans[stack] = plan
        reviewed[stack] = review_lines(plan, args.out, args.project_dir, args.cost_table)
        policy_results[stack] = check_stack(plan, facts_of(stack_settings(args.project_dir, stack, config)))
        print(f"\nWrote {path} and {manifests}/\n")
        if capacity_error:
            print(f"error: stack '{stack}': {capacity_error}", file=sys.stderr)
            failed = True
    for line in target_report(reviewed):
        print(line)
    for report in parity_reports(plans, reviewed):
        print("\n".join(report.lines()))
        promoted = reviewed[report.standby].promotion
        assert promoted is not None  # a parity report exists only for a standby's promotion
        policy_results[report.standby] += pair_results(plans[report.active], promoted.active_plan, report)
        if not report.clean:
            print(f"error: stack '{report.standby}' is not the same graph as '{report.active}'", file=sys.stderr)
            failed = True
    return 1 if _policy_report(policy_results, plans, args.out) or failed else 0


def _policy_report(results: dict[str, list[PolicyResult]], plans: dict[str, dict], out: Path) -> bool:
    """Print each stack's policy findings, write build/plan/<stack>.policy.json; True when one blocks."""
    blocked = False
    for stack, found in results.items():
        print("\n".join(summary_lines(stack, found, plans[stack])))
        write_results(stack, found, out)
        if any(result.blocks for result in found):
            print(f"error: stack '{stack}' breaks a mandatory policy (above)", file=sys.stderr)
            blocked = True
    return blocked


def engine_config_variables() -> list[str]:
    """PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS and PULUMI_CONFIG_<KEY>: where the engine's config comes from."""
    return sorted(name for name in os.environ if name == "PULUMI_CONFIG" or name.startswith("PULUMI_CONFIG_"))


def _system_node_capacity(plan: dict) -> tuple[str, str | None]:
    """The headroom line for the summary, and an error when the system pods do not fit."""
    try:
        result = check_plan(plan)
    except CapacityModelError as error:
        return f"unknown: {error}", f"system-node capacity cannot be checked: {error}"
    line = summary_line(result)
    return line, None if result.fits else f"the system node group is too small: {line}"


def exit_without_teardown(code: int) -> None:
    """End the process once everything is written and flushed.

    Interpreter teardown would collect and free the SDKs' few hundred thousand objects, about
    a second that no output depends on. Only this command-line entry point does it: tests and
    library callers keep normal exits.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_without_teardown(main())
