"""Run the project's real __main__.py for one stack under the mock runtime."""

from __future__ import annotations

import contextlib
import gc
import json
import runpy
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from offline_plan.cloud_values import DEFAULT_ACCOUNT_ID
from offline_plan.mocks import PlatformMocks
from offline_plan.monitor import RecordingMonitor, Registration
from offline_plan.stack_config import StackConfig, read_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class StackOutput:
    value: Any
    secret: bool


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation declared, or the settings error that stopped it."""

    config: StackConfig
    registrations: list[Registration]
    outputs: dict[str, StackOutput]
    error: str | None

    @property
    def project(self) -> str:
        return self.config.project

    @property
    def stack(self) -> str:
        return self.config.stack


def evaluate_stack(
    stack: str,
    project_dir: Path = PROJECT_DIR,
    config: StackConfig | None = None,
    from_environment: bool = False,
    deployed: Mapping[str, Mapping[str, Any]] | None = None,
) -> Evaluation:
    """Evaluate `project_dir/__main__.py` with the stack's config (or the one given).

    `from_environment` leaves the config where a real `pulumi up` puts it, in PULUMI_CONFIG and
    PULUMI_CONFIG_SECRET_KEYS (the caller sets them), instead of handing it to the mock runtime.
    `deployed` is the state backend as the program's stack references see it: each deployed
    stack's outputs. By default an active stack's DR peer is deployed, with the outputs its own
    evaluation exports (see peer_outputs); pass {} for a first deploy with nothing else there.
    """
    config = config or read_stack_config(project_dir, stack)
    if deployed is None:
        deployed = deployed_peer(project_dir, config)
    region = config.values.get("aws:region") or DEFAULT_REGION
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))

    def program() -> None:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")

    # The CLI runs the program in the project directory; settings read the other stack files there.
    with contextlib.chdir(project_dir):
        return _evaluate(program, config, region, _account_id(config), deployed, from_environment)


def evaluate_program(
    program: Callable[[], None], stack: str, region: str = DEFAULT_REGION, account_id: str = DEFAULT_ACCOUNT_ID
) -> Evaluation:
    """Evaluate a small program of its own (a function declaring resources) under the same mocks.

    Policy tests build the graph a rule must refuse this way, never by editing a recorded plan.
    """
    config = StackConfig(project="eks-platform", stack=stack, values={"aws:region": region}, secret_keys=[])
    return _evaluate(program, config, region, account_id, deployed={}, from_environment=False)


def _evaluate(
    program: Callable[[], None],
    config: StackConfig,
    region: str,
    account_id: str,
    deployed: Mapping[str, Mapping[str, Any]],
    from_environment: bool,
) -> Evaluation:
    mocks = PlatformMocks(config.project, config.stack, region, account_id, deployed)
    monitor = RecordingMonitor(mocks)
    mocks.monitor = monitor

    # A fresh root stack per evaluation, or this stack's resources would hang under
    # the previous one's root.
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=config.project, stack=config.stack, preview=False, monitor=monitor)
    if from_environment:
        pulumi.runtime.set_all_config({}, [])
    else:
        pulumi.runtime.set_all_config(config.values, config.secret_keys)

    error = None
    try:
        with _cyclic_gc_paused():
            _sync_await(run_pulumi_func(program))
    except pulumi.RunError as run_error:
        error = str(run_error)
    outputs = {} if error else _stack_outputs()
    gc.collect()
    return Evaluation(config=config, registrations=monitor.registrations, outputs=outputs, error=error)


_PEER_OUTPUTS: dict[tuple[Path, str, str], dict[str, Any]] = {}


def deployed_peer(project_dir: Path, config: StackConfig) -> dict[str, Mapping[str, Any]]:
    """The peer an active stack replicates to, as deployed from its own stack file.

    The peer is evaluated first, itself with nothing deployed beside it: that is the documented
    first-deploy order (standby first), and a standby reads nothing from its peer anyway.
    """
    try:
        dr = json.loads(config.values.get("eks-platform:dr", "{}"))
    except json.JSONDecodeError:
        return {}
    peer = dr.get("peerStack") if isinstance(dr, dict) and dr.get("role") == "active" else None
    if not isinstance(peer, str) or not (project_dir / f"Pulumi.{peer}.yaml").exists():
        return {}
    try:
        peer_config = read_stack_config(project_dir, peer)
    except Exception:
        return {}
    key = (project_dir, peer, json.dumps(peer_config.values, sort_keys=True))
    if key not in _PEER_OUTPUTS:
        evaluation = evaluate_stack(peer, project_dir, peer_config, deployed={})
        _PEER_OUTPUTS[key] = {name: output.value for name, output in evaluation.outputs.items()}
    return {peer: _PEER_OUTPUTS[key]} if _PEER_OUTPUTS[key] else {}


def _account_id(config: StackConfig) -> str:
    """The stack's account, so the plan's ARNs are the ones AWS would report."""
    try:
        account = json.loads(config.values.get("eks-platform:account", "{}")).get("id")
    except (json.JSONDecodeError, AttributeError):
        account = None
    return account if isinstance(account, str) else DEFAULT_ACCOUNT_ID


_MODULES_WHEN_FROZEN = 0


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """An evaluation allocates tens of thousands of short-lived futures; each collection then
    walks the SDKs' large module graphs. Pausing the cyclic collector for the one evaluation
    (reference counting still frees memory) cut prod from ~0.46 s to ~0.18 s in `make bench`.

    Afterwards, when modules were imported since the last time (the SDKs load service packages
    on first use), the heap is frozen: gc.freeze() is CPython's tool for long-lived module
    objects, which no collection walks again. That also keeps whatever garbage exists at that
    moment, but modules import once, so it happens a bounded number of times per process. Then
    one full collection frees the cycles this evaluation left (a few thousand objects, ~25 ms
    with the modules frozen), so memory stays flat when one process evaluates many stacks.
    (Freezing after every evaluation would grow without bound.)"""
    global _MODULES_WHEN_FROZEN
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if len(sys.modules) > _MODULES_WHEN_FROZEN:
            gc.freeze()
            _MODULES_WHEN_FROZEN = len(sys.modules)
        if was_enabled:
            gc.enable()


def _stack_outputs() -> dict[str, StackOutput]:
    root = runtime_settings.get_root_resource()
    exported: dict[str, Any] = getattr(root, "outputs", {})
    resolved = {}
    for name, value in exported.items():
        output = pulumi.Output.from_input(value)
        resolved[name] = StackOutput(value=_sync_await(output.future()), secret=_sync_await(output.is_secret()))
    return resolved
