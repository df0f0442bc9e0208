// The live event room (API.md §4): opens /ws/event/<id>/?token=…, asks for `sync`, and redraws the
// event and its playlist from every event.changed / playlist.changed that arrives. The token comes
// from the URL fragment (/rooms/7#token=…), which browsers never send to the server.
"use strict";

(() => {
  const RETRY_MAX_MS = 10000;
  const FINAL_CLOSES = { 4403: "Access denied", 4404: "Event not found" };
  const LOG_LINES = 50;

  const byId = (id) => document.getElementById(id);
  const eventId = location.pathname.replace(/\/+$/, "").split("/").pop();
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  const lastRevision = { "event.changed": -1, "playlist.changed": -1 };
  let socket = null;
  let retryMs = 500;
  let requestCount = 0;

  function setStatus(text, state) {
    byId("status").textContent = text;
    document.body.dataset.state = state;
  }

  function showError(message) {
    byId("error").textContent = message || "";
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function log(message) {
    if (!message) return;
    const lines = byId("log");
    lines.prepend(element("li", "", message));
    while (lines.children.length > LOG_LINES) lines.lastChild.remove();
  }

  function send(event, payload) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showError("Not connected");
      return;
    }
    requestCount += 1;
    showError("");
    socket.send(JSON.stringify({ event, payload, request_id: `page-${requestCount}` }));
  }

  function showEvent(event) {
    byId("event-name").textContent = event.name || `Event ${event.id}`;
    byId("event-access").textContent = event.access_type || "–";
    byId("event-start").textContent = event.start_date || "–";
    byId("event-end").textContent = event.end_date || "–";
    byId("event-finished").textContent = event.is_finished ? "yes" : "no";
    document.title = `${event.name || "Event"} · Setlist room`;
  }

  function showPlaylist(playlist) {
    const items = (playlist.tracks || []).slice().sort((a, b) => a.order - b.order);
    byId("playlist").replaceChildren(...items.map((entry) => {
      // `track` is the catalogue id; its details ride along in `track_detail`
      const track = { ...(entry.track_detail || {}), id: entry.track };
      const row = element("li");
      row.dataset.trackId = track.id;
      row.dataset.entryId = entry.id;
      const remove = element("button", "remove", "Remove");
      remove.type = "button";
      remove.addEventListener("click", () => send("remove_track", { track_id: track.id }));
      row.append(element("span", "order", String(entry.order)),
                 element("span", "name", track.name || `Track ${track.id}`),
                 element("span", "artist", track.artist || ""), remove);
      return row;
    }));
  }

  // A message older than one already shown (possible across a reconnect) changes nothing.
  function fresh(kind, payload) {
    const revision = typeof payload.revision === "number" ? payload.revision : Infinity;
    if (revision < lastRevision[kind]) return false;
    lastRevision[kind] = revision;
    return true;
  }

  function receive(message) {
    const payload = message.payload || {};
    if (message.event === "event.changed" && fresh(message.event, payload)) {
      showEvent(payload.event || {});
      log(payload.change_message);
    } else if (message.event === "playlist.changed" && fresh(message.event, payload)) {
      showPlaylist(payload.playlist || {});
      log(payload.change_message);
    } else if (message.event === "error") {
      showError((payload.error || {}).message || "Error");
    } else if (message.error) {
      showError(message.error_message || message.error);
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}/ws/event/${encodeURIComponent(eventId)}/` +
      `?token=${encodeURIComponent(token)}`;
    setStatus("connecting…", "connecting");
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retryMs = 500;
      setStatus("live", "live");
      showError("");
      send("sync", {});
    });
    socket.addEventListener("message", (frame) => {
      try {
        receive(JSON.parse(frame.data));
      } catch (problem) {
        showError(`Unreadable message: ${problem}`);
      }
    });
    socket.addEventListener("close", (closed) => {
      if (FINAL_CLOSES[closed.code]) {
        setStatus("closed", "closed");
        showError(FINAL_CLOSES[closed.code]);
        return;
      }
      setStatus(`reconnecting (closed ${closed.code})`, "connecting");
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    });
  }

  byId("add-form").addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    const field = byId("add-track-id");
    const value = field.value.trim();
    send("add_track", { track_id: /^\d+$/.test(value) ? Number(value) : value });
    field.value = "";
  });

  if (!token) {
    setStatus("no token", "closed");
    showError(`Open this page as /rooms/${eventId}#token=<your token>`);
  } else {
    connect();
  }
})();
