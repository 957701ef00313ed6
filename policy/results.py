"""One policy finding, whichever path produced it: a CrossGuard rule over AWS resources, a
ValidatingAdmissionPolicy's CEL over a Kubernetes object, or a rule over a pair of stacks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MANDATORY = "mandatory"
ADVISORY = "advisory"


@dataclass(frozen=True)
class PolicyResult:
    rule: str
    enforcement: str  # MANDATORY fails `make plan`; ADVISORY is printed
    resource: str | None  # the plan's `type::name`; None when the finding is about the whole stack
    message: str
    source: str  # "crossguard", "admission" or "stack-pair"

    @property
    def blocks(self) -> bool:
        return self.enforcement == MANDATORY

    def line(self) -> str:
        where = self.resource or "(stack)"
        return f"[{self.enforcement}] {self.rule}: {where}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
