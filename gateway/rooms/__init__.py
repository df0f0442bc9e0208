"""The event room websocket (API.md §4, docs/realtime.md), one module per concept:

- ``takeover``: the upgrade request's socket taken over from eventlet's WSGI server;
- ``transport``: one socket driven by websockets' sans-I/O protocol, writes that never wait
  (``backlog``: what a socket could not take yet, bounded in bytes) and the closing handshake;
- ``frames``: frames built once, the same bytes for every socket;
- ``keepalive``: one sweep green thread pinging every socket of the process;
- ``connection``: a socket in a room (who, what it asked for, revision, request id echoes);
- ``hub``: the process's sockets by room, delivery, access losses, stop; ``order``: a room's
  revision order; ``roles``: roles found at handshakes;
- ``protocol``: the request protocol without sockets; ``requests``: answering one request;
  ``budget``: a socket's request budget;
- ``session``: the socket's life; ``entrypoints`` and ``workers``: the nameko side.
"""
