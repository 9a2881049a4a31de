"""Reading the audit trail: every change for managers and admins, an account's history for anyone who may see it."""
