"""The frozen kiosk's entry point: the `kiosk` command line, and `-m kiosk...` for the children kiosk spawns."""

from __future__ import annotations

import runpy
import sys

# `kiosk bench` starts its server and measurements as `sys.executable -m MODULE`; frozen, sys.executable is
# this binary, so it answers those itself. Only kiosk's own modules: it is not a general Python.
CHILD_MODULES = ("kiosk.bench.child", "kiosk.platforms.invitario.emulator")


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "-m":
        module = sys.argv[2]
        if module not in CHILD_MODULES:
            print(f"kiosk: -m {module}: not a module of the frozen kiosk", file=sys.stderr)
            return 2
        sys.argv = [module, *sys.argv[3:]]
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        return 0
    from kiosk.launcher import main as kiosk_main

    return kiosk_main()


if __name__ == "__main__":
    sys.exit(main())
