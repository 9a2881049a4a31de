"""Targets: a year's key-account goals and the revenue target per owner."""
