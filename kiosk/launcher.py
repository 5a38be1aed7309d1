"""The `kiosk` console script: Ctrl-C while the command line is still loading exits quietly too."""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C


def main() -> int:
    # Importing the command line takes a few tenths of a second (sqlite-utils, the layers);
    # cli.main handles Ctrl-C from then on, but before that Python would print a traceback.
    try:
        from kiosk.cli import main as cli_main
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
