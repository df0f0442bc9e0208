"""``X-Idempotency-Key`` / ``Idempotency-Key`` on writes (API.md §2).

Keys are per credential — the token's SHA-256, never the token — and kept 24 h by the events
service, so every gateway instance sees the same claims. A repeat of the same request (method,
path, query and body) gets the stored response, also a stored 4xx; the same key with another
request, or while the first is still running, is 409. A 5xx is not stored: the key is released
so the client may retry.

The client's side of once-only writes; the keys are stored by `services/events/idempotency_store.py`.
Not to be confused with `services/common/redelivery.py`, which makes a service handle a redelivered
RPC message once (docs/glossary.md).
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from gateway.bodies import read_body
from gateway.errors import error_response
from gateway.http import as_response
from gateway.responses import JSON
from services.common.errors import BadRequest
from services.common.tokens import hash_token

HEADERS = ("X-Idempotency-Key", "Idempotency-Key")
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY = 255


def idempotency_key(request: Request) -> str | None:
    key = next((request.headers[name] for name in HEADERS if request.headers.get(name)), None)
    if key is not None and len(key) > MAX_KEY:
        raise BadRequest(f"An idempotency key has at most {MAX_KEY} characters.")
    return key


def fingerprint(request: Request) -> str:
    """A digest of the request; the body is read here and put back for the handler."""
    body = read_body(request)
    request.stream = io.BytesIO(body)
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.full_path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def idempotent(handler: Callable[..., Any]) -> Callable[..., Response]:
    """Wraps a write route of a gateway mixin that has ``auth`` and ``events``."""

    @functools.wraps(handler)
    def run(self: Any, request: Request, **values: Any) -> Any:
        key = idempotency_key(request)
        if key is None:
            return handler(self, request, **values)
        self.auth.request_principal(request)  # no credentials, or bad ones: 401, nothing kept
        credential = hash_token(self.auth.request_credentials(request).token)
        stored = self.events.idempotency_claim(credential, key, fingerprint(request))
        if stored is not None:
            return Response(
                stored["body"],
                status=stored["status"],
                mimetype=JSON,
                headers={REPLAY_HEADER: "true"},
            )
        try:
            response = as_response(handler(self, request, **values))
        except Exception as exc:  # noqa: BLE001 - every outcome is kept or released below
            response = error_response(exc)
        if response.status_code >= 500:
            self.events.idempotency_release(credential, key)
        else:
            self.events.idempotency_store(
                credential, key, response.status_code, response.get_data(as_text=True)
            )
        return response

    return run
