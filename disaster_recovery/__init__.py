"""Disaster recovery read from the offline graph: a standby must be the same graph as its peer."""

from disaster_recovery.parity import ParityReport, check_parity

__all__ = ["ParityReport", "check_parity"]
