"""kiosk: an offline-first check-in desk for event entrances."""

__version__ = "0.2.1"
