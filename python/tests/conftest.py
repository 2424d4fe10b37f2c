"""What the tests use: the CLI to compare with and the differential corpus. scripts/test.sh
sets VETO_CLI, VETO_LIBRARY (read by the package) and VETO_PY_CORPUS."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import veto

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli() -> str:
    return os.environ.get("VETO_CLI", str(ROOT / "build/native/veto"))


@pytest.fixture(scope="session")
def validator() -> veto.Validator:
    return veto.Validator()
