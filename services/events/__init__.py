"""events: the pretix events resource, organizer meta properties, plugins, event access, the track
catalogue and each event's playlist."""
