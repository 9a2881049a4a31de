"""Writing the audit trail: every change, who made it, when, and the values before and after,
recorded on every flush."""
