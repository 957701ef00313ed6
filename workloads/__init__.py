"""Sample workloads deployed onto the platform."""
