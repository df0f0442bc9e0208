"""The live event-room page (`/rooms/<event_id>`): static HTML and JavaScript, no build step."""
