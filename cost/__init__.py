"""Monthly cost of a stack, estimated from its offline plan and a price file per region.

estimate = estimate_plan(plan)          # plan: build/plan/<stack>.json
print(one_line(estimate))
"""

from cost.estimate import CostEstimate, LineItem, estimate_plan
from cost.report import cost_table, one_line, target_lines

__all__ = ["CostEstimate", "LineItem", "cost_table", "estimate_plan", "one_line", "target_lines"]
