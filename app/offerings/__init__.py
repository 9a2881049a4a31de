"""The catalog of what the company sells: offerings, grouped in families."""
