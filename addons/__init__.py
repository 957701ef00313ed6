"""In-cluster add-ons (Karpenter, load balancing, observability) built on the foundation."""
