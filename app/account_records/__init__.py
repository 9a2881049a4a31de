"""What every record under an account shares: visible and writable exactly when its account is,
left out of unfiltered lists while its account is archived, and its writes refused on an archived
account. Contacts, opportunities, plans, interactions, reviews, financials and measurements build on it."""
