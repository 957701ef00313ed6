"""Karpenter node autoscaling: AWS identity and interruption handling, charts, node pools."""

from addons.karpenter.component import Karpenter, KarpenterArgs

__all__ = ["Karpenter", "KarpenterArgs"]
