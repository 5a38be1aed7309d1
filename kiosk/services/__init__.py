"""Plain async Python that joins storage, remote and domain: check-in and sync."""
