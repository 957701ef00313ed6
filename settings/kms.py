"""The `eks-platform:kms` section: key administrators and the break-glass role."""

from __future__ import annotations

from settings.account import role_in_account
from settings.model import KeySettings
from settings.reader import ConfigReader


def parse_keys(root: ConfigReader, account_id: str, deployer: str, protect: bool) -> KeySettings:
    kms = root.section("kms", ("administrators", "breakGlassRole"))
    role = f"IAM role ARNs of account {account_id} (arn:aws:iam::{account_id}:role/<name>)"
    administrators = kms.strings("administrators", f"a list of {role}, besides the deployer")
    for arn in administrators:
        if not role_in_account(arn, account_id) or arn == deployer:
            raise kms.fail("administrators", arn, f"{role}, other than the deployer (always an administrator)")
    break_glass = None
    if kms.has("breakGlassRole") or protect:
        allowed = f"one of {role}, required where stateful resources are protected, not an administrator"
        break_glass = kms.string("breakGlassRole", allowed)
        if not role_in_account(break_glass, account_id) or break_glass in (*administrators, deployer):
            raise kms.fail("breakGlassRole", break_glass, allowed)
    return KeySettings(administrators=administrators, break_glass_role=break_glass)
