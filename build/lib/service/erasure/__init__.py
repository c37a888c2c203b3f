"""Erasure for real (RV-erasure-log) and audit-log retention with a checkpoint (LG-retention)."""
