"""Periodic review: queue, decisions, removal triggers and statistics."""
