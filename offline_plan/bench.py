"""`make bench`: time the offline plan as a user runs it, beside the SDK import timed the same way.

Every figure is a whole process (interpreter start, imports, evaluation, writing, exit), the
median of RUNS runs, with that process's peak resident memory. Also printed: memory across many
evaluations in one process (it must stay bounded), and the cost per resource of a synthetic
stack. Figures are printed, never asserted: a timing test would fail on a busy machine for
reasons unrelated to the code.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from offline_plan.evaluate import PROJECT_DIR, evaluate_stack

RUNS = 5
TARGETS = {"make plan STACK=prod": 3.0, "make plan": 4.0}
SDK_IMPORT = [sys.executable, "-c", "import pulumi, pulumi_aws, pulumi_eks, pulumi_kubernetes"]


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_mib: float


def run_once(command: Sequence[str]) -> ProcessRun:
    """One whole process; its own peak RSS from wait4, not the maximum over every child so far."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return ProcessRun(seconds, usage.ru_maxrss / 1024)


def median_run(command: Sequence[str]) -> ProcessRun:
    runs = [run_once(command) for _ in range(RUNS)]
    return ProcessRun(statistics.median(r.seconds for r in runs), max(r.peak_mib for r in runs))


def resident_mib() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def memory_across_evaluations(rounds: int = 12) -> list[float]:
    """Resident memory after each of `rounds` evaluations of prod in one process."""
    figures = []
    for _ in range(rounds):
        evaluate_stack("prod")
        figures.append(resident_mib())
    return figures


def estimates_milliseconds() -> float:
    """The readers of the graph alone, on plans already evaluated (median of RUNS)."""
    from cost import estimate_plan
    from deploy_time import schedule_plan
    from offline_plan.plan_file import build_plan
    from offline_plan.stack_config import stack_names

    plans = [build_plan(evaluate_stack(stack)) for stack in stack_names(PROJECT_DIR)]
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for plan in plans:
            estimate_plan(plan)
            schedule_plan(plan)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> int:
    make = ["make", "-s", "--no-print-directory"]
    sdk = median_run(SDK_IMPORT)
    print(f"whole processes, median of {RUNS}; SDK import (pulumi, aws, eks, kubernetes): {sdk.seconds:.2f} s")
    print(f"{'command':<24} {'seconds':>8} {'x import':>9} {'target':>7} {'peak MiB':>9}")
    for label, command in (
        ("make plan STACK=prod", [*make, "plan", "STACK=prod"]),
        ("make plan", [*make, "plan"]),
        # Base (HEAD, in a worktree) and working tree, every stack, in one process.
        ("make diff BASE=HEAD", [*make, "diff", "BASE=HEAD"]),
    ):
        run = median_run(command)
        ratio = run.seconds / sdk.seconds
        target = TARGETS.get(label)
        verdict = "" if target is None else ("ok" if ratio <= target else "OVER")
        shown = f"{target:>6.1f}x" if target else f"{'-':>7}"
        print(f"{label:<24} {run.seconds:>8.2f} {ratio:>8.1f}x {shown} {run.peak_mib:>9.0f}  {verdict}")
    print(f"cost and deploy-time estimates of every stack, from their plans: {estimates_milliseconds():.0f} ms")
    rounds = memory_across_evaluations()
    print(f"resident MiB after each of {len(rounds)} evaluations of prod in one process: {[round(m) for m in rounds]}")
    from offline_plan.synthetic import per_resource_milliseconds

    print(f"synthetic stack: {per_resource_milliseconds():.2f} ms per resource (1000 resources, one edge each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
