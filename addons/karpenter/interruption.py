"""Interruption handling: an encrypted SQS queue fed by EventBridge rules.

Without it Karpenter cannot drain a node before a spot reclaim, a scheduled
maintenance or a capacity-reservation interruption.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.iam import policy_document
from components.tagging import resource_tags

# Rule name -> (event source, detail-type), as in Karpenter's CloudFormation.
INTERRUPTION_EVENTS: dict[str, tuple[str, str]] = {
    "health": ("aws.health", "AWS Health Event"),
    "spot-interruption": ("aws.ec2", "EC2 Spot Instance Interruption Warning"),
    "rebalance": ("aws.ec2", "EC2 Instance Rebalance Recommendation"),
    "state-change": ("aws.ec2", "EC2 Instance State-change Notification"),
    "capacity-reservation": ("aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"),
}
# Karpenter acts on an event within seconds; older messages are stale.
MESSAGE_RETENTION_SECONDS = 300


@dataclass(frozen=True)
class InterruptionQueue:
    queue: aws.sqs.Queue
    policy: aws.sqs.QueuePolicy


def interruption_queue(owner: pulumi.Resource, cluster_name: str, tags: Mapping[str, str]) -> InterruptionQueue:
    child = pulumi.ResourceOptions(parent=owner)
    name = f"{cluster_name}-karpenter"
    queue = aws.sqs.Queue(
        name,
        name=name,
        message_retention_seconds=MESSAGE_RETENTION_SECONDS,
        sqs_managed_sse_enabled=True,
        tags=resource_tags(tags, name),
        opts=child,
    )
    rules = []
    for rule_name, (source, detail_type) in INTERRUPTION_EVENTS.items():
        rule = aws.cloudwatch.EventRule(
            f"{name}-{rule_name}",
            description=f"Karpenter interruption: {detail_type}",
            event_pattern=json.dumps({"source": [source], "detail-type": [detail_type]}),
            tags=resource_tags(tags, f"{name}-{rule_name}"),
            opts=child,
        )
        rules.append(rule)
        aws.cloudwatch.EventTarget(
            f"{name}-{rule_name}", rule=rule.name, arn=queue.arn, target_id="KarpenterInterruptionQueue", opts=child
        )
    account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=owner)).account_id
    policy = aws.sqs.QueuePolicy(
        name,
        queue_url=queue.url,
        policy=policy_document(
            [
                # As Karpenter's CloudFormation grants it, narrowed to this stack's rules and account.
                {
                    "Sid": "EventBridgeWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue.arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": [rule.arn for rule in rules]}},
                },
                {
                    "Sid": "SqsWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "sqs.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue.arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
                {
                    "Sid": "DenyHTTP",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Resource": queue.arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ]
        ),
        opts=child,
    )
    return InterruptionQueue(queue=queue, policy=policy)
