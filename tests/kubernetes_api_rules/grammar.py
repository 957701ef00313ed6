"""The grammars the API server validates names, label values, port names and quantities with.

Sources:
- k8s.io/apimachinery/pkg/util/validation/validation.go: names, label values, port names
- k8s.io/apimachinery/pkg/api/resource/quantity.go: the quantity grammar
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from kubernetes.utils.quantity import parse_quantity

# ---------------------------------------------------------------------------------------------
# Grammar: k8s.io/apimachinery/pkg/util/validation/validation.go
# ---------------------------------------------------------------------------------------------

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_CONFIG_MAP_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_PORT_NAME = re.compile(r"[-a-z0-9]+")


def _matches(pattern: re.Pattern[str], value: Any, max_length: int) -> bool:
    return isinstance(value, str) and len(value) <= max_length and pattern.fullmatch(value) is not None


def is_dns1123_label(value: Any) -> bool:
    return _matches(_DNS1123_LABEL, value, 63)


def is_dns1123_subdomain(value: Any) -> bool:
    return _matches(_DNS1123_SUBDOMAIN, value, 253)


def is_dns1035_label(value: Any) -> bool:
    return _matches(_DNS1035_LABEL, value, 63)


def is_qualified_name(value: Any) -> bool:
    """IsQualifiedName: a name of at most 63 characters with an optional DNS-1123 subdomain prefix and '/'."""
    if not isinstance(value, str):
        return False
    parts = value.split("/")
    if len(parts) > 2 or (len(parts) == 2 and not is_dns1123_subdomain(parts[0])):
        return False
    return _matches(_QUALIFIED_NAME, parts[-1], 63)


def is_label_value(value: Any) -> bool:
    """IsValidLabelValue: empty, or at most 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric."""
    return _matches(_LABEL_VALUE, value, 63)


def is_config_map_key(value: Any) -> bool:
    """IsConfigMapKey: used for the keys of ConfigMap and Secret data."""
    return _matches(_CONFIG_MAP_KEY, value, 253) and value not in (".", "..") and not value.startswith("..")


def is_port_name(value: Any) -> bool:
    """IsValidPortName (IANA_SVC_NAME): 1-15 of [-a-z0-9], a letter, no '--', no leading or trailing '-'."""
    return (
        _matches(_PORT_NAME, value, 15)
        and re.search("[a-z]", value) is not None
        and "--" not in value
        and not value.startswith("-")
        and not value.endswith("-")
    )


# ---------------------------------------------------------------------------------------------
# Quantities. Grammar from k8s.io/apimachinery/pkg/api/resource/quantity.go; the parser
# there also takes the suffixes n and u. kubernetes.utils.quantity.parse_quantity computes the
# value but is laxer (it takes "1 Gi" and "1K"), so the exact grammar is matched first.
# ---------------------------------------------------------------------------------------------

_QUANTITY = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?")


def quantity(value: Any) -> Decimal | None:
    """The value of a resource.Quantity, or None where the API server would reject it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return parse_quantity(value)
    if not isinstance(value, str) or _QUANTITY.fullmatch(value) is None:
        return None
    try:
        return parse_quantity(value)
    except ValueError:
        return None
