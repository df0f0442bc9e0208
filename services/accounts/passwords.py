"""Password hashing with scrypt (a memory-hard KDF from the standard library).

Hashing runs in a real OS thread (eventlet's tpool) so it never blocks a service's event loop.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from eventlet import tpool

N, R, P = 2**14, 8, 1
KEY_LENGTH = 32


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return tpool.execute(hashlib.scrypt, password.encode(), salt=salt, n=n, r=r, p=p,
                         maxmem=128 * n * r * 2, dklen=KEY_LENGTH)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$<salt>$<hash>``, base64; parameters stored so they can be raised later."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, N, R, P)
    encode = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"scrypt${N}${R}${P}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(digest))
