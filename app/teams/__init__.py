"""Account teams: the users working an account and their roles."""
