"""`python -m review diff|report --base <ref> [STACK ...]`: plan the base ref and the working tree
in one process, then report the difference, cost and deploy time per stack.

`diff` prints text and writes build/diff.md; `report` writes build/review.md (the pull-request
comment). Both exit 1 when something that holds data would be replaced or deleted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.other_tree import GitRefError, plan_tree, worktree
from review.render import markdown, text
from review.stack_review import StackReview, review_stack


def reviews_against(base_ref: str, stacks: list[str] | None, project_dir: Path = PROJECT_DIR) -> list[StackReview]:
    """The working tree of `project_dir` (a git checkout) against `base_ref` of its repository."""
    head = plan_tree(project_dir, stacks)
    with worktree(base_ref, project_dir) as base_dir:
        base = plan_tree(base_dir, stacks)
    names = stacks or sorted(set(head) | set(base))
    return [review_stack(stack, base.get(stack), head.get(stack)) for stack in names]


def main(argv: list[str] | None = None) -> int:
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
    failed = [r.stack for r in reviews if r.alarms or r.error]
    if failed:
        print(f"error: data at risk or no comparison in: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
