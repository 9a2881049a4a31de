"""Where the rules documents are kept: every version, the newest in force."""
