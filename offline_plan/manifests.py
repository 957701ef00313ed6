"""Each stack's Kubernetes objects as YAML, for people to read and `kubectl diff`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

# Not objects of their own: providers, Helm releases (rendered by Helm at deploy
# time, not here) and server-side patches of objects that EKS creates.
_NOT_OBJECTS = ("pulumi:providers:", "kubernetes:helm.sh/")


def kubernetes_objects(plan: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(Pulumi name, manifest) of every Kubernetes object the stack declares."""
    return [
        (resource["name"], resource["inputs"])
        for resource in plan["resources"]
        if resource["type"].startswith("kubernetes:")
        and not resource["type"].startswith(_NOT_OBJECTS)
        and not resource["type"].endswith("Patch")
    ]


def write_manifests(plan: dict[str, Any], out_dir: Path) -> Path:
    target = out_dir / plan["stack"] / "manifests"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, manifest in kubernetes_objects(plan):
        (target / f"{name}.yaml").write_text(yaml.safe_dump(_conventional_order(manifest), sort_keys=False))
    return target


def _conventional_order(manifest: dict[str, Any]) -> dict[str, Any]:
    head = ("apiVersion", "kind", "metadata")
    return {
        **{key: manifest[key] for key in head if key in manifest},
        **{k: v for k, v in manifest.items() if k not in head},
    }
