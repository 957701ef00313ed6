"""Account-wide resources, declared only by the stack settings name as their owner."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.tagging import resource_tags
from settings.model import AccountSettings

SPOT_SERVICE = "spot.amazonaws.com"


class AccountWideRoles(pulumi.ComponentResource):
    """AWSServiceRoleForEC2Spot: Spot launches fail with ServiceLinkedRoleCreationNotPermitted
    without it, and Karpenter's policy may not create it. One per account, so exactly one
    stack of the account owns it (checked across the stack files)."""

    # What Spot capacity waits for; empty where another stack owns the role.
    spot_prerequisites: list[pulumi.Resource]

    def __init__(
        self,
        name: str,
        account: AccountSettings,
        tags: Mapping[str, str],
        protect: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("eks-platform:components:AccountWideRoles", name, None, opts)
        self.spot_prerequisites = []
        if account.owns_spot_service_linked_role:
            role = aws.iam.ServiceLinkedRole(
                "spot-service-linked-role",
                aws_service_name=SPOT_SERVICE,
                description="EC2 Spot capacity for every EKS cluster of this account",
                tags=resource_tags(tags, "spot-service-linked-role"),
                opts=pulumi.ResourceOptions(parent=self, protect=protect),
            )
            self.spot_prerequisites.append(role)
        self.register_outputs({})
