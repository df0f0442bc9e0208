"""accounts: users, passwords, tokens, organizers, teams and their permissions."""
