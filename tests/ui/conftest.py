"""Qt tests in this folder run offscreen; pytest-qt provides the application and `qtbot`."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
