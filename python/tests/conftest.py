"""Shared fixtures: the `detente` binary the Python results are checked against."""

import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli() -> str:
    """Path of the `detente` binary: $DETENTE_BIN, target/release/detente, or on PATH."""
    candidates = [os.environ.get("DETENTE_BIN"), str(ROOT / "target/release/detente"), shutil.which("detente")]
    for c in candidates:
        if c and os.path.exists(c):
            return c
    pytest.skip("no detente binary (cargo build --release -p detente-cli, or set DETENTE_BIN)")
