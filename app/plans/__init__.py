"""Account plans: the customer's business, SWOT, competitors, SMART objectives and actions."""
