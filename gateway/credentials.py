"""Reading credentials from a request: every header and query form of API.md §1, first match wins.

Pure functions over headers and query parameters, so they are tested without a server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from services.common.errors import AuthenticationFailed, ValidationFailed, too_long

EMBY_SCHEMES = ("mediabrowser", "emby")
TOKEN_SCHEMES = ("token", "bearer")
QUERY_KEYS = ("apikey", "api_key", "token")
#: the MediaBrowser header's fields we keep, by their names there; each at most 255 characters
DEVICE_FIELDS = ("Client", "Device", "DeviceId", "Version")
MAX_DEVICE_FIELD = 255


@dataclass(frozen=True)
class Credentials:
    token: str | None
    device_id: str | None = None
    device_name: str | None = None
    client: str | None = None
    client_version: str | None = None

    def device(self) -> dict[str, str | None]:
        return {
            "device_id": self.device_id,
            "device_name": self.device_name,
            "client": self.client,
            "client_version": self.client_version,
        }


def parse_emby(value: str) -> dict[str, str]:
    """``Client="x", Device="y", Token="z"`` (quotes optional, URL-encoded) → lower-cased keys."""
    fields: dict[str, str] = {}
    for part in value.split(","):
        key, sep, raw = part.strip().partition("=")
        if sep:
            fields[key.strip().lower()] = unquote(raw.strip().strip('"'))
    return fields


def _split_scheme(header: str) -> tuple[str, str]:
    scheme, _, rest = header.strip().partition(" ")
    return scheme.lower(), rest.strip()


def _token_from_scheme(rest: str) -> str:
    """DRF's checks of ``Token <token>``, with its messages."""
    if not rest:
        raise AuthenticationFailed("Invalid token header. No credentials provided.")
    if " " in rest:
        raise AuthenticationFailed("Invalid token header. Token string should not contain spaces.")
    return rest


def _check_device(fields: dict[str, str]) -> None:
    """400 naming each device field that is too long or holds a NUL (API.md §1 "Limits")."""
    errors = {}
    for name in DEVICE_FIELDS:
        value = fields.get(name.lower(), "")
        if len(value) > MAX_DEVICE_FIELD:
            errors[name] = [too_long(MAX_DEVICE_FIELD)]
        elif "\x00" in value:
            errors[name] = ["Null characters are not allowed."]
    if errors:
        raise ValidationFailed(fields=errors)


def _emby(headers: Mapping[str, str]) -> Credentials | None:
    for name in ("Authorization", "X-Emby-Authorization"):
        scheme, rest = _split_scheme(headers.get(name, ""))
        if scheme in EMBY_SCHEMES:
            fields = parse_emby(rest)
            _check_device(fields)
            return Credentials(
                token=fields.get("token") or None,
                device_id=fields.get("deviceid") or None,
                device_name=fields.get("device") or None,
                client=fields.get("client") or None,
                client_version=fields.get("version") or None,
            )
    return None


def read_credentials(headers: Mapping[str, str], query: Mapping[str, str]) -> Credentials:
    """The request's credentials; ``token`` is None when it carries none.

    A MediaBrowser header without a token still yields its device (AuthenticateByName needs it),
    and a token from a later form is combined with that device.
    """
    scheme, rest = _split_scheme(headers.get("Authorization", ""))
    if scheme in TOKEN_SCHEMES:
        return Credentials(token=_token_from_scheme(rest))
    emby = _emby(headers) or Credentials(token=None)
    if emby.token:
        return emby
    token = headers.get("X-Emby-Token") or headers.get("X-MediaBrowser-Token")
    if not token:
        lowered = {key.lower(): value for key, value in query.items()}
        token = next((lowered[key] for key in QUERY_KEYS if lowered.get(key)), None)
    return Credentials(
        token=token or None,
        device_id=emby.device_id,
        device_name=emby.device_name,
        client=emby.client,
        client_version=emby.client_version,
    )
