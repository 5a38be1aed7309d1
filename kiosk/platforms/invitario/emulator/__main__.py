"""`python -m kiosk.platforms.invitario.emulator`: the reference server (the options of `kiosk serve`)."""

from kiosk.platforms.invitario.emulator.cli import main

raise SystemExit(main())
