"""Answering one request of an open socket (API.md §4): the budget, the parse, the run in a
nameko worker, and every refusal or crash as the sender's error frame."""

from __future__ import annotations

import uuid

from nameko.extensions import Entrypoint

from gateway.rooms import protocol
from gateway.rooms.connection import RoomConnection
from gateway.rooms.workers import call_worker
from services.common import errors
from services.common.logs import CORRELATION_ID

#: snapshots a `sync` takes at most when each turns out older than a broadcast already sent
SYNC_ATTEMPTS = 3


def answer(entrypoint: Entrypoint, connection: RoomConnection, frame: bytes) -> None:
    """Run one request; its refusals, crashes and ``sync`` frames go to this socket only.
    A successful change is answered by its broadcast, which carries the ``request_id``."""
    if not connection.budget.take():
        connection.send(
            protocol.error_message(
                protocol.RoomError("Too many requests"), protocol.read_request_id(frame)
            )
        )
        return
    request_id = None
    origin = uuid.uuid4().hex
    try:
        request = protocol.parse_request(frame)
        request_id = request.request_id
        if request_id is not None:
            connection.expect_echo(origin, request_id)
        run(entrypoint, connection, request, origin)
        return
    except protocol.RoomError as invalid:
        reply = protocol.error_message(invalid, request_id)
    except protocol.Crash as crash:
        reply = protocol.crash_message(crash.short, protocol.read_request_id(frame))
    except errors.SetlistError as exc:
        refused = protocol.refusal(exc)
        reply = (
            protocol.error_message(refused, request_id)
            if refused
            else protocol.crash_message(exc.detail, request_id)
        )
    except Exception as exc:
        reply = protocol.crash_message("Internal error", request_id, exc)
    connection.take_echo(origin)
    connection.send(reply)


def run(
    entrypoint: Entrypoint,
    connection: RoomConnection,
    request: protocol.RoomRequest,
    origin: str,
) -> None:
    """The request in a worker under correlation id `origin`; the frames it returns (``sync``)
    to the sender, taken again while they turn out older than a broadcast already sent."""
    for _ in range(SYNC_ATTEMPTS):
        frames = call_worker(
            entrypoint,
            (
                connection.principal,
                connection.room,
                request.action,
                request.fields,
                connection.features,
            ),
            {CORRELATION_ID: origin},
        )
        if (
            all(
                connection.send(protocol.with_request_id(message, request.request_id))
                for message in frames
            )
            or connection.closing
        ):
            return
