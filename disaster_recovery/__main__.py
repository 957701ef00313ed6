"""`python -m disaster_recovery status | promote --to <stack> | failback`: the DR drill."""

import sys

from disaster_recovery.drill.cli import main

if __name__ == "__main__":
    sys.exit(main())
