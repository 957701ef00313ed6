"""`python -m disaster_recovery.mirror_images <stack>`: the shell script that copies the sample
images from upstream (versions.IMAGES) into the stack's own regional ECR repositories.

It only prints: this machine reaches no registry. Run the output with bash where `aws` and
`crane` (github.com/google/go-containerregistry) are installed and the credentials may push to
the stack's account. `crane copy` copies a multi-arch image index with every platform and keeps
its digest, which the script checks against upstream. Tags are immutable, so a tag already
mirrored is checked, not pushed again.
"""

from __future__ import annotations

import shlex
import sys

import versions
from components.images import mirrored_images, registry_host
from components.registry import replication_region
from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from settings import Settings


class StandbyStackError(ValueError):
    """A standby receives its images by replication from its active peer."""


def mirror_script(settings: Settings) -> list[str]:
    if settings.dr.role == "standby":
        raise StandbyStackError(
            f"{settings.stack} is a standby: mirror into its active peer {settings.dr.peer_stack}, "
            f"whose replication rule copies the images to {settings.region}"
        )
    host = registry_host(settings.account.id, settings.region)
    profile = f" --profile {shlex.quote(settings.aws_profile)}" if settings.aws_profile else ""
    lines = ["#!/usr/bin/env bash", "set -euo pipefail", *_preamble(settings)]
    lines.append(
        f"aws ecr get-login-password --region {settings.region}{profile}"
        f" | crane auth login {host} --username AWS --password-stdin"
    )
    for image in mirrored_images(settings.project, settings.account.id, settings.region, versions.IMAGES):
        source, target = shlex.quote(image.upstream), shlex.quote(image.regional)
        lines += [
            f"crane digest {target} >/dev/null 2>&1 || crane copy {source} {target}",
            f'test "$(crane digest {source})" = "$(crane digest {target})"',
        ]
    return lines


def _preamble(settings: Settings) -> list[str]:
    peer = replication_region(settings.dr)
    where = f"# {settings.stack}: the sample images into {settings.region}"
    if peer is None:
        return [f"{where}; no DR peer, nothing is replicated."]
    return [
        f"{where}; the registry's rule replicates them to {peer} ({settings.dr.peer_stack}).",
        "# Replication copies only images pushed after its rule exists, into the peer's repositories:",
        f"# run this after `pulumi up` of both {settings.stack} and {settings.dr.peer_stack}.",
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m disaster_recovery.mirror_images <stack>", file=sys.stderr)
        return 2
    try:
        print("\n".join(mirror_script(stack_settings(PROJECT_DIR, argv[0]))))
    except StandbyStackError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
