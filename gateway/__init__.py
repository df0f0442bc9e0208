"""The gateway: the only public listener. HTTP routes and the event-room websocket over RPC."""
