"""Portfolio reports: the pyramid, revenue concentration, reviews due, accounts at risk, the pipeline."""
