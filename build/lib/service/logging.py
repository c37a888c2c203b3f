"""structlog JSON logs with the request id and principal.

What gets logged is metadata: method, route template, status, timing, ids. Request bodies, query
strings and exception messages from the database are never logged, because they may carry names,
birth dates or document numbers of listed or screened people.
"""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*processors, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Uvicorn's access log prints the query string; ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True


def get_logger(name: str = "watchlist") -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
