"""The account facts: stored per account, kept current on every write, and the rules stated in SQL over them."""
