"""Container Insights (enhanced observability and Fluent Bit logs), its log groups, alarms and dashboard."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from addons.context import ClusterContext
from addons.observability.alarms import ALARMS, CONTAINER_INSIGHTS_NAMESPACE
from components.core_addons import AddonArgs, eks_addon
from components.tagging import resource_tags
from settings.model import ObservabilitySettings

ADDON = "amazon-cloudwatch-observability"
NAMESPACE = "amazon-cloudwatch"
SERVICE_ACCOUNT = "cloudwatch-agent"
# The groups the agent and Fluent Bit write to; created here so they expire and are encrypted.
LOG_GROUP_KINDS = ("application", "dataplane", "host", "performance")


@dataclass(frozen=True)
class CloudWatchArgs:
    cluster: ClusterContext
    kubernetes_version: str
    settings: ObservabilitySettings
    log_retention_days: int
    logs_key_arn: pulumi.Input[str]
    alerts_key_arn: pulumi.Input[str]
    protect: bool


def agent_policy(region: str, account_id: str, cluster_name: str) -> dict:
    """What the CloudWatch agent and Fluent Bit need, and no more.

    CloudWatchAgentServerPolicy would let them write into, and change the retention of, any
    log group of the account (the EKS audit log, flow logs); here they reach only this
    cluster's Container Insights groups, which the program creates, and may neither delete
    them nor change their retention.
    """
    groups = f"arn:aws:logs:{region}:{account_id}:log-group:/aws/containerinsights/{cluster_name}/"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteThisClustersContainerInsightsLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [f"{groups}*", f"{groups}*:log-stream:*"],
            },
            {
                # Fluent Bit asks to create its groups; they exist already, so this only avoids an error.
                "Sid": "CreateOnlyThisClustersGroups",
                "Effect": "Allow",
                "Action": "logs:CreateLogGroup",
                "Resource": f"{groups}*",
            },
            {"Sid": "FindLogGroups", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
            {
                "Sid": "PublishContainerInsightsMetrics",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": CONTAINER_INSIGHTS_NAMESPACE}},
            },
            {
                "Sid": "DescribeTheNodes",
                "Effect": "Allow",
                "Action": ["ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeVolumes"],
                "Resource": "*",
            },
        ],
    }


def addon_configuration() -> dict:
    return {
        "agent": {"config": {"logs": {"metrics_collected": {"kubernetes": {"enhanced_container_insights": True}}}}},
        "containerLogs": {"enabled": True},
    }


class CloudWatchObservability(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CloudWatchArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:addons:CloudWatchObservability", name, None, opts)
        cluster = args.cluster
        log_groups = [self._log_group(args, kind) for kind in LOG_GROUP_KINDS]
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        policy = account_id.apply(
            lambda account: json.dumps(agent_policy(cluster.region, account, cluster.cluster_name))
        )
        identity = cluster.identity(
            self, name, NAMESPACE, SERVICE_ACCOUNT, inline_policies={"agent": policy}, associate=False
        )
        eks_addon(
            self,
            ADDON,
            AddonArgs(
                cluster_name=cluster.cluster_name_output,
                kubernetes_version=args.kubernetes_version,
                tags=cluster.tags,
                after=[*cluster.critical_addon_prerequisites(identity), *log_groups],
            ),
            addon_configuration(),
            pod_identity=[
                aws.eks.AddonPodIdentityAssociationArgs(role_arn=identity.role.arn, service_account=SERVICE_ACCOUNT)
            ],
        )
        topic = self._alarm_topic(name, args)
        self._alarms(name, args, topic)
        self._dashboard(name, cluster.cluster_name, cluster.region)
        self.topic_arn = topic.arn
        self.register_outputs({"topic_arn": self.topic_arn})

    def _log_group(self, args: CloudWatchArgs, kind: str) -> aws.cloudwatch.LogGroup:
        name = f"{args.cluster.cluster_name}-container-insights-{kind}"
        return aws.cloudwatch.LogGroup(
            name,
            name=f"/aws/containerinsights/{args.cluster.cluster_name}/{kind}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.logs_key_arn,
            tags=resource_tags(args.cluster.tags, name),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

    def _alarm_topic(self, name: str, args: CloudWatchArgs) -> aws.sns.Topic:
        # Every alarm and the on-call's subscriptions hang off the topic: replacing it silently drops them.
        topic = aws.sns.Topic(
            f"{name}-alarms",
            kms_master_key_id=args.alerts_key_arn,
            tags=resource_tags(args.cluster.tags, f"{name}-alarms"),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        for index, email in enumerate(args.settings.alert_emails):
            aws.sns.TopicSubscription(
                f"{name}-alarms-email-{index}",
                topic=topic.arn,
                protocol="email",
                endpoint=email,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return topic

    def _alarms(self, name: str, args: CloudWatchArgs, topic: aws.sns.Topic) -> Sequence[aws.cloudwatch.MetricAlarm]:
        cluster_name = args.cluster.cluster_name
        return [
            aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.name}",
                name=f"{cluster_name}-{spec.name}",
                alarm_description=spec.description,
                namespace=CONTAINER_INSIGHTS_NAMESPACE,
                metric_name=spec.metric,
                dimensions={"ClusterName": cluster_name, **spec.dimensions},
                statistic=spec.statistic,
                comparison_operator=spec.comparison,
                threshold=spec.threshold,
                period=spec.period_seconds,
                evaluation_periods=spec.evaluation_periods,
                treat_missing_data=spec.treat_missing_data,
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
                tags=resource_tags(args.cluster.tags, f"{name}-{spec.name}"),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for spec in ALARMS
        ]

    def _dashboard(self, name: str, cluster_name: str, region: str) -> aws.cloudwatch.Dashboard:
        widgets = [
            {
                "type": "metric",
                "width": 12,
                "height": 6,
                "x": 12 * (index % 2),
                "y": 6 * (index // 2),
                "properties": {
                    "title": spec.description.split(" for ")[0].split(" in ")[0],
                    "region": region,
                    "stat": spec.statistic,
                    "period": spec.period_seconds,
                    "metrics": [
                        [
                            CONTAINER_INSIGHTS_NAMESPACE,
                            spec.metric,
                            "ClusterName",
                            cluster_name,
                            *[item for pair in spec.dimensions.items() for item in pair],
                        ]
                    ],
                    "annotations": {"horizontal": [{"label": "alarm", "value": spec.threshold}]},
                },
            }
            for index, spec in enumerate(ALARMS)
        ]
        return aws.cloudwatch.Dashboard(
            name,
            dashboard_name=cluster_name,
            dashboard_body=json.dumps({"widgets": widgets}),
            opts=pulumi.ResourceOptions(parent=self),
        )
