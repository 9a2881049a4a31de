"""Buying centers: the units of an account that buy on their own."""
