"""How long `pulumi up` takes, predicted from an offline plan: the critical path through the
dependency graph, weighted by typical create and update times per resource type."""

from deploy_time.durations import seconds_for
from deploy_time.schedule import Schedule, schedule_plan

__all__ = ["Schedule", "schedule_plan", "seconds_for"]
