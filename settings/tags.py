"""The `eks-platform:tags` section, held to the limits of every AWS service the tags reach."""

from __future__ import annotations

import unicodedata

from settings.reader import ConfigReader

MANAGED_TAG_KEYS = ("environment", "stack", "project", "managed-by")
# AWS allows 50 tags a resource. Besides the stack's own, each carries the managed tags, a
# Name, and at most three tags of its role (a private subnet: tier, internal-elb, discovery).
MAX_TAGS_PER_RESOURCE = 50
MAX_OWN_TAGS = MAX_TAGS_PER_RESOURCE - len(MANAGED_TAG_KEYS) - 1 - 3
# EC2 takes keys of at most 127 characters (IAM 128) and values of at most 256; IAM's
# TagKeyType/TagValueType allow letters, spaces and digits of any script plus _ . : / = + - @
# (botocore's iam model: [\p{L}\p{Z}\p{N}_.:/=+\-@]). The tags reach IAM roles, so both hold.
MAX_KEY_LENGTH, MAX_VALUE_LENGTH = 127, 256
_PUNCTUATION = set("_.:/=+-@")


def allowed_tag_text(text: str) -> bool:
    return all(unicodedata.category(char)[0] in "LZN" or char in _PUNCTUATION for char in text)


def parse_tags(root: ConfigReader, project: str, stack: str, environment: str) -> dict[str, str]:
    own = root.string_map("tags")
    allowed = (
        f"at most {MAX_OWN_TAGS} tags; keys of 1-{MAX_KEY_LENGTH} and values of 0-{MAX_VALUE_LENGTH} letters, "
        f"digits, spaces and _.:/=+-@; not {list(MANAGED_TAG_KEYS)} and not the reserved aws: prefix"
    )
    if len(own) > MAX_OWN_TAGS:
        raise root.fail("tags", f"{len(own)} tags", allowed)
    for key, value in own.items():
        bad_key = not 1 <= len(key) <= MAX_KEY_LENGTH or not allowed_tag_text(key)
        reserved = key in MANAGED_TAG_KEYS or key.lower().startswith("aws:")
        if bad_key or reserved or len(value) > MAX_VALUE_LENGTH or not allowed_tag_text(value):
            raise root.fail("tags", {key: value}, allowed)
    managed = {"environment": environment, "stack": stack, "project": project, "managed-by": "pulumi"}
    return {**own, **managed}
