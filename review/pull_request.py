"""The one pull-request comment: the offline review (build/review.md) and every stack's real
`pulumi preview`, with its policy results, under one summary table.

Layout: a hidden marker line (the workflow finds the comment to update by it), the summary (per
stack: the offline plan's changes, data at risk and cost as review.md's table gives them; the
preview's status, its resource changes, and its policy violations by enforcement level), then the
offline review, then each stack's preview output folded. The whole comment fits GitHub's limit:
the summary is never cut; the offline review and the previews share the rest, and each says what
was cut from it.

Preview results are read from a directory holding one folder per stack (the preview jobs'
artifacts): `<stack>/outcome` (the step outcome: success, failure, skipped) and `<stack>/output.txt`
(the CLI's text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

MARKER = "<!-- eks-platform:pull-request-review -->"
GITHUB_COMMENT_LIMIT = 65_536  # characters GitHub accepts in one comment body
TITLE = "## Infrastructure pull-request review"

STATUS_BY_OUTCOME = {"success": "ok", "failure": "failed"}  # anything else: the preview did not run

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# A violation as the CLI prints it: in the "Policies:" section ("- [mandatory] ...") or, with --diff,
# inline after the pack's name ("<pack>@v<version> [advisory] ...") (pkg/backend/display in pulumi/pulumi).
_VIOLATION = re.compile(r"^\s+(?:- |\S+@v\S* )\[(mandatory|advisory)\]", re.MULTILINE)
_POLICIES_RAN = re.compile(r"^(?:Policies|Policy Packs run):", re.MULTILINE)
_DETAILS = re.compile(r"<details>.*?</details>\n?", re.DOTALL)


@dataclass(frozen=True)
class Preview:
    stack: str
    status: str  # "ok", "failed" or "not run"
    output: str
    reason: str = ""  # why there is no output


@dataclass(frozen=True)
class PolicyCounts:
    ran: bool
    mandatory: int
    advisory: int

    def cell(self) -> str:
        if not self.ran:
            return "-"
        counts = f"{self.mandatory} / {self.advisory}"
        return f"**{counts}**" if self.mandatory else counts


@dataclass(frozen=True)
class OfflineRow:
    changes: str
    risk: str
    cost: str
    policy: str


# --- reading the inputs ----------------------------------------------------------------------


def plain(text: str) -> str:
    """The CLI's text without colour codes (the workflow asks for none; a local run may have them)."""
    return _ANSI.sub("", text).replace("\r\n", "\n")


def read_preview(directory: Path, stack: str) -> Preview:
    folder = directory / stack
    if not folder.is_dir():
        return Preview(stack, "not run", "", "no preview result: the job did not run or was cancelled")
    outcome_file = folder / "outcome"
    outcome = outcome_file.read_text().strip() if outcome_file.is_file() else ""
    output_file = folder / "output.txt"
    output = plain(output_file.read_text(errors="replace")) if output_file.is_file() else ""
    status = STATUS_BY_OUTCOME.get(outcome, "not run")
    reason = "" if output else _no_output_reason(outcome)
    return Preview(stack, status, output, reason)


def _no_output_reason(outcome: str) -> str:
    if outcome == "skipped":
        return "the preview was skipped: a step before it failed (see the job log)"
    if outcome in STATUS_BY_OUTCOME:
        return "the preview printed nothing that could be kept (see the job log)"
    return f"no preview result (outcome {outcome or 'missing'})"


def policy_counts(output: str) -> PolicyCounts:
    levels = _VIOLATION.findall(output)
    ran = bool(_POLICIES_RAN.search(output)) or bool(levels)
    return PolicyCounts(ran, levels.count("mandatory"), levels.count("advisory"))


def resource_changes(output: str) -> str:
    """The "Resources:" summary the CLI ends with, on one line ("+ 3 to create, 250 unchanged")."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "Resources:"]
    if not starts:
        return "-"
    summary = []
    for line in lines[starts[-1] + 1 :]:
        if not line.strip():
            break
        summary.append(" ".join(line.split()))
    return ", ".join(summary) or "no changes"


def offline_rows(review: str) -> dict[str, OfflineRow]:
    """review.md's summary table, by stack: its first Markdown table, read by column name."""
    table = _first_table(review)
    if not table:
        return {}
    header, *rows = table
    rows_by_stack = {}
    for cells in rows:
        row = dict(zip(header, cells, strict=False))
        rows_by_stack[row.get("stack", "")] = OfflineRow(
            changes=_changes_cell(row),
            risk=row.get("replacements / data at risk", "-") or "-",
            cost=row.get("cost/month (delta)", "-") or "-",
            policy=row.get("policy", "-") or "-",
        )
    return rows_by_stack


