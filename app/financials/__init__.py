"""Financials: revenue and cost to serve of an account per year or quarter."""
