"""`python -m policy.cli config STACK`: the stack's policy-pack config for `pulumi preview`.
`python -m policy.cli check [STACK ...]`: the pack and the admission rules over build/plan/<stack>.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_names, stack_settings
from policy.check import check_stack, summary_lines
from policy.pack import policies
from policy.stack_facts import facts_of, pack_config
from settings import SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="print STACK's --policy-pack-config JSON")
    config.add_argument("stack")
    check = commands.add_parser("check", help="apply every rule to the planned stacks (run `make plan` first)")
    check.add_argument("stacks", nargs="*")
    check.add_argument("--plans", type=Path, default=PROJECT_DIR / "build" / "plan")
    args = parser.parse_args(argv)
    try:
        if args.command == "config":
            facts = facts_of(stack_settings(PROJECT_DIR, args.stack))
            print(json.dumps(pack_config(policies(), facts), indent=2, sort_keys=True))
            return 0
        return _check(args.stacks or stack_names(PROJECT_DIR), args.plans)
    except (SettingsError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _check(stacks: list[str], plans: Path) -> int:
    blocked = False
    for stack in stacks:
        plan = json.loads((plans / f"{stack}.json").read_text())
        results = check_stack(plan, facts_of(stack_settings(PROJECT_DIR, stack)))
        print("\n".join(summary_lines(stack, results, plan)))
        blocked = blocked or any(result.blocks for result in results)
    return 1 if blocked else 0


if __name__ == "__main__":
    sys.exit(main())
