"""What the drill needs from Pulumi, as a small interface: set a stack's DR role, run `pulumi up`,
read its outputs. The real one drives the Pulumi CLI through the Automation API; tests use a double.

The real one needs the Pulumi CLI, the state backend and AWS credentials; it has not run in this
repository's CI or development machines, which have none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

DR_ROLE_KEY = "eks-platform:dr.role"


@dataclass(frozen=True)
class UpSummary:
    result: str  # the engine's "succeeded" / "failed"
    changes: dict[str, int] = field(default_factory=dict)  # operation -> count

    def line(self) -> str:
        counts = ", ".join(f"{op} {count}" for op, count in sorted(self.changes.items()))
        return f"{self.result}" + (f" ({counts})" if counts else "")


class Workspace(Protocol):
    def set_dr_role(self, stack: str, role: str) -> None: ...

    def up(self, stack: str) -> UpSummary: ...

    def outputs(self, stack: str) -> dict[str, Any]: ...


class AutomationWorkspace:
    """The project directory's stacks through `pulumi.automation` (the local CLI program)."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir

    def _stack(self, stack: str) -> Any:
        # Imported here: the dry run and the tests never need the Automation API or the CLI.
        from pulumi import automation

        return automation.select_stack(stack_name=stack, work_dir=str(self.project_dir))

    def set_dr_role(self, stack: str, role: str) -> None:
        from pulumi import automation

        # path=True sets the one key inside the eks-platform:dr object, in Pulumi.<stack>.yaml.
        self._stack(stack).set_config(DR_ROLE_KEY, automation.ConfigValue(value=role), path=True)

    def up(self, stack: str) -> UpSummary:
        # Raises (automation.errors.CommandError) when the update fails.
        result = self._stack(stack).up(on_output=print)
        return UpSummary(result=str(result.summary.result), changes=dict(result.summary.resource_changes or {}))

    def outputs(self, stack: str) -> dict[str, Any]:
        return {name: output.value for name, output in self._stack(stack).outputs().items()}
