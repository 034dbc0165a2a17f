#!/usr/bin/env python3
"""Reference hashes for server/plan/canonical.ts: the SHA-256 of a plan's canonical JSON
(docs/plan.md, "The plan's hash"), computed with Python's json module alone:

    hashlib.sha256(json.dumps(plan, sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False).encode("utf-8")).hexdigest()

The plans are written in a shuffled key order on purpose: the hash must not depend on it.

Writes test/fixtures/plan/plan-hash.json. Run: /usr/bin/python3 scripts/reference/plan_hash.py
"""
import hashlib
import json
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "plan")

PLANS = [
    {
        "items": 400,
        "version": 1,
        "stopping": {"rule": "fixed"},
        "primary": {"b": "base", "a": "sft"},
        "metric": {"ties": "half", "kind": "win-rate"},
        "judgesPerComparison": 3,
        "interval": {"level": 0.95, "ci": "auto"},
    },
    {
        "version": 1,
        "primary": {"a": "medgemma-4b", "b": "gpt-4o"},
        "metric": {"kind": "win-rate", "ties": "exclude"},
        "interval": {"ci": "cluster-wilson", "level": 0.9},
        "judgesPerComparison": 1,
        "stopping": {"halfWidth": 0.05, "rule": "sequential"},
        "items": 1200,
    },
    {
        # a system name outside ASCII: hashed as UTF-8, not escaped
        "version": 1,
        "primary": {"a": "système-é", "b": "模型"},
        "metric": {"kind": "win-rate", "ties": "half"},
        "interval": {"ci": "wilson", "level": 0.99},
        "judgesPerComparison": 2,
        "stopping": {"rule": "fixed"},
        "items": 37,
    },
]


def canonical(plan):
    return json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main():
    records = [
        {
            "plan": plan,
            "canonical": canonical(plan),
            "sha256": hashlib.sha256(canonical(plan).encode("utf-8")).hexdigest(),
        }
        for plan in PLANS
    ]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "plan-hash.json"), "w", encoding="utf-8") as f:
        json.dump(records, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
