"""Interactions: every visit, call, meeting, email and event with an account, recorded."""
