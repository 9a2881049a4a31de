"""``/v1/jobs``: the progress of work the service does in the background on someone's request."""
