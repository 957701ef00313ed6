"""Cost estimates as text: one line per stack, a table on request, and the targets settings set."""

from __future__ import annotations

from typing import Any

from cost.estimate import CostEstimate


def one_line(estimate: CostEstimate) -> str:
    return (
        f"cost: ${estimate.monthly:,.0f}/month baseline, ${estimate.worst_case:,.0f}/month with every NodePool "
        f"at its limits ({estimate.region}; assumptions in eks-platform:review)"
    )


def cost_table(estimate: CostEstimate) -> str:
    width = max(len(item.item) for item in estimate.items)
    lines = [f"{'item':<{width}}  {'baseline':>10}  {'worst case':>10}  basis"]
    for item in estimate.items:
        lines.append(f"{item.item:<{width}}  {item.monthly:>10,.2f}  {item.worst_case:>10,.2f}  {item.basis}")
    lines.append(f"{'total (USD/month)':<{width}}  {estimate.monthly:>10,.2f}  {estimate.worst_case:>10,.2f}")
    lines += [f"note: {note}" for note in estimate.notes]
    return "\n".join(lines)


def target_lines(estimate: CostEstimate, peers: dict[str, CostEstimate]) -> list[tuple[str, bool]]:
    """Each target the stack's settings set, as (text, held)."""
    assumptions: dict[str, Any] = estimate.assumptions
    targets = []
    budget = assumptions.get("monthlyBudgetUsd")
    if budget is not None:
        held = estimate.monthly <= budget
        targets.append((f"baseline ${estimate.monthly:,.0f} {'within' if held else 'OVER'} budget ${budget:,}", held))
    share = assumptions.get("standbyMaxPercentOfPeer")
    peer = peers.get(assumptions.get("peerStack", ""))
    if share is not None and peer is not None and peer.monthly:
        percent = 100 * estimate.monthly / peer.monthly
        held = percent <= share
        verdict = "within" if held else "OVER"
        targets.append((f"standby baseline {percent:.0f}% of {peer.stack}'s, {verdict} the {share}% target", held))
    elif share is not None:
        targets.append((f"standby share unknown: peer {assumptions.get('peerStack')} not planned in this run", True))
    return targets
