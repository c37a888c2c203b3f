"""The tamper-evident audit trail: recording events and verifying the hash chain."""
