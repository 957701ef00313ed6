"""The pack's data files, policy/data/<name>.yaml: lists the rules read but reviewers edit."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def data_file(name: str) -> Any:
    """The decoded document of policy/data/<name>.yaml (safe YAML: plain data, no tags)."""
    return yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text())
