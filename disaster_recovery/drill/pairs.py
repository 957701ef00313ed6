"""DR pairs as the stack files declare them (`eks-platform:dr` with a peerStack), and which stack a
promotion or a failback moves to.

Roles are read from Pulumi.<stack>.yaml, not from outputs: the files are what the drill's role
flip writes (`pulumi config set --path`), and reading them needs neither AWS nor the Pulumi CLI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from offline_plan.stack_config import read_stack_config, stack_names

DR_KEY = "eks-platform:dr"


class DrillUsageError(Exception):
    """The command asks for something the stack files do not allow; exit 2."""


@dataclass(frozen=True)
class StackRole:
    stack: str
    role: str
    peer: str | None
    region: str


@dataclass(frozen=True)
class Move:
    """A promotion of `target`, away from `failed`."""

    kind: str  # "promote" or "failback"
    target: StackRole
    failed: StackRole


def stack_role(project_dir: Path, stack: str) -> StackRole:
    values = read_stack_config(project_dir, stack).values
    dr = json.loads(values.get(DR_KEY, "{}"))
    return StackRole(stack, dr.get("role", "active"), dr.get("peerStack"), values.get("aws:region", "us-east-1"))


def pairs(project_dir: Path) -> list[tuple[StackRole, StackRole]]:
    """Each pair once: (active, standby) when the roles are consistent, else in file order."""
    roles = {stack: stack_role(project_dir, stack) for stack in stack_names(project_dir)}
    seen: set[frozenset[str]] = set()
    found = []
    for role in roles.values():
        peer = roles.get(role.peer or "")
        if peer is None or frozenset((role.stack, peer.stack)) in seen:
            continue
        seen.add(frozenset((role.stack, peer.stack)))
        found.append((peer, role) if role.role == "standby" and peer.role == "active" else (role, peer))
    return found


def promotion_to(project_dir: Path, target: str, kind: str = "promote") -> Move:
    known = stack_names(project_dir)
    if target not in known:
        raise DrillUsageError(f"no stack file Pulumi.{target}.yaml; stacks: {', '.join(known)}")
    promoted = stack_role(project_dir, target)
    if promoted.peer is None or promoted.peer not in known:
        raise DrillUsageError(f"{target} has no DR peer (eks-platform:dr.peerStack)")
    if promoted.role != "standby":
        raise DrillUsageError(
            f"{target} is already {promoted.role} in Pulumi.{target}.yaml; to finish an interrupted "
            f"promotion run `pulumi up -s {target}`"
        )
    failed = stack_role(project_dir, promoted.peer)
    if failed.peer != target:
        raise DrillUsageError(f"{target} names {failed.stack} as its peer, but {failed.stack} names {failed.peer}")
    return Move(kind, promoted, failed)


def failback_target(project_dir: Path, target: str | None) -> Move:
    """The planned reverse of a promotion: the stack of the pair that is standby now (after a
    promotion, the original primary). The stack files carry no "home region", so with one pair
    and no --to this is simply the pair's standby."""
    if target is not None:
        return promotion_to(project_dir, target, "failback")
    standbys = [standby.stack for _, standby in pairs(project_dir) if standby.role == "standby"]
    if len(standbys) != 1:
        raise DrillUsageError(f"failback needs --to <stack>: standby stacks of DR pairs: {standbys or 'none'}")
    return promotion_to(project_dir, standbys[0], "failback")
