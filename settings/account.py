"""The `eks-platform:account` section and the rules that hold across the stacks of one account."""

from __future__ import annotations

import re

from settings.model import AccountSettings
from settings.project import ProjectStacks
from settings.reader import ConfigReader

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")


def role_in_account(arn: str, account_id: str) -> bool:
    """An IAM role ARN of this account (roles the stack assumes or names in key policies)."""
    match = _ROLE_ARN.match(arn)
    return match is not None and match.group(1) == account_id


def parse_account(root: ConfigReader) -> AccountSettings:
    account = root.section("account", ("id", "ownsSpotServiceLinkedRole"))
    allowed = "a 12-digit AWS account id in quotes, e.g. '123456789012'"
    account_id = account.raw("id", allowed)
    if not isinstance(account_id, str) or not _ACCOUNT_ID.match(account_id):
        raise account.fail("id", account_id, allowed)
    return AccountSettings(id=account_id, owns_spot_service_linked_role=account.boolean("ownsSpotServiceLinkedRole"))


def check_spot_role_ownership(
    root: ConfigReader, account: AccountSettings, uses_spot: bool, stacks: ProjectStacks
) -> None:
    """AWSServiceRoleForEC2Spot is one per account and nothing else may create it (Karpenter's
    policy cannot): among an account's stacks, exactly one owns it when any of them uses Spot."""
    same_account = [facts for name, facts in stacks().items() if name != root.stack and facts.account_id == account.id]
    other_owners = sorted(facts.name for facts in same_account if facts.owns_spot_service_linked_role)
    key = "account.ownsSpotServiceLinkedRole"
    if account.owns_spot_service_linked_role and other_owners:
        raise root.fail(
            key, True, f"false: stack(s) {other_owners} already own AWSServiceRoleForEC2Spot in account {account.id}"
        )
    spot_users = sorted(
        {facts.name for facts in same_account if facts.uses_spot} | ({root.stack} if uses_spot else set())
    )
    if spot_users and not account.owns_spot_service_linked_role and not other_owners:
        raise root.fail(
            key,
            False,
            f"true in exactly one stack of account {account.id}, because {spot_users} use Spot and no stack "
            "creates AWSServiceRoleForEC2Spot (import it with `pulumi import` if the account already has it)",
        )
