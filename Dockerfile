FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    WATCHLIST_MIGRATIONS_DIR=/app/migrations
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY matching ./matching
COPY policies ./policies
COPY migrations ./migrations
RUN pip install . && useradd --system --uid 10001 watchlist && mkdir -p /app/var && chown watchlist /app/var
USER watchlist
EXPOSE 8000
CMD ["watchlist", "serve", "--host", "0.0.0.0", "--no-migrate", "--proxy-headers"]
