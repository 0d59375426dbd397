"""The reference solutions' time per test, from which the judge sizes each test's limit.

A test the reference passes in r seconds may take max(MIN_TEST_SECONDS, TIME_FACTOR * r)
(capped by --test-seconds) when graded: generous for a slower learner's solution or a
busy machine, short enough that a submission whose every function hangs is graded in
minutes rather than hours (each kata is abandoned at its first timeout).

Maintainers refresh the file after adding or changing tests, from a grade of solutions/:

    kata grade solutions --out /tmp/reference && \\
        python -m tf_katas.grading.timing /tmp/reference/report.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REFERENCE_TIMES = Path(__file__).with_name("reference_times.json")


def times_from_report(report: dict) -> dict[str, float]:
    """nodeid -> seconds, for every test that passed in a `kata grade` report.json."""
    times = {}
    for kata in report["katas"]:
        for test in kata["tests"]:
            if test["outcome"] == "passed":
                times[f"tests/test_{kata['name']}.py::{test['name']}"] = round(
                    float(test["duration"]), 3
                )
    return times


def main() -> None:
    report = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    data = {
        "about": "seconds per test on the reference solutions, graded (tf_katas.grading.timing)",
        "tests": dict(sorted(times_from_report(report).items())),
    }
    REFERENCE_TIMES.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data['tests'])} tests written to {REFERENCE_TIMES}")


if __name__ == "__main__":
    main()
