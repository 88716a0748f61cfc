"""Precision and recall of redaction detection per type on the labelled set.

    .venv/bin/python bench/redaction_quality.py [--show-errors]

The set is `evenhand/redaction/labelled/messages.jsonl` (regenerate with
`python -m evenhand.redaction.labelled.generate`). Exemption codes come from the ruleset.
"""

from __future__ import annotations

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evenhand.config.settings.test")
django.setup()

from evenhand.redaction.detect import ruleset_rules  # noqa: E402
from evenhand.redaction.evaluate import load, score  # noqa: E402


def main() -> None:
    documents = list(load())
    scores = score(documents, rules=ruleset_rules())
    print(f"labelled set: {len(documents)} documents")
    print(f"{'type':<16}{'labelled':>9}{'detected':>9}{'recall':>8}{'precision':>10}")
    for kind in sorted(scores):
        s = scores[kind]
        print(f"{kind:<16}{s.labelled:>9}{s.detected:>9}{s.recall:>8.3f}{s.precision:>10.3f}")
    if "--show-errors" in sys.argv:
        for kind in sorted(scores):
            for miss in scores[kind].misses:
                print(f"MISS  {kind}: {miss}")
            for alarm in scores[kind].false_alarms:
                print(f"FALSE {kind}: {alarm}")


if __name__ == "__main__":
    main()
