"""Times the Python package (python/) on the bench corpus, beside what veto-bench --api gives
for the C++ and C APIs: CPU seconds of the process (time.process_time), median of 5 passes
after a warm-up pass, for Validator.validate_json (a line as str, the result as str) and
Validator.validate (the line's form as a dict, the result as a dict). Then memory: the
resident set before and after MEMORY_COUNT (default 1,000,000) validations of one small form.
Prints one line of JSON.

    VETO_LIBRARY=build/native/libveto.so.0 PYTHON bench/python_bench.py CORPUS [MEMORY_COUNT]
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import veto


def median_of_5(run) -> float:
    run()
    passes = []
    for _ in range(5):
        start = time.process_time()
        run()
        passes.append(time.process_time() - start)
    return statistics.median(passes)


def resident_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main() -> None:
    corpus = sys.argv[1]
    memory_count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    with open(corpus, encoding="utf-8") as file:
        lines = [line.rstrip("\n") for line in file if line.strip()]
    forms = [json.loads(line) for line in lines]
    validator = veto.Validator()
    sink = [0]

    def by_json() -> None:
        for line in lines:
            sink[0] += len(validator.validate_json(line))

    def by_dict() -> None:
        for form in forms:
            sink[0] += len(validator.validate(form)["fields"])

    json_seconds = median_of_5(by_json)
    dict_seconds = median_of_5(by_dict)

    small = {"email": "anna@gmial.com", "country": "DE",
             "justification": "Meta must not train its AI on my posts."}
    for _ in range(20000):
        validator.validate(small)
    before = resident_kib()
    start = time.monotonic()
    for _ in range(memory_count):
        validator.validate(small)
    memory_seconds = time.monotonic() - start
    after = resident_kib()
    print(json.dumps({
        "forms": len(lines), "python_validate_json": round(json_seconds, 6),
        "python_validate_dict": round(dict_seconds, 6), "memory_validations": memory_count,
        "rss_kib_before": before, "rss_kib_after": after,
        "memory_wall_seconds": round(memory_seconds, 1), "checksum": sink[0]}))


if __name__ == "__main__":
    main()
