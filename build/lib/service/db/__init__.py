"""Database access: the metadata, engines and per-request sessions."""
