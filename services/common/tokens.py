"""How a token is keyed everywhere: by its SHA-256, never by itself (logs, caches, events)."""

from __future__ import annotations

import hashlib


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
