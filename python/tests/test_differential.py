"""The differential corpus (tests/differential/corpus.mjs, written out as data by
write-corpus.mjs) through Validator.validate_json equals the CLI's lines byte for byte, in
all 26 locales; lines that are a string's UTF-8 go in as str (lone surrogates too), the
rest as bytes."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

import veto

LOCALES = ["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "is",
           "it", "lt", "lv", "mt", "nb", "nl", "pl", "pt", "ro", "sk", "sl", "sv"]


def read_corpus() -> list:
    path = os.environ.get("VETO_PY_CORPUS")
    if not path:
        pytest.fail("VETO_PY_CORPUS is not set (scripts/test.sh writes the corpus)")
    entries = []
    for line in Path(path).read_bytes().split(b"\n")[:-1]:
        kind, data = line[:1], line[1:]
        entries.append(data.decode("utf-8", "surrogatepass") if kind == b"s" else data)
    return entries


def test_python_and_the_cli_agree_on_the_corpus(cli: str, validator: veto.Validator) -> None:
    entries = read_corpus()
    mismatches = []
    as_str = 0
    with tempfile.TemporaryDirectory() as work:
        for index, locale in enumerate(LOCALES):
            mine = entries[index::len(LOCALES)]
            file = Path(work, f"{locale}.jsonl")
            file.write_bytes(b"".join(
                (e.encode("utf-8", "surrogatepass") if isinstance(e, str) else e) + b"\n"
                for e in mine))
            run = subprocess.run([cli, "validate", "--locale", locale, str(file)],
                                 capture_output=True, check=False)
            assert run.returncode in (0, 1), run.stderr
            lines = run.stdout.split(b"\n")
            assert lines.pop() == b""
            assert len(lines) == len(mine)
            for entry, expected in zip(mine, lines):
                as_str += isinstance(entry, str)
                got = validator.validate_json(entry, locale=locale).encode()
                if got != expected:
                    mismatches.append((locale, entry[:200], got[:300], expected[:300]))
    print(f"differential (python): {len(entries)} lines, {as_str} as str")
    assert len(entries) >= 1000 and 0 < as_str < len(entries)
    assert mismatches == []
