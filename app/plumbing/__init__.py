"""Shared plumbing: errors, pagination, concurrency and idempotency helpers."""
