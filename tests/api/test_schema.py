"""The API's contract: an OpenAPI 3 schema that validates without a warning, served at
/api/schema/, with docs at /api/docs/ that load nothing from outside the portal."""

import re

import yaml
from django.core.management import call_command


def test_it_generates_a_schema_that_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning into an error, --validate checks it against OpenAPI 3.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--api-version",
        "v1",
        "--file",
        str(target),
    )
    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/reports/bulk/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_it_serves_the_schema_and_offline_docs_to_anyone(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/reports/", "/api/v1/places/", "/api/v1/situation-pictures/"} <= set(paths)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not source.startswith(("http:", "https:", "//")) for source in sources), sources
