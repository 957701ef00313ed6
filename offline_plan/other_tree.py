"""Plan another checkout of the project (a git ref's worktree) in this process.

The evaluator stays this tree's, so both plans have one shape; the program (its packages and
settings) is the other tree's. Its modules are loaded under the same names, so this tree's
program modules are set aside for the duration and put back afterwards; the SDKs, already
imported, are shared, which is what makes base and head cheap to plan in one process.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from offline_plan.evaluate import PROJECT_DIR, evaluate_stack
from offline_plan.plan_file import build_plan
from offline_plan.stack_config import read_stack_config, stack_names
from settings import SettingsError

# This tree's tooling, which reads plans and must not be swapped for the other tree's.
TOOLING = {"offline_plan", "difference", "cost", "deploy_time", "review", "capacity", "disaster_recovery", "tests"}


class GitRefError(Exception):
    pass


@contextmanager
def worktree(ref: str, repository: Path = PROJECT_DIR) -> Iterator[Path]:
    """A detached, temporary worktree of `ref`, removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="eks-platform-base-"))
    added = subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(directory), ref],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    if added.returncode != 0:
        raise GitRefError(f"cannot check out {ref!r}: {added.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(directory)], cwd=repository, check=False)


def plan_tree(project_dir: Path, stacks: list[str] | None = None) -> dict[str, dict[str, Any] | str]:
    """Each stack's plan (or its error message) from the program in `project_dir`."""
    with _program_from(project_dir):
        results: dict[str, dict[str, Any] | str] = {}
        for stack in stacks if stacks is not None else stack_names(project_dir):
            try:
                config = read_stack_config(project_dir, stack)
            except SettingsError as error:
                results[stack] = str(error)
                continue
            evaluation = evaluate_stack(stack, project_dir, config)
            results[stack] = evaluation.error or build_plan(evaluation)
        return results


@contextmanager
def _program_from(project_dir: Path) -> Iterator[None]:
    if project_dir.resolve() == PROJECT_DIR:
        yield
        return
    set_aside = _modules_under(PROJECT_DIR)
    for name in set_aside:
        del sys.modules[name]
    sys.path.insert(0, str(project_dir))
    try:
        yield
    finally:
        for name in _modules_under(project_dir):
            del sys.modules[name]
        sys.path.remove(str(project_dir))
        sys.modules.update(set_aside)


def _modules_under(directory: Path) -> dict[str, ModuleType]:
    """The program's modules loaded from `directory`: everything of the project but its tooling."""
    root = str(directory.resolve())
    return {
        name: module
        for name, module in list(sys.modules.items())
        if name.split(".")[0] not in TOOLING
        and (getattr(module, "__file__", None) or "").startswith(root + "/")
        and "/.venv" not in (module.__file__ or "")
    }
