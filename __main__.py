"""Pulumi entry point: `pulumi up -s <stack>` runs this with the stack's config."""

import pulumi

from program import build_platform
from settings import SettingsError, load_settings

try:
    settings = load_settings()
except SettingsError as error:
    # RunError is reported by the engine as a plain message, without a traceback.
    raise pulumi.RunError(str(error)) from None

for output_name, value in build_platform(settings).items():
    pulumi.export(output_name, value)
