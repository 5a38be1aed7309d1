"""The layers of docs/design.md, ruff and mypy, checked as part of the suite so a violation fails CI."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_tool(name: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    exe = BIN / name
    if not exe.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed: run .ci/setup")
        exe = Path(found)
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=240)


def test_import_layers_hold() -> None:
    result = run_tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter_catches_a_violation(tmp_path: Path) -> None:
    """The contract must be able to fail: a domain module importing storage is reported.

    The probe goes into a copy of the package, never into the checkout: lint-imports puts its working
    directory first on the import path, so the copy is the `kiosk` it reads.
    """
    shutil.copytree(ROOT / "kiosk", tmp_path / "kiosk", ignore=shutil.ignore_patterns("__pycache__", "*.wav"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "kiosk" / "domain" / "_layer_probe.py").write_text('"""Probe."""\nimport kiosk.storage  # noqa: F401\n')
    result = run_tool("lint-imports", "--no-cache", cwd=tmp_path)
    assert result.returncode != 0
    assert "kiosk.domain._layer_probe -> kiosk.storage" in result.stdout
    assert not (ROOT / "kiosk" / "domain" / "_layer_probe.py").exists()


def test_ruff_clean() -> None:
    result = run_tool("ruff", "check", "kiosk", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
