"""Checks packaging/depends against the Debian packages whose libraries the frozen tree links to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def elf_files(tree: Path) -> list[Path]:
    found = []
    for path in sorted(tree.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed(path: Path) -> set[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")}


def system_libraries() -> dict[str, str]:
    """soname -> path, for this machine's x86-64 libraries (what the dynamic loader would pick)."""
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    libs: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        name, _, rest = line.strip().partition(" (")
        if "x86-64" in rest and "=>" in rest:
            libs.setdefault(name, rest.split("=>", 1)[1].strip())
    return libs


def package_of(path: str) -> str | None:
    # /usr-merged Debian: ldconfig may say /lib/... while dpkg recorded /usr/lib/... (or the other way).
    real = os.path.realpath(path)
    candidates = {path, real}
    for p in list(candidates):
        candidates.add(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for candidate in sorted(candidates):
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def main(tree: Path, depends_file: Path) -> int:
    files = elf_files(tree)
    inside = {p.name for p in files}
    wanted: dict[str, set[str]] = {}
    for path in files:
        for soname in needed(path) - inside:
            wanted.setdefault(soname, set()).add(str(path.relative_to(tree)))
    system = system_libraries()
    packages: dict[str, set[str]] = {}
    problems = []
    for soname, users in sorted(wanted.items()):
        where = system.get(soname)
        package = package_of(where) if where else None
        if package is None:
            problems.append(f"{soname} (needed by {sorted(users)[0]}) is not an installed Debian package's here")
            continue
        packages.setdefault(package, set()).add(soname)
    listed = {line.split("#", 1)[0].strip() for line in depends_file.read_text(encoding="utf-8").splitlines()}
    listed.discard("")
    found = set(packages)
    for name in sorted(found - listed):
        problems.append(f"{name} ({', '.join(sorted(packages[name]))}) is needed but missing from {depends_file}")
    for name in sorted(listed - found):
        problems.append(f"{name} is in {depends_file} but nothing in the frozen tree links to it")
    print(f"check-libs: {len(files)} ELF files, {len(wanted)} system libraries from {len(found)} packages")
    for problem in problems:
        print(f"check-libs: {problem}", file=sys.stderr)
    if found != listed:
        print(f"check-libs: the packages the tree needs, one a line: {' '.join(sorted(found))}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: check-libs.py FROZEN_TREE DEPENDS_FILE")
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
