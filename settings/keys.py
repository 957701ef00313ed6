"""Which config keys the program reads, and the one-line refusal for every other key.

A key the program ignores is worse than a wrong value: the stack file says one thing and the
cluster gets another. So every key is either read or refused, with the key to use instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from settings.errors import SettingsError
from settings.project import NAMESPACE

# aws:* keys the explicit AWS provider is built from; an explicit provider reads no other.
AWS_KEYS = ("aws:region", "aws:profile")
# Keys whose value may be a secret (`pulumi config set --secret`); a secret anywhere else would
# flow as plain text into resources and state.
SECRET_KEYS = (f"{NAMESPACE}:alertHeartbeatUrl",)
# The engine's own settings (pulumi:tags, pulumi:disable-default-providers, ...).
ENGINE_NAMESPACE = "pulumi"
SECRET_SHOWN_AS = "[secret]"


def check_keys(stack: str, config: Mapping[str, Any], secret_keys: Iterable[str]) -> None:
    """Refuse keys the program would silently ignore, and secrets where plain values belong."""
    for key in sorted(config):
        _check_key(stack, key)
    for key in sorted(secret_keys):
        if key not in SECRET_KEYS:
            raise SettingsError(
                stack,
                key,
                SECRET_SHOWN_AS,
                f"a plain value (`pulumi config set` without --secret); only {list(SECRET_KEYS)} may be secret",
            )


def _check_key(stack: str, key: str) -> None:
    namespace, _, name = key.partition(":")
    if namespace == NAMESPACE:
        if "." in name:
            top, _, path = name.partition(".")
            raise SettingsError(
                stack,
                key,
                "<a flat key>",
                f"the nested key `{path}` under `{NAMESPACE}:{top}`: "
                f"pulumi config set --path '{NAMESPACE}:{top}.{path}' <value>",
            )
        return
    if namespace == "aws":
        if key not in AWS_KEYS:
            raise SettingsError(
                stack,
                key,
                "<set>",
                f"only {list(AWS_KEYS)}: the platform's explicit AWS provider reads no other aws:* key",
            )
        return
    if namespace == ENGINE_NAMESPACE:
        return
    near = difflib.get_close_matches(namespace, [NAMESPACE, "aws"], n=1, cutoff=0.7)
    if near:
        raise SettingsError(stack, key, "<set>", f"the key in namespace `{near[0]}`: {near[0]}:{name}")
    raise SettingsError(
        stack, key, "<set>", f"keys the program reads: {NAMESPACE}:*, {', '.join(AWS_KEYS)} (and the engine's pulumi:*)"
    )
