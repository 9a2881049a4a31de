"""The account screen: one account with the records the web app shows beside it, in one request."""
