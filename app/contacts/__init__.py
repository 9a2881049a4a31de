"""Contacts: the stakeholders at an account and the decision chain they form."""
