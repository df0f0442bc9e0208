"""realtime: turns domain events into event-room messages and broadcasts them to every gateway."""
