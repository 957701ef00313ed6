"""The data files the program reads are exactly what the published source generates today."""

from __future__ import annotations

import json

from settings import generate_catalog


def test_zone_data_matches_moto():
    assert generate_catalog.ZONES_FILE.read_text() == generate_catalog.render(generate_catalog.availability_zones())


def test_instance_type_data_matches_moto():
    expected = generate_catalog.render_instance_types(generate_catalog.instance_types())
    assert generate_catalog.INSTANCE_TYPES_FILE.read_text() == expected


def test_offerings_data_matches_moto():
    expected = generate_catalog.render_offerings(generate_catalog.instance_offerings())
    assert generate_catalog.OFFERINGS_FILE.read_text() == expected


def test_botocore_data_matches_the_installed_botocore():
    assert generate_catalog.BOTOCORE_FILE.read_text() == generate_catalog.render(generate_catalog.botocore_facts())


def test_data_files_name_their_source_and_date():
    files = (
        generate_catalog.ZONES_FILE,
        generate_catalog.INSTANCE_TYPES_FILE,
        generate_catalog.OFFERINGS_FILE,
        generate_catalog.BOTOCORE_FILE,
    )
    for path in files:
        source = json.loads(path.read_text())["source"]
        assert "moto" in source or "botocore" in source
        assert generate_catalog.GENERATED_ON in source
