"""`python -m review comment`: the one pull-request comment, composed from build/review.md and each
stack's `pulumi preview` output: marker, summary first, offline review, previews folded, and never
over GitHub's 65,536 characters.

The preview samples follow what the Pulumi CLI prints without colour (pulumi/pulumi
pkg/backend/display: progress.go `printPolicies` prints the "Policies:" section, one
"- [mandatory]"/"- [advisory]" line per violation with the message indented below;
diff.go `renderDiffPolicyViolationEvent` prints "<pack>@v<version> [level]  <policy>" inline with
--diff; `renderSummaryEvent` prints "Resources:" with "+ N to create" lines).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from difference import Change, StackDifference
from review.__main__ import main
from review.pull_request import (
    GITHUB_COMMENT_LIMIT,
    MARKER,
    Preview,
    Section,
    compose,
    fit_sections,
    offline_rows,
    policy_counts,
    read_preview,
    resource_changes,
)
from review.render import markdown
from review.stack_review import StackReview

STACKS = ["dev", "prod", "prod-dr"]

PREVIEW_WITH_ADVISORY = """\
Previewing update (prod):

Loading policy packs...

    pulumi:pulumi:Stack eks-platform-prod running
 +  aws:s3:BucketV2 eks-platform-prod-web create
 ~  aws:ec2:SecurityGroupRule eks-platform-prod-nodes-ingress update [diff: ~cidrBlocks]
    pulumi:pulumi:Stack eks-platform-prod
Policies:
    ⚠️ eks-platform@v0.1.0 (local: policy)
        - [advisory] [severity: medium]  cost-allocation-tags  (aws:s3:BucketV2: eks-platform-prod-web)
          every bucket carries a cost-center tag

Resources:
    + 1 to create
    ~ 1 to update
    2 changes. 412 unchanged
"""

FAILED_PREVIEW_WITH_MANDATORY = """\
Previewing update (prod-dr):

Loading policy packs...

    pulumi:pulumi:Stack eks-platform-prod-dr running
 -  aws:kms:Key eks-platform-prod-dr-data delete
    pulumi:pulumi:Stack eks-platform-prod-dr  1 error
Diagnostics:
  pulumi:pulumi:Stack (eks-platform-prod-dr):
    error: preview failed

Policies:
    ❌ eks-platform@v0.1.0 (local: policy)
        - [mandatory] [severity: critical]  protected-state  (aws:kms:Key: eks-platform-prod-dr-data)
          a key that encrypts data is protected: deleting it loses the data
        - [mandatory]  key-rotation  (aws:kms:Key: eks-platform-prod-dr-logs)
          customer managed keys rotate yearly
        - [advisory]  cost-allocation-tags  (aws:ec2:Vpc: eks-platform-prod-dr-vpc)
          every VPC carries a cost-center tag

Resources:
    - 1 to delete
    398 unchanged
"""

CLEAN_PREVIEW = """\
Previewing update (dev):

    pulumi:pulumi:Stack eks-platform-dev
Policies:
    ✅ eks-platform@v0.1.0 (local: policy)

Resources:
    301 unchanged
