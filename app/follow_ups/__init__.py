"""Follow-ups: what each interaction promised to do next, open until a later interaction keeps it."""
