"""Velero: Kubernetes state and volume data backed up to S3, replicated to the DR peer."""

from addons.velero.component import Velero, VeleroArgs

__all__ = ["Velero", "VeleroArgs"]
