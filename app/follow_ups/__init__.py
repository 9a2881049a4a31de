"""Follow-ups: what each interaction promised to do next, open until it is kept on purpose (marked
done or dropped, or named by a later interaction)."""
