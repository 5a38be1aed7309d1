"""`python -m kiosk` runs the kiosk command line."""

import sys

from kiosk.launcher import main

sys.exit(main())
