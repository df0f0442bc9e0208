"""Helpers shared by the tests (fixtures live in the conftest.py files, which use these).

- ``infrastructure``: the real parts tests run against (RabbitMQ vhost, PostgreSQL databases, the
  running stack); ``private_infrastructure``: a RabbitMQ node and PostgreSQL cluster of a test's own.
- ``client``: ``Api``, an HTTP client of the gateway; ``rooms``: ``RoomClient``, of its websocket.
- ``accounts``: users, organizers, teams and team tokens over HTTP.
- ``playstate``: Jellyfin listeners (users with GUIDs), catalogue tracks, ticks.
- ``domain_events``: a queue on a service's ``<service>.events`` exchange.
- ``chaos``: steady load and fault tools of the chaos tests; ``browser``: headless Chromium.
"""
