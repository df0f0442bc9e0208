"""nameko's way to a pooled AMQP connection or producer, without a new kombu ``Connection`` per
message.

nameko's ``get_connection`` and ``get_producer`` build a ``kombu.Connection`` from the AMQP URI for
every message they publish, only to find the pool that kombu keeps for its parameters: parsing the
URI and making the object was ~7 % of the gateway's CPU per proxied request and ~4 % of a service's
per RPC reply (py-spy, bench/RESULTS.md). Here that connection, which is never connected itself
(kombu's pools clone it), is made once per set of parameters; kombu still looks its pool up on each
use, so its pools behave as before (and are still emptied after a fork).

:func:`install` puts these in place of nameko's (whose ``Publisher.publish`` calls
``get_producer`` by its module's global name); every process's runner (setlist/nameko_run.py)
calls it before its services start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import nameko.amqp.publish
from kombu import Connection
from kombu.pools import connections, producers
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS

_templates: dict[tuple[Any, ...], Connection] = {}


def template(
    amqp_uri: str, ssl: Any = None, login_method: str | None = None, options: Any = None
) -> Connection:
    """The (never connected) connection whose parameters name the pool kombu keeps for them."""
    options = dict(options or DEFAULT_TRANSPORT_OPTIONS)
    key = (amqp_uri, repr(ssl), login_method, repr(sorted(options.items())))
    found = _templates.get(key)
    if found is None:
        found = _templates[key] = Connection(
            amqp_uri, transport_options=options, ssl=ssl, login_method=login_method
        )
    return found


@contextmanager
def get_connection(
    amqp_uri: str, ssl: Any = None, login_method: str | None = None, transport_options: Any = None
) -> Iterator[Any]:
    """A connection from kombu's pool for these parameters (nameko's ``get_connection``)."""
    with connections[template(amqp_uri, ssl, login_method, transport_options)].acquire(
        block=True
    ) as connection:
        yield connection


@contextmanager
def get_producer(
    amqp_uri: str,
    confirms: bool = True,
    ssl: Any = None,
    login_method: str | None = None,
    transport_options: Any = None,
) -> Iterator[Any]:
    """A producer from kombu's pool for these parameters (nameko's ``get_producer``)."""
    options = {**(transport_options or DEFAULT_TRANSPORT_OPTIONS), "confirm_publish": confirms}
    with producers[template(amqp_uri, ssl, login_method, options)].acquire(block=True) as producer:
        yield producer


def install() -> None:
    nameko.amqp.publish.get_producer = get_producer
    nameko.amqp.publish.get_connection = get_connection
