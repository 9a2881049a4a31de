"""Users of the service and their roles."""
