"""What the DR peer stack exported, read while this program runs.

The engine's own `pulumi:pulumi:readStackOutputs` (what `StackReference` reads through) is
invoked synchronously, so whether the peer exists decides what is declared, not just what
values flow: on the pair's first deploy the peer has no outputs yet, the cross-region pieces
are left out and named in the `dr.pending` output, and the next `pulumi up` completes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs"


@dataclass(frozen=True)
class PeerOutputs:
    stack: str
    values: Mapping[str, Any] = field(default_factory=dict)
    # Why nothing was read: the peer is not deployed yet, or its state is unreachable.
    unavailable: str | None = None

    def dr(self, key: str) -> Any:
        """One value of the peer's `dr` output, None when the peer has not exported it."""
        dr = self.values.get("dr")
        return dr.get(key) if isinstance(dr, Mapping) else None


def qualified_stack_name(stack: str) -> str:
    """`<organization>/<project>/<stack>`: what a stack reference names in any backend."""
    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{stack}"


def read_peer_outputs(stack: str) -> PeerOutputs:
    name = qualified_stack_name(stack)
    try:
        result = pulumi.runtime.invoke(READ_STACK_OUTPUTS, {"name": name})
    except Exception as error:  # the engine reports a missing stack as a failed invoke
        return PeerOutputs(stack, unavailable=f"{name} has no outputs to read ({error})")
    outputs = (result.value or {}).get("outputs") or {}
    if not outputs:
        return PeerOutputs(stack, unavailable=f"{name} has not exported anything yet")
    return PeerOutputs(stack, values=outputs)
