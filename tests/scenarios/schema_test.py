#!/usr/bin/python3
"""Checks scenarios/schema/scenario.schema.json: it is a valid draft 2020-12 schema, every
scenario file routesim ships or tests with conforms to it, and broken scenarios are rejected
at the place that is wrong. Uses Debian's python3-jsonschema (installed by tools/setup.sh)."""
import copy
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("schema_test: python3-jsonschema is missing (tools/setup.sh installs it)")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
schema = json.load(open(os.path.join(ROOT, "scenarios", "schema", "scenario.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []

files = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.json")) +
               glob.glob(os.path.join(ROOT, "tests", "data", "scenarios", "*.json")))
if not files:
    failures.append("no scenario files found")
for path in files:
    for error in validator.iter_errors(json.load(open(path))):
        failures.append(f"{os.path.relpath(path, ROOT)}: {error.json_path}: {error.message}")

seed = json.load(open(os.path.join(ROOT, "scenarios", "storage-behind-firewall.scenario.json")))


def broken(change):
    doc = copy.deepcopy(seed)
    change(doc)
    return doc


# (what is wrong, the document, a JSON path prefix the schema must report)
CASES = [
    ("duration missing", broken(lambda d: d.pop("duration")), "$"),
    ("duration not ISO 8601", broken(lambda d: d.update(duration="30 minutes")), "$.duration"),
    ("unknown profile", broken(lambda d: d.update(profile="2019")), "$.profile"),
    ("no hub", broken(lambda d: d.update(resources=[r for r in d["resources"]
                                                    if r["type"] != "Microsoft.Devices/IotHubs"])),
     "$.resources"),
    ("resource without a name", broken(lambda d: d["resources"][0].pop("name")), "$.resources[0]"),
    ("count zero", broken(lambda d: d["devices"][0].update(count=0)), "$.devices[0].count"),
    ("TLS 1.4", broken(lambda d: d["devices"][0].update(tlsVersion="1.4")), "$.devices[0].tlsVersion"),
    ("rate without '/'", broken(lambda d: d["traffic"][0].update(ratePerDevice="fast")),
     "$.traffic[0].ratePerDevice"),
    ("template and payloads", broken(lambda d: d["traffic"][0].update(payloads=[{"percent": 100, "fix": "x"}])),
     "$.traffic[0]"),
    ("unknown action", broken(lambda d: d["timeline"][0].update(action="explode")), "$.timeline[0].action"),
    ("remove without a resource", broken(lambda d: d["timeline"][0].pop("resource")), "$.timeline[0]"),
    ("expectation with two subjects", broken(lambda d: d["expect"][0].update(denial={"kind": "egress"})),
     "$.expect[0]"),
    ("unknown health", broken(lambda d: d["expect"][3].update(health="sad")), "$.expect[3]"),
]
for what, doc, prefix in CASES:
    errors = list(validator.iter_errors(doc))
    if not errors:
        failures.append(f"broken scenario accepted: {what}")
    elif not any(e.json_path.startswith(prefix) for e in errors):
        failures.append(f"{what}: expected an error at {prefix}, got {[e.json_path for e in errors]}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"schema_test: {len(files)} scenario file(s) conform; {len(CASES)} broken ones rejected")
