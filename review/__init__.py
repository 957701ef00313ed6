"""Review data for a change: difference, cost and deploy time per stack, in one report."""
