"""The audit trail: every change, who made it, when, and the values before and after."""
