"""Review data as terminal text and as Markdown for one pull-request comment."""

from __future__ import annotations

from collections.abc import Sequence

from difference import StackDifference
from review.stack_review import StackReview

MAX_CHARACTERS = 60_000  # GitHub refuses longer comments (65,536); the summary is never cut
MAX_PATHS = 12  # changed input paths shown per resource


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _change_lines(difference: StackDifference, bullet: str = "  ") -> list[str]:
    lines = [f"{bullet}+ {ref}" for ref in difference.added]
    lines += [f"{bullet}- {ref}" for ref in difference.removed]
    lines += [f"{bullet}= {ref} (was {old}, kept by an alias)" for ref, old in sorted(difference.renamed.items())]
    for ref, changes in sorted(difference.changed.items()):
        lines.append(f"{bullet}~ {ref}")
        lines += [f"{bullet}    {c.path}: {c.before} -> {c.after}" for c in changes[:MAX_PATHS]]
        if len(changes) > MAX_PATHS:
            lines.append(f"{bullet}    ... and {len(changes) - MAX_PATHS} more paths")
    return lines


def _cost_lines(review: StackReview) -> list[str]:
    base = {item.item: item.monthly for item in review.cost_base.items} if review.cost_base else {}
    head = {item.item: item.monthly for item in review.cost_head.items} if review.cost_head else {}
    lines = []
    for item in sorted(set(base) | set(head)):
        before, after = base.get(item, 0.0), head.get(item, 0.0)
        if round(before, 2) != round(after, 2):
            lines.append(f"  {item}: ${before:,.2f} -> ${after:,.2f} ({after - before:+,.2f})")
    return lines


def text(reviews: list[StackReview]) -> str:
    out: list[str] = []
    for review in reviews:
        out.append(f"== stack {review.stack}")
        if review.error:
            out.append(f"  cannot compare: {review.error}")
            continue
        assert review.difference is not None
        d = review.difference
        counts = f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed"
        out.append(f"  {counts}, {len(d.renamed)} kept by alias")
        if review.alarms:
            out.append("  !!! DATA AT RISK / REPLACEMENTS !!!")
            out += [f"  !!! {alarm.kind}: {alarm.ref}: {alarm.detail}" for alarm in review.alarms]
        out += _change_lines(d)
        out.append(f"  cost: {review.cost_delta:+,.2f} USD/month")
        out += _cost_lines(review)
        if review.update is not None:
            out.append(f"  update time: {_minutes(review.update.total_seconds)} (critical path of the change)")
    return "\n".join(out) + "\n"


def policy_cell(review: StackReview) -> str:
    if review.policy is None:
        return "not checked"
    mandatory = sum(result.blocks for result in review.policy)
    advisory = len(review.policy) - mandatory
    if not review.policy:
        return "clean"
    return f"**{mandatory} mandatory**, {advisory} advisory" if mandatory else f"{advisory} advisory"


def _policy_lines(review: StackReview) -> list[str]:
    if not review.policy:
        return []
    lines = ["Policy findings (offline: the CrossGuard pack, admission rules, stack pairs):", ""]
    lines += [
        f"- [{r.enforcement}] `{r.rule}` {f'`{r.resource}`' if r.resource else '(stack)'}: {r.message}"
        for r in review.policy
    ]
    return [*lines, ""]


def _summary_table(reviews: list[StackReview]) -> list[str]:
    columns = (
        "stack", "added", "removed", "changed", "replacements / data at risk", "cost/month (delta)",
        "deploy from empty", "update", "policy",
    )  # fmt: skip
    rows = [_row(columns), _row(["---"] * len(columns))]
    for r in reviews:
        if r.error or r.difference is None:
            rows.append(f"| {r.stack} | error: {r.error} | | | | | | | |")
            continue
        d = r.difference
        cost = (
            f"${r.cost_head.monthly:,.0f} ({r.cost_delta:+,.0f})" if r.cost_head else f"removed ({r.cost_delta:+,.0f})"
        )
        deploy = _minutes(r.deploy_head.total_seconds) if r.deploy_head else "-"
        update = _minutes(r.update.total_seconds) if r.update else "-"
        risk = f"**{len(r.alarms)}**" if r.alarms else "0"
        row = [r.stack, len(d.added), len(d.removed), len(d.changed), risk, cost, deploy, update, policy_cell(r)]
        rows.append(_row(row))
    return rows


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _details(review: StackReview) -> str:
    lines = [f"<details><summary>{review.stack}</summary>", ""]
    if review.alarms:
        lines += ["**Data at risk / replacements**", ""]
        lines += [f"- `{a.ref}` ({a.kind}): {a.detail}" for a in review.alarms]
        lines.append("")
    lines += _policy_lines(review)
    if review.difference is not None:
        lines += ["```diff", *(_change_lines(review.difference, "") or ["(no changes)"]), "```", ""]
    cost = _cost_lines(review)
    if cost:
        lines += ["Cost by line item (USD/month):", "", *[f"-{line[1:]}" for line in cost], ""]
    if review.update is not None and review.update.path:
        lines += ["Critical path of the update:", ""]
        lines += [
            f"1. `{s.ref}` {s.seconds:.0f} s{' (explicit dependsOn)' if s.explicit else ''}"
            for s in review.update.path
            if s.seconds
        ]
        lines.append("")
    lines.append("</details>")
    return "\n".join(lines)


def markdown(reviews: list[StackReview], base: str) -> str:
    """Summary first; details per stack folded below, cut (never the summary) to MAX_CHARACTERS."""
    risky = [r.stack for r in reviews if r.alarms]
    head = [
        f"## Infrastructure review against `{base}`",
        "",
        f"**Replacements or data at risk in: {', '.join(risky)}**" if risky else "No replacement and no data at risk.",
        "",
        *_summary_table(reviews),
        "",
    ]
    document = "\n".join(head)
    note = "\n_Details cut to fit one comment; run `make review` locally for all of them._\n"
    for review in reviews:
        block = "\n" + _details(review) + "\n"
        if len(document) + len(block) + len(note) > MAX_CHARACTERS:
            return document + note
        document += block
    return document
