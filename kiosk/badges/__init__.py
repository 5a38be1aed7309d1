"""Badges printed at the door: label sizes, what a badge shows, the Qt layout, and printing through the OS."""
