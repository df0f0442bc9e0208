"""No token and no password in any log line of any process (runs after the other security tests,
so the session stack's log holds everything they and the end-to-end tests before them did)."""

from __future__ import annotations

import re

from tests.security.conftest import SECRETS

#: a credential in a URL or a body, as it would look if anything logged it unmasked
CREDENTIAL_PATTERNS = [
    re.compile(r"(?:api_?key|token)=(?!\*\*\*)[0-9a-f]{16,}", re.IGNORECASE),
    re.compile(r'"(?:pw|password)"\s*:', re.IGNORECASE),
]


def test_no_token_or_password_in_any_log_line(stack, world):
    world.api("user").get(
        f"/Users/Me?api_key={world.tokens['user']}"
    )  # a query token, logged masked
    log = stack.log_path.read_text(errors="replace")
    assert log, "the stack wrote no log"
    found = [secret[:6] + "…" for secret in SECRETS if secret and secret in log]
    assert found == [], f"secrets in the log: {found}"
    for pattern in CREDENTIAL_PATTERNS:
        lines = [line for line in log.splitlines() if pattern.search(line)]
        assert lines == [], lines[:3]
