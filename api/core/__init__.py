"""Settings, database, security and the other plumbing every route uses."""
