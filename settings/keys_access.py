"""The `eks-platform:kms` section: key administrators and the break-glass role."""

from __future__ import annotations

import re

from settings.model import KeySettings
from settings.reader import ConfigReader

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")


def parse_keys(root: ConfigReader, account_id: str, deployer: str, protect: bool) -> KeySettings:
    kms = root.section("kms", ("administrators", "breakGlassRole"))
    role = f"IAM role ARNs of account {account_id} (arn:aws:iam::{account_id}:role/<name>)"
    administrators = kms.strings("administrators", f"a list of {role}, besides the deployer")
    for arn in administrators:
        if not _in_account(arn, account_id) or arn == deployer:
            raise kms.fail("administrators", arn, f"{role}, other than the deployer (always an administrator)")
    break_glass = None
    if kms.has("breakGlassRole") or protect:
        allowed = f"one of {role}, required where stateful resources are protected, not an administrator"
        break_glass = kms.string("breakGlassRole", allowed)
        if not _in_account(break_glass, account_id) or break_glass in (*administrators, deployer):
            raise kms.fail("breakGlassRole", break_glass, allowed)
    return KeySettings(administrators=administrators, break_glass_role=break_glass)


def _in_account(arn: str, account_id: str) -> bool:
    match = _ROLE_ARN.match(arn)
    return match is not None and match.group(1) == account_id
