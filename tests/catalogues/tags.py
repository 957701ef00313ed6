"""AWS tag limits: the strictest of IAM's and EC2's (botocore 1.44.5 models)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tests.catalogues.service_models import StringRule, documented_number, member_documentation, shape
from tests.catalogues.versions import installed_version

# --------------------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagLimits:
    max_tags: int
    key: StringRule
    value: StringRule
    sources: tuple[str, ...]


@cache
def tag_limits() -> TagLimits:
    """The strictest of IAM's and EC2's published tag limits (botocore 1.44.5, models of 2026-11-17).

    - tags per resource: iam `tagListType` max (50), the same as eks `TagMap` max.
    - key: iam `tagKeyType` (1-128, `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`), and EC2's `Tag.Key`
      documentation "accept a maximum of 127 Unicode characters. May not begin with aws:",
      which is stricter on length and names the reserved prefix (eks's tag documentation adds:
      "or any upper or lowercase combination").
    - value: iam `tagValueType` (0-256, same character class) and EC2's `Tag.Value` ("maximum
      of 256 Unicode characters"). EC2's own TagKey shape sets no pattern, so IAM's is the stricter.
    """
    iam_key, iam_value, iam_list = shape("iam", "tagKeyType"), shape("iam", "tagValueType"), shape("iam", "tagListType")
    ec2_key_max = documented_number("ec2", "Tag", "Key", r"maximum of (\d+) Unicode characters")
    ec2_value_max = documented_number("ec2", "Tag", "Value", r"maximum of (\d+) Unicode characters")
    reserved = re.search(r"May not begin with (\S+)", member_documentation("ec2", "Tag", "Key"))
    assert reserved, "EC2's Tag.Key documentation no longer names the reserved prefix"
    prefix = reserved.group(1).rstrip(".")
    max_tags = min(int(iam_list["max"]), int(shape("eks", "TagMap")["max"]))
    botocore_version = installed_version("botocore")
    return TagLimits(
        max_tags=max_tags,
        key=StringRule(
            source=f"botocore {botocore_version} iam tagKeyType + ec2 Tag.Key documentation",
            min_len=max(int(iam_key.get("min", 0)), int(shape("ec2", "TagKey").get("min", 0))),
            max_len=min(int(iam_key["max"]), ec2_key_max),
            pattern=iam_key["pattern"],
            forbidden_prefixes=(prefix,),
        ),
        value=StringRule(
            source=f"botocore {botocore_version} iam tagValueType + ec2 Tag.Value documentation",
            min_len=int(iam_value.get("min", 0)),
            max_len=min(int(iam_value["max"]), ec2_value_max),
            pattern=iam_value["pattern"],
            forbidden_prefixes=(prefix,),
        ),
        sources=("iam tagListType", "eks TagMap", "iam tagKeyType", "iam tagValueType", "ec2 Tag"),
    )
