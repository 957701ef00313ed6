"""Each stack's Kubernetes objects as YAML, for people to read and `kubectl diff`."""

from __future__ import annotations

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
    """One YAML file per object, byte-identical for the same plan; unchanged files are not rewritten."""
    target = out_dir / plan["stack"] / "manifests"
    target.mkdir(parents=True, exist_ok=True)
    wanted = {f"{name}.yaml": render_manifest(manifest) for name, manifest in kubernetes_objects(plan)}
    for stale in sorted({path.name for path in target.glob("*.yaml")} - set(wanted)):
        (target / stale).unlink()
    for file_name, text in wanted.items():
        path = target / file_name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
    return target


def render_manifest(manifest: dict[str, Any]) -> str:
    """apiVersion, kind and metadata first, as kubectl shows them; every map below in key order.

    The monitor deserializes inputs in whatever order the engine's maps yield, so without
    sorting two runs of the same plan would write different bytes."""
    head = ("apiVersion", "kind", "metadata")
    ordered = {
        **{key: _sorted(manifest[key]) for key in head if key in manifest},
        **{key: _sorted(manifest[key]) for key in sorted(manifest) if key not in head},
    }
    return yaml.safe_dump(ordered, sort_keys=False)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value
