"""Password hashing with scrypt (a memory-hard KDF from the standard library).

Parameters are OWASP's current recommendation for scrypt (N=2^17, r=8, p=1: 128 MiB and about
0.4 s a hash on one core). Each hash runs in a real OS thread (eventlet's tpool), so it never
blocks a service's event loop, and at most ``PASSWORD_HASHING_THREADS`` run at once per process,
so a burst of logins queues here instead of taking every core and all the memory. The parameters
are stored with each hash; a hash made with older ones is replaced at the next successful login
(:func:`needs_rehash`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from eventlet import tpool
from eventlet.semaphore import Semaphore

from services.common import config

N, R, P = 2**17, 8, 1
KEY_LENGTH = 32
#: hashes at once per process (each holds a core and 128 MiB for ~0.4 s)
HASHING = Semaphore(config.PASSWORD_HASHING_THREADS.value())
#: what an unknown user's password is checked against, so that it takes as long as a known one's
DUMMY_HASH = "scrypt${}${}${}${}${}".format(
    N, R, P, base64.b64encode(b"\0" * 16).decode(), base64.b64encode(b"\0" * KEY_LENGTH).decode()
)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    with HASHING:
        return tpool.execute(
            hashlib.scrypt,
            password.encode("utf-8", "surrogatepass"),
            salt=salt,
            n=n,
            r=r,
            p=p,
            maxmem=128 * n * r * 2,
            dklen=KEY_LENGTH,
        )


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$<salt>$<hash>``, base64; parameters stored so they can be raised later."""
    salt = secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(_scrypt(password, salt, N, R, P))}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(digest))


def needs_rehash(stored: str) -> bool:
    """True for a hash made with other parameters than today's."""
    return not stored.startswith(f"scrypt${N}${R}${P}$")
