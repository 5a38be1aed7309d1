"""Ctrl-C at any moment of a `kiosk` command ends it quietly: exit 130, no Python traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

from tests.e2e.procs import child_env

# A real SIGINT, delivered while the command line is still importing its dependencies: the moment
# one of them (sqlite-utils, which every command loads; httpx now loads only with a connector) starts
# loading, as a person's Ctrl-C right after Enter would land.
_INTERRUPTED_WHILE_LOADING = textwrap.dedent(
    """
    import os, signal, sys

    class CtrlC:
        def find_spec(self, name, path=None, target=None):
            if name == "sqlite_utils":
                sys.meta_path.remove(self)
                os.kill(os.getpid(), signal.SIGINT)
            return None

    sys.meta_path.insert(0, CtrlC())
    from {module} import main
    sys.exit(main())
    """
)


def test_the_console_script_is_the_launcher():
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "kiosk"]
    assert script.value == "kiosk.launcher:main"


def test_ctrl_c_while_the_command_line_loads_exits_quietly(tmp_path):
    code = _INTERRUPTED_WHILE_LOADING.format(module="kiosk.launcher")
    result = subprocess.run([sys.executable, "-c", code, "--data-dir", str(tmp_path), "status"],
                            capture_output=True, text=True, timeout=60, env=child_env())

    assert result.returncode == 128 + signal.SIGINT, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""

