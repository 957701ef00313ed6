"""What changes between two offline plans of a stack, and which of those changes destroy data."""

from difference.compare import Change, StackDifference, compare_plans
from difference.replacements import Alarm, alarms

__all__ = ["Alarm", "Change", "StackDifference", "alarms", "compare_plans"]
