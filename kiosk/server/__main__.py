"""`python -m kiosk.server`: the reference server from the command line (same options as `kiosk serve`)."""

from kiosk.server.cli import main

raise SystemExit(main())
