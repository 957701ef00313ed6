"""`python -m review diff|report --base <ref> [STACK ...]`: plan the base ref and the working tree
in one process, then report the difference, cost and deploy time per stack.

`diff` prints text and writes build/diff.md; `report` writes build/review.md (the offline part of
the pull-request comment). Both exit 1 when something that holds data would be replaced or deleted.

`python -m review comment --offline build/review.md --previews DIR --out build/comment.md` composes
the pull-request comment from review.md and the stacks' `pulumi preview` results
(review/pull_request.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.other_tree import GitRefError, plan_tree, worktree
from offline_plan.stack_config import stack_names, stack_settings
from policy.check import check_stack
from policy.stack_facts import facts_of
from review.pull_request import comment
from review.render import markdown, text
from review.stack_review import StackReview, review_stack


def reviews_against(base_ref: str, stacks: list[str] | None, project_dir: Path = PROJECT_DIR) -> list[StackReview]:
    """The working tree of `project_dir` (a git checkout) against `base_ref` of its repository."""
    head = plan_tree(project_dir, stacks)
    with worktree(base_ref, project_dir) as base_dir:
        base = plan_tree(base_dir, stacks)
    names = stacks or sorted(set(head) | set(base))
    reviews = [review_stack(stack, base.get(stack), head.get(stack)) for stack in names]
    for review in reviews:
        plan = head.get(review.stack)
        if isinstance(plan, dict):
            review.policy = check_stack(plan, facts_of(stack_settings(project_dir, review.stack)))
    return reviews


def comment_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="review comment", description="compose the pull-request comment")
    parser.add_argument("--offline", type=Path, required=True, help="build/review.md (missing: said so)")
    parser.add_argument("--previews", type=Path, required=True, help="a folder per stack: outcome, output.txt")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--run-url", default="", help="the workflow run, linked from the comment")
    parser.add_argument("stacks", nargs="*", help="default: every Pulumi.<stack>.yaml")
    args = parser.parse_args(argv)
    body = comment(args.stacks or stack_names(PROJECT_DIR), args.offline, args.previews, args.run_url)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(body)
    print(f"Wrote {args.out} ({len(body)} characters)")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["comment"]:
        return comment_main(argv[1:])
    parser = argparse.ArgumentParser(prog="review", description=__doc__)
    parser.add_argument("mode", choices=("diff", "report"))
    parser.add_argument("--base", required=True, help="git ref to compare the working tree with")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "build")
    parser.add_argument("stacks", nargs="*")
    args = parser.parse_intermixed_args(argv)
    try:
        reviews = reviews_against(args.base, args.stacks or None)
    except GitRefError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    document = markdown(reviews, args.base)
    if args.mode == "diff":
        print(text(reviews), end="")
        (args.out / "diff.md").write_text(document)
    else:
        (args.out / "review.md").write_text(document)
        print(f"Wrote {args.out / 'review.md'} ({len(document)} characters)")
    failed = [r.stack for r in reviews if r.alarms or r.error or r.blocked_by_policy]
    if failed:
        print(
            f"error: data at risk, no comparison or a mandatory policy broken in: {', '.join(failed)}", file=sys.stderr
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
