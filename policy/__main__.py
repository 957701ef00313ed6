"""The CrossGuard entry point: `pulumi preview --policy-pack policy` runs this file from policy/.

Constructing PolicyPack starts the analyzer's gRPC server and blocks until the engine is done,
so only this entry point constructs it; `python -m policy.check` applies the same rules offline.
"""

import sys
from pathlib import Path

# The CLI runs the pack from its own directory; the rules import as the `policy` package of the
# repository above it, exactly as the offline path imports them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from policy.pack import NAME, policies

PolicyPack(name=NAME, enforcement_level=EnforcementLevel.ADVISORY, policies=policies())
