"""Internal account reviews: the team's regular look at an account, which restarts the cadence clock."""
