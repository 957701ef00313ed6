"""`make bench`: time to evaluate each stack against the import time of the SDKs alone.

Target: evaluating a stack costs no more than 2x importing pulumi, pulumi_aws,
pulumi_eks and pulumi_kubernetes. The first evaluation in a process also pays
one-time costs (botocore's service data, the program's own imports, the SDK's
first registration), so it is printed beside the warm figure the target reads.
Figures are printed, never asserted: a timing test would fail on a busy machine
for reasons unrelated to the code.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time

from offline_plan.evaluate import PROJECT_DIR, evaluate_stack
from offline_plan.plan_file import build_plan
from offline_plan.stack_config import stack_names

RUNS = 5
TARGET_RATIO = 2.0
_IMPORT_PROBE = (
    "import time; t = time.perf_counter(); "
    "import pulumi, pulumi_aws, pulumi_eks, pulumi_kubernetes; "
    "print(time.perf_counter() - t)"
)


def sdk_import_seconds() -> float:
    """Median import time of the four SDKs, each run in a fresh interpreter."""
    samples = [
        float(subprocess.run([sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, check=True).stdout)
        for _ in range(RUNS)
    ]
    return statistics.median(samples)


def evaluation_seconds(stack: str) -> tuple[float, float, int]:
    """First evaluation in this process, median of the following ones, resource count."""
    samples = []
    resources = 0
    for _ in range(RUNS + 1):
        start = time.perf_counter()
        plan = build_plan(evaluate_stack(stack))
        samples.append(time.perf_counter() - start)
        resources = len(plan["resources"])
    return samples[0], statistics.median(samples[1:]), resources


def main() -> int:
    imports = sdk_import_seconds()
    print(f"SDK import (pulumi + aws + eks + kubernetes), median of {RUNS} fresh interpreters: {imports * 1000:.0f} ms")
    print(
        f"{'stack':<10} {'resources':>9} {'first (ms)':>11} {'warm (ms)':>10} {'warm/import':>12} {'first/import':>13}"
        f"  target <= {TARGET_RATIO}x"
    )
    for stack in stack_names(PROJECT_DIR):
        first, warm, resources = evaluation_seconds(stack)
        ratio = warm / imports
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        figures = f"{first * 1000:>11.0f} {warm * 1000:>10.0f} {ratio:>11.2f}x {first / imports:>12.2f}x"
        print(f"{stack:<10} {resources:>9} {figures}  {verdict}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
