"""Memory stays flat over many validations: the resident set after a warm-up and after
VETO_PY_MEMORY_COUNT more (default 100,000; bench/python_bench.py runs 1,000,000 and
records the figure in bench/RESULTS.md)."""

from __future__ import annotations

import os

import veto

FORM = {"email": "anna@gmial.com", "country": "DE", "phone": "030 123456",
        "justification": "Meta must not train its AI on my posts."}


def resident_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def test_memory_is_flat_over_many_validations(validator: veto.Validator) -> None:
    count = int(os.environ.get("VETO_PY_MEMORY_COUNT", "100000"))
    for _ in range(20000):
        validator.validate(FORM, locale="de")
    before = resident_kib()
    for i in range(count):
        validator.validate(FORM, locale="de")
        if i % 4 == 0:
            validator.validate_field("email", "anna@exämple.de", FORM)
    grown = resident_kib() - before
    # A leak of one small allocation a call (32 bytes with malloc's header) would be over
    # 6 MB here; the allowance covers the allocator's and Python's noise.
    assert grown < 2048, f"resident set grew {grown} KiB over {count} validations"
