"""playstate: Jellyfin's per-user item data and playback sessions."""
