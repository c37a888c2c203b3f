"""Shared infrastructure: text validation, pagination, countries."""
