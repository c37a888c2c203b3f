"""Redress: cases with tracking numbers and deadlines, disputes, decisions and letters,
the re-listing guard and indirect access (section F of the requirements)."""

from service.redress.service import disputed_statement_for

__all__ = ["disputed_statement_for"]
