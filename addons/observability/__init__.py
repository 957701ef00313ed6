"""Observability: in-cluster Prometheus and Grafana, and CloudWatch Container Insights with alarms."""
