"""botocore 1.44.5's service models: shapes, member documentation, and the rules read from them."""

from __future__ import annotations

import importlib.util
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import regex

from tests.catalogues.versions import installed_version

# --------------------------------------------------------------------------------------
# botocore service models
# --------------------------------------------------------------------------------------


@cache
def _data_loader() -> Any:
    return botocore.session.get_session().get_component("data_loader")


@cache
def service_model(service: str) -> dict[str, Any]:
    """botocore 1.44.5's service-2 model of a service (raw JSON: shapes with min/max/pattern/enum).

    Source: `botocore/data/<service>/<api version>/service-2.json.gz`; see `service_model_date`.
    """
    return dict(_data_loader().load_service_model(service, "service-2"))


def service_model_date(service: str) -> datetime:
    """When botocore 1.44.5's model of `service` was built: the mtime in its gzip header (2026-11-17)."""
    spec = importlib.util.find_spec("botocore")
    assert spec is not None
    assert spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / service
    version = _data_loader().determine_latest_version(service, "service-2")
    header = (root / version / "service-2.json.gz").read_bytes()[:10]
    return datetime.fromtimestamp(struct.unpack("<I", header[4:8])[0], UTC)


def shape(service: str, name: str) -> dict[str, Any]:
    return dict(service_model(service)["shapes"][name])


def member_documentation(service: str, operation_or_shape: str, member: str) -> str:
    """The documentation of one input member (or structure member), HTML stripped, spaces collapsed."""
    model = service_model(service)
    if operation_or_shape in model["operations"]:
        shape_name = model["operations"][operation_or_shape]["input"]["shape"]
    else:
        shape_name = operation_or_shape
    html = model["shapes"][shape_name]["members"][member].get("documentation", "")
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").split())


def documented_number(service: str, operation: str, member: str, phrase: str) -> int:
    """A number the API reference states in prose, e.g. "can have up to (\\d+) characters"."""
    text = member_documentation(service, operation, member)
    found = re.search(phrase, text)
    assert found, f"{service} {operation}.{member}: the documentation no longer says {phrase!r}: {text}"
    return int(found.group(1))


@cache
def java_pattern(pattern: str) -> regex.Pattern[str]:
    """A botocore (Java-flavoured) pattern, compiled to match a whole value.

    Java's `\\w` is ASCII-only while its `\\p{L}` is any Unicode letter; the `regex` module's
    `\\w` is Unicode, so `\\w` is spelled out as ASCII.
    """
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i : i + 2]
            out.append(("A-Za-z0-9_" if in_class else "[A-Za-z0-9_]") if escaped == "\\w" else escaped)
            i += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        out.append(char)
        i += 1
    return regex.compile("".join(out))


@dataclass(frozen=True)
class StringRule:
    """Length and character rules for one kind of AWS name or tag field."""

    source: str
    min_len: int = 1
    max_len: int | None = None
    pattern: str | None = None  # Java-style, as botocore publishes it; whole value must match
    forbidden_prefixes: tuple[str, ...] = ()
    required_prefix: str | None = None
    extra: Callable[[str], list[str]] | None = field(default=None, compare=False)

    def problems(self, value: str) -> list[str]:
        found = []
        if len(value) < self.min_len:
            found.append(f"{value!r} is shorter than {self.min_len} characters")
        if self.max_len is not None and len(value) > self.max_len:
            found.append(f"{value!r} is {len(value)} characters, more than {self.max_len}")
        if self.pattern is not None and not java_pattern(self.pattern).fullmatch(value):
            found.append(f"{value!r} does not match {self.pattern}")
        if self.required_prefix is not None and not value.startswith(self.required_prefix):
            found.append(f"{value!r} does not start with {self.required_prefix!r}")
        found += [
            f"{value!r} starts with the reserved {prefix!r}"
            for prefix in self.forbidden_prefixes
            if value.lower().startswith(prefix.lower())
        ]
        if self.extra is not None:
            found += self.extra(value)
        return found


def shape_rule(service: str, shape_name: str, **extra: Any) -> StringRule:
    """A StringRule straight from a botocore shape's min/max/pattern."""
    spec = shape(service, shape_name)
    return StringRule(
        source=f"botocore {installed_version('botocore')} {service} shape {shape_name}",
        min_len=int(spec.get("min", 0)),
        max_len=spec.get("max"),
        pattern=spec.get("pattern"),
        **extra,
    )
