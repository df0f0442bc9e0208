"""Where a request comes from and where the gateway is served, as far as the gateway may trust them.

- The client's address is the peer's, unless the peer is a trusted proxy (``TRUSTED_PROXIES``:
  addresses or networks, comma-separated); then it is the right-most ``X-Forwarded-For`` entry
  that is no trusted proxy itself. A client can put anything into that header, so it is read only
  from a proxy the operator named.
- Absolute links (``next``/``previous``, Jellyfin's ``LocalAddress``) start with
  ``PUBLIC_BASE_URL`` when it is set, never with a client's ``Host`` header unless it is unset
  (the laptop default).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from werkzeug.wrappers import Request

from services.common import config

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=1)
def trusted_proxies(setting: str) -> tuple[Network, ...]:
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False)
        for part in setting.split(",")
        if part.strip()
    )


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: str | None, proxies: tuple[Network, ...]) -> str:
    """The address failed logins are counted against (API.md §1 "Failed logins")."""
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop[:64]
    return hops[0][:64] if hops else peer


def request_client_address(request: Request) -> str:
    proxies = trusted_proxies(config.TRUSTED_PROXIES.value())
    return client_address(
        request.remote_addr or "", request.headers.get("X-Forwarded-For"), proxies
    )


def public_base_url(request: Request) -> str:
    """``PUBLIC_BASE_URL`` (no trailing slash), else what the request was sent to."""
    return (config.PUBLIC_BASE_URL.value() or request.host_url).rstrip("/")


def public_url(request: Request) -> str:
    """The request's URL without its query, on the public base URL."""
    return public_base_url(request) + request.path
