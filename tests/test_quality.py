"""The layers of DESIGN.md, ruff and mypy, checked as part of the suite so a violation fails CI."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = BIN / name
    if not exe.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed: run .ci/setup")
        exe = Path(found)
    return subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, timeout=240)


def test_import_layers_hold() -> None:
    result = run_tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter_catches_a_violation(tmp_path: Path) -> None:
    """The contract must be able to fail: a domain module importing storage is reported."""
    bad = ROOT / "kiosk" / "domain" / "_layer_probe.py"
    bad.write_text('"""Probe."""\nimport kiosk.storage  # noqa: F401\n')
    try:
        result = run_tool("lint-imports", "--no-cache")
    finally:
        bad.unlink()
    assert result.returncode != 0
    assert "_layer_probe" in result.stdout


def test_ruff_clean() -> None:
    result = run_tool("ruff", "check", "kiosk", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
