"""Decoded stack config, as the program receives it, for settings tests to mutate."""

from __future__ import annotations

import copy
from typing import Any

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import read_stack_config
from settings.source import decode_config_value


def stack_config(stack: str) -> dict[str, Any]:
    values = read_stack_config(PROJECT_DIR, stack).values
    return copy.deepcopy({key: decode_config_value(value) for key, value in values.items()})
