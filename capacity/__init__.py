"""Capacity check of the system managed node group, read from an offline plan.

    result = check_plan(plan)     # plan: offline_plan.plan_file.build_plan(...)
    print(summary_line(result))
    if not result.fits: ...       # fail the plan

check_plan raises CapacityModelError when the plan puts a pod on the system nodes that
capacity/data/system_pods.yaml does not size, or names an instance type it does not know.
"""

from capacity.check import CapacityResult, ResourceUse, check_plan, summary_line
from capacity.plan_reading import CapacityModelError

__all__ = ["CapacityModelError", "CapacityResult", "ResourceUse", "check_plan", "summary_line"]