def _first_table(markdown: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return [row for row in rows if not all(set(cell) <= set("-: ") for cell in row)]


def _changes_cell(row: dict[str, str]) -> str:
    counts = [row.get(column, "") for column in ("added", "removed", "changed")]
    if all(count.isdigit() for count in counts):
        return "+{} -{} ~{}".format(*counts)
    return counts[0] or "-"  # an error row says why in its first cell


# --- composing -------------------------------------------------------------------------------


def summary(stacks: Sequence[str], offline: dict[str, OfflineRow], previews: dict[str, Preview]) -> list[str]:
    rows = [
        "| stack | offline plan (+added -removed ~changed) | data at risk | cost/month (delta) | offline policy "
        "| preview | preview changes | preview policy violations (mandatory / advisory) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    missing = OfflineRow("no offline review", "-", "-", "-")
    for stack in stacks:
        row, preview = offline.get(stack, missing), previews[stack]
        status = "**failed**" if preview.status == "failed" else preview.status
        changes = resource_changes(preview.output) if preview.output else "-"
        policy = policy_counts(preview.output).cell()
        cells = [stack, row.changes, row.risk, row.cost, row.policy, status, changes, policy]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


@dataclass(frozen=True)
class Section:
    """A part of the comment that may be cut: `fit(budget)` returns it in at most `budget` characters."""

    full: str
    fit: Callable[[int], str]


def offline_section(review: str | None, artifact: str) -> Section:
    if review is None:
        note = "_No offline review: `make review` wrote no build/review.md; see the offline job's log._\n"
        return Section(note, lambda budget: note if len(note) <= budget else "")
    full = review.strip() + "\n"
    return Section(full, lambda budget: _cut_review(full, budget, artifact))


def _cut_review(review: str, budget: int, artifact: str) -> str:
    """Whole stacks' <details> blocks are dropped from the end, never half a block."""
    blocks = _DETAILS.findall(review)
    head = review[: review.index(blocks[0])] if blocks else review
    for kept in range(len(blocks) - 1, -1, -1):
        note = (
            f"\n_Offline review cut to fit one comment: {len(blocks) - kept} of {len(blocks)} stacks' details "
            f"left out; they are in the `{artifact}` artifact._\n"
        )
        text = "".join([head, *blocks[:kept], note])
        if len(text) <= budget:
            return text
    note = f"_Offline review left out to fit one comment: see the `{artifact}` artifact._\n"
    return note if len(note) <= budget else ""


def preview_section(preview: Preview, artifact: str) -> Section:
    title = f"<details><summary>{preview.stack}: preview {preview.status}{_policy_words(preview)}</summary>\n\n"
    if not preview.output:
        full = f"{title}_{preview.reason}._\n\n</details>\n"
        return Section(full, lambda budget: full if len(full) <= budget else "")
    fence = _fence(preview.output)
    full = f"{title}{fence}text\n{preview.output.rstrip()}\n{fence}\n\n</details>\n"
    return Section(full, lambda budget: _cut_preview(preview, title, fence, budget, artifact))


def _policy_words(preview: Preview) -> str:
    counts = policy_counts(preview.output)
    if not counts.ran:
        return ""
    return f", policy violations: {counts.mandatory} mandatory, {counts.advisory} advisory"


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in the text, so the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _cut_preview(preview: Preview, title: str, fence: str, budget: int, artifact: str) -> str:
    """The output's end is kept: the CLI ends with the diagnostics, the policies and the resource summary."""
    output = preview.output.rstrip()
    lines = output.count("\n") + 1
    template = (
        "{title}_First {cut} of {lines} lines cut to fit one comment; the whole output is in the job log "
        "and the `{artifact}` artifact._\n\n{fence}text\n{tail}\n{fence}\n\n</details>\n"
    )
    frame = len(template.format(title=title, cut=lines, lines=lines, artifact=artifact, fence=fence, tail=""))
    room = budget - frame
    if room <= 0:
        short = f"{title}_Output left out to fit one comment: see the `{artifact}` artifact._\n\n</details>\n"
        return short if len(short) <= budget else ""
    tail = output[-room:]
    if len(tail) < len(output) and "\n" in tail:
        tail = tail[tail.index("\n") + 1 :]  # whole lines only
    cut = lines - (tail.count("\n") + 1)
    return template.format(title=title, cut=cut, lines=lines, artifact=artifact, fence=fence, tail=tail)


def fit_sections(sections: Sequence[Section], budget: int) -> list[str]:
    """Smallest first, each gets what it needs up to an equal share of what is left, so short
    sections stay whole and the long ones split the rest evenly."""
    fitted = [""] * len(sections)
    order = sorted(range(len(sections)), key=lambda index: len(sections[index].full))
    for position, index in enumerate(order):
        share = budget // (len(order) - position)
        section = sections[index]
        fitted[index] = section.full if len(section.full) <= share else section.fit(share)
        budget -= len(fitted[index])
    return fitted


def compose(
    stacks: Sequence[str],
    review: str | None,
    previews: dict[str, Preview],
    run_url: str = "",
    limit: int = GITHUB_COMMENT_LIMIT,
) -> str:
    """The comment body, at most `limit` characters; the summary table is never cut."""
    offline = offline_rows(review or "")
    run = [f"Logs and artifacts: [workflow run]({run_url}).", ""] if run_url else []
    head = "\n".join([MARKER, TITLE, "", *summary(stacks, offline, previews), "", *run])
    previews_title = "\n### `pulumi preview` per stack\n\n"
    sections = [offline_section(review, "offline-review")]
    sections += [preview_section(previews[stack], f"preview-{stack}") for stack in stacks]
    separators = len(sections)  # a blank line after the head and between the previews
    fitted = fit_sections(sections, limit - len(head) - len(previews_title) - separators)
    return "\n".join([head, fitted[0]]) + previews_title + "\n".join(fitted[1:])


def comment(stacks: Sequence[str], review_file: Path, previews_dir: Path, run_url: str = "") -> str:
    review = review_file.read_text() if review_file.is_file() else None
    previews = {stack: read_preview(previews_dir, stack) for stack in stacks}
    return compose(stacks, review, previews, run_url)
