"""The DR drill: `python -m disaster_recovery status | promote --to <stack> | failback`.

One module per concern: pairs (which stack moves where), aws_checks / state_backend / preflight
(is it safe), plans (the offline side), workspace (Pulumi), orchestrate (the timed steps),
report, render and cli.
"""
