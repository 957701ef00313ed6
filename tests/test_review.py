"""`make review`/`make diff`: one document for every stack, summary first and never cut, and the
base ref planned from a git worktree in the same process as the working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from difference import Change, StackDifference
from review.__main__ import reviews_against
from review.render import MAX_CHARACTERS, markdown, text
from review.stack_review import StackReview, review_stack
from tests.conftest import graph


def huge_review(stack: str, resources: int = 200) -> StackReview:
    changed = {
        f"t:m:T::r{i}": [Change(f"spec.items[{j}]", "a" * 50, "b" * 50) for j in range(12)] for i in range(resources)
    }
    return StackReview(stack, difference=StackDifference(stack, changed=changed))


def test_the_review_fits_one_comment_and_keeps_every_stacks_summary_row():
    reviews = [huge_review("stack-0", resources=2)] + [huge_review(f"stack-{i}") for i in range(1, 8)]
    document = markdown(reviews, "main")
    assert len(document) <= MAX_CHARACTERS
    assert all(f"| stack-{i} | 0 | 0 | 200 |" in document for i in range(1, 8))
    assert document.index("| stack-7 |") < document.index("<details><summary>stack-0</summary>")
    assert "<details><summary>stack-1</summary>" not in document
    assert "Details cut to fit one comment" in document


def test_a_real_stack_review_reads_summary_then_folded_details():
    review = review_stack("prod", graph("prod").plan, graph("prod").plan)
    document = markdown([review], "main")
    assert "No replacement and no data at risk." in document
    assert "<details><summary>prod</summary>" in document
    assert "0 added, 0 removed, 0 changed" in text([review])


def git(directory: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=directory, check=True, capture_output=True)


def test_diff_plans_the_base_ref_and_the_working_tree_and_catches_a_replacement(tmp_path):
    """A clone of this repository, its dev stack's VPC CIDR edited in the working tree."""
    project = Path(__file__).resolve().parent.parent
    clone = tmp_path / "clone"
    git(project, "clone", "--quiet", "--no-hardlinks", str(project), str(clone))
    stack_file = clone / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("vpcCidr: 10.10.0.0/16", "vpcCidr: 10.11.0.0/16"))
    [review] = reviews_against("HEAD", ["dev"], project_dir=clone)
    assert review.error is None
    assert ("aws:ec2/vpc:Vpc::eks-platform-dev-vpc", "replacing input") in {(a.ref, a.kind) for a in review.alarms}
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=clone, capture_output=True, text=True, check=True)
    assert len(worktrees.stdout.splitlines()) == 1, "the base's worktree is removed"