"""


def review_md(*stacks: str) -> str:
    """review.md as `make review` writes it (review/render.py), one changed resource per stack."""
    changed = {"aws:ec2/vpc:Vpc::vpc": [Change("tags.team", "a", "b")]}
    reviews = [StackReview(stack, difference=StackDifference(stack, changed=changed)) for stack in stacks]
    return markdown(reviews, "origin/main")


def previews(**by_stack: Preview) -> dict[str, Preview]:
    missing = {stack: Preview(stack, "not run", "", "no preview result") for stack in STACKS}
    return {**missing, **{stack.replace("_", "-"): preview for stack, preview in by_stack.items()}}


def summary_row(comment: str, stack: str) -> list[str]:
    [row] = [line for line in comment.splitlines() if line.startswith(f"| {stack} |")][:1]
    return [cell.strip() for cell in row.strip("|").split("|")]


# --- reading the CLI's text ------------------------------------------------------------------


def test_violations_are_counted_by_enforcement_level_in_the_policies_section():
    assert policy_counts(PREVIEW_WITH_ADVISORY).cell() == "0 / 1"
    assert policy_counts(FAILED_PREVIEW_WITH_MANDATORY).cell() == "**2 / 1**"
    assert policy_counts(CLEAN_PREVIEW).cell() == "0 / 0"


def test_violations_printed_inline_by_a_diff_display_are_counted_too():
    diff_display = (
        "    eks-platform@v0.1.0 [mandatory]  protected-state  (aws:kms:Key: data)keys are protected\n"
        "    eks-platform@v0.1.0 [advisory] [severity: low]  cost-allocation-tags  (aws:ec2:Vpc: vpc)tag it\n"
        "Resources:\n    ~ 1 to update\n\nPolicy Packs run:\n    Name          Version\n    eks-platform  0.1.0\n"
    )
    counts = policy_counts(diff_display)
    assert (counts.ran, counts.mandatory, counts.advisory) == (True, 1, 1)


def test_a_preview_without_the_policy_pack_says_so_rather_than_clean():
    without_pack = "Previewing update (dev):\n\nResources:\n    301 unchanged\n"
    assert policy_counts(without_pack).cell() == "-"


def test_a_violation_message_that_mentions_a_level_is_not_counted():
    message_only = (
        "Policies:\n    ❌ p@v1 (local: policy)\n        - [mandatory]  x  (t: r)\n          an [advisory] note\n"
    )
    assert policy_counts(message_only).cell() == "**1 / 0**"


def test_the_resource_summary_is_read_from_the_end_of_the_output():
    assert resource_changes(PREVIEW_WITH_ADVISORY) == "+ 1 to create, ~ 1 to update, 2 changes. 412 unchanged"
    assert resource_changes(FAILED_PREVIEW_WITH_MANDATORY) == "- 1 to delete, 398 unchanged"
    assert resource_changes("error: could not load the stack\n") == "-"


def test_offline_rows_are_read_from_review_md_by_column_name():
    rows = offline_rows(review_md("dev", "prod"))
    assert set(rows) == {"dev", "prod"}
    assert rows["dev"].changes == "+0 -0 ~1"
    assert rows["dev"].risk == "0"


def test_preview_results_are_read_from_the_artifact_folders(tmp_path):
    (tmp_path / "prod").mkdir()
    (tmp_path / "prod" / "outcome").write_text("failure\n")
    (tmp_path / "prod" / "output.txt").write_text("\x1b[31merror:\x1b[0m preview failed\r\n")
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "outcome").write_text("skipped\n")
    prod, dev, prod_dr = (read_preview(tmp_path, stack) for stack in ("prod", "dev", "prod-dr"))
    assert (prod.status, prod.output) == ("failed", "error: preview failed\n")
    assert (dev.status, dev.reason) == ("not run", "the preview was skipped: a step before it failed (see the job log)")
    assert (prod_dr.status, prod_dr.reason) == ("not run", "no preview result: the job did not run or was cancelled")


# --- the comment -----------------------------------------------------------------------------


def test_marker_first_then_the_summary_of_every_stack_then_the_offline_review_then_previews():
    comment = compose(
        STACKS,
        review_md(*STACKS),
        previews(
            dev=Preview("dev", "ok", CLEAN_PREVIEW),
            prod=Preview("prod", "ok", PREVIEW_WITH_ADVISORY),
            prod_dr=Preview("prod-dr", "failed", FAILED_PREVIEW_WITH_MANDATORY),
        ),
        run_url="https://github.com/example/eks-platform/actions/runs/1",
    )
    assert comment.splitlines()[0] == MARKER
    assert comment.index("| prod-dr |") < comment.index("## Infrastructure review against `origin/main`")
    assert comment.index("## Infrastructure review against") < comment.index("### `pulumi preview` per stack")
    assert summary_row(comment, "dev")[:3] == ["dev", "+0 -0 ~1", "0"]
    assert summary_row(comment, "dev")[5:] == ["ok", "301 unchanged", "0 / 0"]
    assert summary_row(comment, "prod")[5:] == ["ok", "+ 1 to create, ~ 1 to update, 2 changes. 412 unchanged", "0 / 1"]
    assert summary_row(comment, "prod-dr")[5:] == ["**failed**", "- 1 to delete, 398 unchanged", "**2 / 1**"]
    assert "<details><summary>prod-dr: preview failed, policy violations: 2 mandatory, 1 advisory</summary>" in comment
    assert "a key that encrypts data is protected: deleting it loses the data" in comment
    assert "[workflow run](https://github.com/example/eks-platform/actions/runs/1)" in comment


def test_a_missing_preview_and_a_missing_offline_review_say_so():
    comment = compose(STACKS, None, previews(dev=Preview("dev", "ok", CLEAN_PREVIEW)))
    assert summary_row(comment, "prod") == ["prod", "no offline review", "-", "-", "-", "not run", "-", "-"]
    assert "_No offline review: `make review` wrote no build/review.md; see the offline job's log._" in comment
    assert "<details><summary>prod: preview not run</summary>\n\n_no preview result._" in comment


def test_an_overlong_preview_keeps_its_end_and_says_what_was_cut():
    resources = "".join(f" +  aws:ec2:SecurityGroupRule rule-{i:05d} create\n" for i in range(6000))
    long_output = FAILED_PREVIEW_WITH_MANDATORY.replace(" -  aws:kms:Key", resources + " -  aws:kms:Key")
    assert len(long_output) > 2 * GITHUB_COMMENT_LIMIT
    comment = compose(STACKS, review_md(*STACKS), previews(prod_dr=Preview("prod-dr", "failed", long_output)))
    assert len(comment) <= GITHUB_COMMENT_LIMIT
    assert summary_row(comment, "prod-dr")[5:] == ["**failed**", "- 1 to delete, 398 unchanged", "**2 / 1**"]
    assert "## Infrastructure review against" in comment, "the short offline review stays whole"
    kept = comment[comment.index("```text\n") + len("```text\n") :]
    assert kept.startswith(" +  aws:ec2:SecurityGroupRule rule-"), "whole lines only"
    assert "a key that encrypts data is protected" in kept
    total = long_output.rstrip().count("\n") + 1
    assert f"of {total} lines cut to fit one comment; the whole output is in the job log and the " in comment
    assert "`preview-prod-dr` artifact" in comment


def test_every_section_long_still_fits_with_every_stacks_summary_and_preview_end():
    changed = {f"t:m:T::r{i}": [Change(f"spec.items[{j}]", "a" * 50, "b" * 50) for j in range(12)] for i in range(12)}
    big_reviews = [StackReview(stack, difference=StackDifference(stack, changed=changed)) for stack in STACKS]
    offline = markdown(big_reviews, "origin/main")
    noise = "".join(f"    warning: resource {i} is deprecated\n" for i in range(3000))
    long = {stack: Preview(stack, "ok", noise + PREVIEW_WITH_ADVISORY) for stack in STACKS}
    comment = compose(STACKS, offline, long)
    assert len(comment) <= GITHUB_COMMENT_LIMIT
    assert all(summary_row(comment, stack)[7] == "0 / 1" for stack in STACKS)
    assert comment.count("2 changes. 412 unchanged") == 3 + 3, "in each summary row and each preview's kept end"
    assert "stacks' details left out; they are in the `offline-review` artifact._" in comment


@pytest.mark.parametrize("size", [20_000, 65_000, 65_600, 300_000])
@pytest.mark.parametrize("count", [1, 3, 6])
def test_the_comment_never_exceeds_the_limit(size, count):
    stacks = [f"stack-{i}" for i in range(count)]
    output = "".join(f" +  aws:ec2:SecurityGroupRule rule-{i} create\n" for i in range(size // 40))[:size]
    comment = compose(stacks, review_md(*stacks), {stack: Preview(stack, "ok", output) for stack in stacks})
    assert len(comment) <= GITHUB_COMMENT_LIMIT
    assert all(f"| {stack} |" in comment for stack in stacks)


def test_backticks_in_the_output_cannot_close_its_code_fence():
    comment = compose(["dev"], None, {"dev": Preview("dev", "ok", "a ```` fence\n" + CLEAN_PREVIEW)})
    assert "`````text\na ```` fence" in comment


def test_short_sections_stay_whole_and_long_ones_share_the_rest():
    def cut(text: str) -> Section:
        return Section(text, lambda budget: text[:budget])

    fitted = fit_sections([cut("a" * 1000), cut("b" * 10), cut("c" * 5000)], 3010)
    assert [len(text) for text in fitted] == [1000, 10, 2000]


def test_the_cli_reads_the_downloaded_artifacts_and_writes_the_comment(tmp_path, capsys):
    review_file = tmp_path / "build" / "review.md"
    review_file.parent.mkdir()
    review_file.write_text(review_md(*STACKS))
    for stack, outcome, output in (("prod", "success", PREVIEW_WITH_ADVISORY), ("dev", "success", CLEAN_PREVIEW)):
        (tmp_path / "previews" / stack).mkdir(parents=True)
        (tmp_path / "previews" / stack / "outcome").write_text(outcome)
        (tmp_path / "previews" / stack / "output.txt").write_text(output)
    out = tmp_path / "build" / "comment.md"
    argv = ["comment", "--offline", str(review_file), "--previews", str(tmp_path / "previews"), "--out", str(out)]
    assert main([*argv, *STACKS]) == 0
    comment = out.read_text()
    assert comment.startswith(MARKER + "\n")
    assert summary_row(comment, "prod")[5] == "ok"
    assert summary_row(comment, "prod-dr")[5] == "not run"
    assert f"Wrote {out}" in capsys.readouterr().out


def test_without_stacks_named_the_comment_covers_every_stack_file(tmp_path):
    out = tmp_path / "comment.md"
    argv = ["comment", "--offline", str(tmp_path / "none.md"), "--previews", str(tmp_path), "--out", str(out)]
    assert main(argv) == 0
    assert [summary_row(out.read_text(), stack)[0] for stack in STACKS] == STACKS


def test_the_preview_job_layout_matches_what_the_workflow_writes():
    """The pull-request workflow writes <stack>/outcome and <stack>/output.txt under one folder per artifact."""
    workflow = (Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pull-request.yml").read_text()
    assert '"$RUNNER_TEMP/preview/$STACK/outcome"' in workflow
    assert '"$RUNNER_TEMP/preview/$STACK/output.txt"' in workflow
    assert "python -m review comment" in workflow
