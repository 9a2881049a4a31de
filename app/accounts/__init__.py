"""Accounts: the customer organisations, their scores, tiers and review cadence."""
