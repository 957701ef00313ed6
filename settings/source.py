"""Where settings come from: the Pulumi runtime's config and the peer's stack file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from settings.parse import NAMESPACE, REGION_KEY, PeerStack

PROJECT_DIR = Path(__file__).resolve().parent.parent


def runtime_config_values() -> dict[str, Any]:
    """Every `aws:region` / `eks-platform:*` key the engine handed the program, decoded.

    pulumi.Config can only fetch keys by name; unknown keys must be rejected too, so
    the whole bag is listed from the runtime (explicit config wins over the env).
    """
    bag = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    wanted = [key for key in bag if key == REGION_KEY or key.startswith(f"{NAMESPACE}:")]
    return {key: decode_config_value(pulumi.runtime.get_config(key)) for key in sorted(wanted)}


def decode_config_value(value: Any) -> Any:
    """Objects and lists arrive JSON-encoded, scalars as plain strings."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def stack_file_peer(stack: str, project_dir: Path = PROJECT_DIR) -> PeerStack | None:
    """Region and VPC CIDR of another stack, read from its Pulumi.<stack>.yaml."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return None
    config = (yaml.safe_load(path.read_text()) or {}).get("config", {})
    network = config.get(f"{NAMESPACE}:network") or {}
    return PeerStack(region=config.get(REGION_KEY), vpc_cidr=network.get("vpcCidr"))
