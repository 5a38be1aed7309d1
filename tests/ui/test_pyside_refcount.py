"""The installed PySide6 must not drop references on signal emission (6.12.0 does; pyproject excludes it).

A kiosk emits signals all day; with that bug CPython aborts with "bool_dealloc"/"none_dealloc" after a
few thousand of them. The check runs in a child process because the failure is a hard abort.
"""

import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
class Probe(QObject):
    fired = Signal(object)
probe = Probe()
probe.fired.connect(lambda value: None)
before = sys.getrefcount(True), sys.getrefcount(None)
for i in range(20000):
    probe.fired.emit(i)
after = sys.getrefcount(True), sys.getrefcount(None)
print(before, after)
sys.exit(0 if after[0] - before[0] > -100 and after[1] - before[1] > -100 else 3)
"""


def test_signal_emission_keeps_none_and_true_alive() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, f"PySide6 loses references on emit: {result.stdout}{result.stderr[-500:]}"
