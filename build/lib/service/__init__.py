"""Watchlist service: the FastAPI application, its storage and its CLI."""

__version__ = "0.1.0"
