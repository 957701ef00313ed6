"""A resource type's input names as its SDK publishes them (the Args class's camelCase getters)."""

from __future__ import annotations

import importlib
import sys

from pulumi import _types

PACKAGES = {
    "aws": "pulumi_aws", "kubernetes": "pulumi_kubernetes", "eks": "pulumi_eks", "random": "pulumi_random",
    "tls": "pulumi_tls",
}  # fmt: skip


def input_names(token: str) -> set[str] | None:
    """None for types no SDK class describes (components, custom resources of CRDs)."""
    package, module, name = token.split(":")
    if package not in PACKAGES:
        return None
    path = _module_path(package, module)
    try:
        resource_class = getattr(importlib.import_module(f"{PACKAGES[package]}{path}"), name)
        # The resource's own module; where a nested input type already took `<Name>Args`, the
        # SDK generator names the resource's `<Name>InitArgs`.
        module = sys.modules[resource_class.__module__]
        args = getattr(module, f"{name}InitArgs", None) or getattr(module, f"{name}Args")
    except (ImportError, AttributeError):
        return None
    return set(_types.input_type_py_to_pulumi_names(args).values())


def _module_path(package: str, module: str) -> str:
    if module.split("/")[0] == "index":
        return ""
    if package == "kubernetes":
        group, version = module.split("/")
        return f".{group.split('.')[0].replace('-', '_')}.{version}"
    return f".{module.split('/')[0]}"
