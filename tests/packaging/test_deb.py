"""The .deb: built by packaging/build-deb from a clean checkout (git archive HEAD), then installed into a
fresh Debian 12 minbase root with no Python by packaging/install-check, which runs kiosk there and removes it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
MAX_DEB_BYTES = 150_000_000
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def needs_root_and_tools() -> None:
    # The only reasons to skip: without root or these tools no Debian root can be made or entered.
    if os.geteuid() != 0:
        pytest.skip("needs root (debootstrap, chroot)")
    missing = [tool for tool in ("debootstrap", "dpkg-deb") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (bash .ci/setup installs them)")


@pytest.mark.timeout(2400)
def test_the_deb_builds_from_a_clean_checkout_and_works_installed_on_bare_debian(
        tmp_path: Path, summary_line: Callable[[str], None]) -> None:
    needs_root_and_tools()
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(checkout)], input=archive.stdout, check=True)
    version = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    env = {**os.environ, "KIOSK_DEB_OUT": str(tmp_path / "dist"), "KIOSK_DEB_BUILD": str(tmp_path / "build")}

    began = time.monotonic()
    try:
        build = subprocess.run(["bash", "packaging/build-deb"], cwd=checkout, env=env, capture_output=True,
                               text=True, timeout=1800, check=False)
    finally:  # the build venv and the freeze are most of a GB: not left for pytest's kept temp dirs
        shutil.rmtree(tmp_path / "build", ignore_errors=True)
    built_s = time.monotonic() - began
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    deb = tmp_path / "dist" / f"kiosk_{version}_amd64.deb"
    assert deb.is_file(), list((tmp_path / "dist").iterdir())
    assert deb.stat().st_size <= MAX_DEB_BYTES

    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    paths = {line.split()[5].removeprefix(".") for line in listing.splitlines()}
    for path in ("/opt/kiosk/kiosk", "/usr/bin/kiosk", "/usr/share/applications/kiosk.desktop",
                 *(f"/usr/share/icons/hicolor/{n}x{n}/apps/kiosk.png" for n in ICON_SIZES)):
        assert path in paths, path
    assert not any(p.startswith("/opt/kiosk/") and "ffmpeg" in p.lower() for p in paths)
    depends = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True,
                             check=True).stdout
    listed = [line.strip() for line in (checkout / "packaging" / "depends").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert sorted(d.strip() for d in depends.split(",")) == sorted(listed)

    began = time.monotonic()
    check = subprocess.run(["bash", str(checkout / "packaging" / "install-check"), str(deb)], capture_output=True,
                           text=True, timeout=1800, check=False)
    checked_s = time.monotonic() - began
    out = check.stdout
    assert check.returncode == 0, out[-4000:] + check.stderr[-3000:]
    assert "install-check: root has no Python: ok" in out
    assert f"install-check: version: kiosk {version}" in out
    assert "install-check: demo sample codes: " in out
    assert '"verdict": "admitted"' in out
    assert "install-check: scan again: Already checked in" in out
    assert "install-check: sync: Synced:" in out
    assert "install-check: bench: 11 figures measured" in out  # `kiosk bench` spawns the frozen binary itself
    assert "kiosk demo --language de found its translations" in out
    assert "install-check: autostart: Exec=/usr/bin/kiosk --fullscreen" in out
    assert "install-check: removed; files left under /opt/kiosk: 0; /usr/bin/kiosk gone" in out
    summary_line(f"deb: size={deb.stat().st_size / 1e6:.1f} MB build={built_s:.0f} s install-check={checked_s:.0f} s "
                 "(fresh Debian 12 minbase root: --version, demo, scan, sync --once, bench, apt-get remove)")
