"""The whitespace map: what each of an account's buying centers buys of the catalog, and what it could."""
