"""The order `pulumi up` follows across stacks: three waves computed from the stack settings.

- unprotected: stacks without protected state and outside any DR pair (dev); deployed first,
  without an approval.
- standby: every stack whose `dr.role` is standby; it must exist before its active peer reads its
  `dr` output (README, "Stack references and the first deploy").
- active: every other stack (protected state, or the active side of a DR pair).

A stack in a DR pair is placed by its role whatever its protection, so a standby always precedes its
active peer. The deploy workflow runs one matrix job per wave, chained by `needs`, the last two
behind GitHub environments; it reads the waves from `python -m disaster_recovery deploy-order`.
"""

from __future__ import annotations

from pathlib import Path

from offline_plan.stack_config import stack_names, stack_settings
from settings import Settings

WAVES = ("unprotected", "standby", "active")


def wave_of(settings: Settings) -> str:
    if settings.dr.role == "standby":
        return "standby"
    if settings.protect_stateful_resources or settings.dr.peer_stack:
        return "active"
    return "unprotected"


def deploy_order(project_dir: Path) -> dict[str, list[str]]:
    """Every stack of the project in its wave; raises SettingsError for a stack file settings refuse."""
    waves: dict[str, list[str]] = {wave: [] for wave in WAVES}
    for stack in stack_names(project_dir):
        waves[wave_of(stack_settings(project_dir, stack))].append(stack)
    return waves
