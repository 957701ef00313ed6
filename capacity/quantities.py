"""Kubernetes resource quantities ("250m", "1", "128Mi", "1Gi") as millicores and MiB. Pure."""

from __future__ import annotations

import math
from decimal import Decimal

# Binary and decimal suffixes in bytes (k8s.io/apimachinery resource.Quantity).
_MEMORY_SUFFIXES = {
    "Ki": 1024,
    "Mi": 1024**2,
    "Gi": 1024**3,
    "Ti": 1024**4,
    "k": 1000,
    "M": 1000**2,
    "G": 1000**3,
    "T": 1000**4,
}
MIB = 1024**2


def cpu_millicores(quantity: str | int | float) -> int:
    """CPU in millicores, rounded up as the scheduler would never grant less."""
    text = str(quantity).strip()
    if text.endswith("m"):
        return math.ceil(Decimal(text[:-1]))
    return math.ceil(Decimal(text) * 1000)


def memory_mib(quantity: str | int | float) -> float:
    """Memory in MiB; a bare number is bytes."""
    text = str(quantity).strip()
    for suffix in sorted(_MEMORY_SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix):
            return float(Decimal(text[: -len(suffix)]) * _MEMORY_SUFFIXES[suffix] / MIB)
    return float(Decimal(text) / MIB)
