"""What every Setlist service shares: configuration, database sessions, errors, the principal."""
