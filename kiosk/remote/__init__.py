"""Connectors to check-in servers: the only layer that speaks HTTP."""
