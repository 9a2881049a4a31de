"""API tokens for sync scripts and other programs."""
