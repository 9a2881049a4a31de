"""Events: what changed, told to other systems through a feed (and webhooks)."""
