"""A throwaway copy of the project, to run the offline plan CLI on stack files a test edits."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_names


def project_copy(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "__main__.py", *(f"Pulumi.{stack}.yaml" for stack in stack_names(PROJECT_DIR))):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    return tmp_path


def edit_config(project: Path, stack: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change a stack file's `config:` mapping (rewritten as plain YAML)."""
    path = project / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    change(document["config"])
    path.write_text(yaml.safe_dump(document))


def plan_cli(project: Path, *stacks: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "offline_plan", "--project-dir", str(project), "--out", str(project / "plan")]
    return subprocess.run([*command, *stacks], cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
