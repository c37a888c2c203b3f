"""Watchlist entries: nomination, second review, amendment, history."""
