// The live event room (API.md §4): opens /ws/event/<id>/?token=…&with=presence,now_playing, asks
// for `sync`, and redraws the event, its playlist, who is in the room and what each is playing from
// every message that arrives. The token comes from the URL fragment (/rooms/7#token=…), which
// browsers never send to the server. Track details come from /api/v1/tracks/ (the catalogue's
// `?search=` finds tracks by name or artist); dates and positions are shown in the viewer's own
// time zone and moved on between updates (clients extrapolate from `updated_at`).
"use strict";

(() => {
  const RETRY_MAX_MS = 10000;
  const FINAL_CLOSES = { 4403: "Access denied", 4404: "Event not found" };
  const LOG_LINES = 50;
  const SEARCH_DELAY_MS = 250;
  const SEARCH_RESULTS = 20;
  const TICKS_PER_SECOND = 10000000;
  const CLOCK_SKEW_MS = 5000;
  const DATE_FORMAT = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    timeZoneName: "short",
  });

  const byId = (id) => document.getElementById(id);
  const eventId = location.pathname.replace(/\/+$/, "").split("/").pop();
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  const lastRevision = { "event.changed": -1, "playlist.changed": -1 };
  const tracks = new Map();  // catalogue id -> {id, name, artist, duration}
  const asked = new Set();   // catalogue ids whose details were asked for
  const present = new Map(); // user id -> {user, username, role}
  let playlist = { tracks: [] };
  let nowPlaying = [];       // entries of now_playing.changed, with `received` (ms)
  let socket = null;
  let retryMs = 500;
  let requestCount = 0;
  let searchTimer = null;
  let searchResults = [];

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

  // 3:05, or 1:02:03 past an hour
  function clock(seconds) {
    const whole = Math.max(0, Math.floor(seconds));
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const s = String(whole % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  }

  function localDate(iso) {
    if (!iso) return "–";
    const moment = new Date(iso);
    return Number.isNaN(moment.getTime()) ? iso : DATE_FORMAT.format(moment);
  }

  // ----- the catalogue -------------------------------------------------------------------------
  async function api(path) {
    const answer = await fetch(path, { headers: { Authorization: `Token ${token}` } });
    if (!answer.ok) throw new Error(`${answer.status}`);
    return answer.json();
  }

  function remember(track) {
    if (track && typeof track.id === "number") tracks.set(track.id, track);
  }

  function trackOf(id) {
    if (!tracks.has(id) && !asked.has(id)) {
      asked.add(id);
      api(`/api/v1/tracks/${encodeURIComponent(id)}/`)
        .then((track) => { remember(track); redraw(); })
        .catch(() => {});
    }
    return tracks.get(id) || { id, name: `Track ${id}` };
  }

  function trackLabel(track) {
    return track.artist ? `${track.name} — ${track.artist}` : track.name;
  }

  // ----- the socket ----------------------------------------------------------------------------
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
    for (const [id, iso] of [["event-start", event.start_date], ["event-end", event.end_date]]) {
      byId(id).textContent = localDate(iso);
      byId(id).title = iso || "";
    }
    byId("event-finished").textContent = event.is_finished ? "yes" : "no";
    document.title = `${event.name || "Event"} · Setlist room`;
  }

  // An entry's `track` is the catalogue id; its details ride along in `track_detail`.
  function entryTrack(entry) {
    if (entry.track_detail) remember({ ...entry.track_detail, id: entry.track });
    return trackOf(entry.track);
  }

  function showPlaylist() {
    const items = (playlist.tracks || []).slice().sort((a, b) => a.order - b.order);
    let total = 0;
    let unknown = 0;
    byId("playlist").replaceChildren(...items.map((entry) => {
      const track = entryTrack(entry);
      const row = element("li");
      row.dataset.trackId = track.id;
      row.dataset.entryId = entry.id;
      const remove = element("button", "remove", "Remove");
      remove.type = "button";
      remove.addEventListener("click", () => send("remove_track", { track_id: track.id }));
      if (track.duration) total += track.duration; else unknown += 1;
      row.append(element("span", "order", String(entry.order)),
                 element("span", "name", track.name || `Track ${track.id}`),
                 element("span", "artist", track.artist || ""),
                 element("span", "duration", track.duration ? clock(track.duration) : "–"),
                 remove);
      return row;
    }));
    const count = items.length === 1 ? "1 track" : `${items.length} tracks`;
    byId("playlist-total").textContent = items.length
      ? `${count} · ${clock(total)} in all${unknown ? ` (${unknown} without a duration)` : ""}`
      : "The playlist is empty.";
  }

  function showPresent() {
    const users = [...present.values()].sort((a, b) => a.username.localeCompare(b.username));
    byId("present-count").textContent = String(users.length);
    byId("present").replaceChildren(...users.map((user) => {
      const row = element("li");
      row.dataset.userId = user.user;
      row.append(element("span", "username", user.username),
                 element("span", "role", `(${user.role})`));
      return row;
    }));
  }

  // Where an entry is now: its position plus the time since `updated_at` unless paused (the time
  // it arrived stands in when the viewer's clock is far from the server's).
  function positionNow(entry) {
    const start = entry.position_ticks / TICKS_PER_SECOND;
    if (entry.is_paused) return start;
    let since = Date.parse(entry.updated_at);
    if (Number.isNaN(since) || Math.abs(entry.received - since) > CLOCK_SKEW_MS) {
      since = entry.received;
    }
    const track = tracks.get(entry.track);
    const position = start + Math.max(0, Date.now() - since) / 1000;
    return track && track.duration ? Math.min(position, track.duration) : position;
  }

  function showNowPlaying() {
    byId("nobody-playing").hidden = nowPlaying.length > 0;
    byId("now-playing").replaceChildren(...nowPlaying.map((entry) => {
      const track = trackOf(entry.track);
      const row = element("li", entry.is_paused ? "paused" : "playing");
      row.dataset.userId = entry.user;
      row.dataset.trackId = entry.track;
      row.append(element("span", "username", entry.username),
                 element("span", "name", trackLabel(track)),
                 element("span", "position", ""));
      return row;
    }));
    movePositions();
  }

  function movePositions() {
    const rows = byId("now-playing").children;
    nowPlaying.forEach((entry, index) => {
      const track = tracks.get(entry.track);
      const length = track && track.duration ? ` / ${clock(track.duration)}` : "";
      const cell = rows[index] && rows[index].querySelector(".position");
      if (cell) cell.textContent = clock(positionNow(entry)) + length;
    });
  }

  function redraw() {
    showPlaylist();
    showNowPlaying();
    showSearchResults();
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
      playlist = payload.playlist || { tracks: [] };
      showPlaylist();
      log(payload.change_message);
    } else if (message.event === "presence.changed") {
      if (message.request_id !== undefined) present.clear();  // `sync`: everyone, afresh
      for (const user of payload.left || []) present.delete(user.user);
      for (const user of payload.joined || []) present.set(user.user, user);
      showPresent();
    } else if (message.event === "now_playing.changed") {
      const received = Date.now();
      nowPlaying = (payload.now_playing || []).map((entry) => ({ ...entry, received }));
      showNowPlaying();
    } else if (message.event === "error") {
      showError((payload.error || {}).message || "Error");
    } else if (message.error) {
      showError(message.error_message || message.error);
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}/ws/event/${encodeURIComponent(eventId)}/` +
      `?token=${encodeURIComponent(token)}&with=presence,now_playing`;
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

  // ----- finding and adding tracks -------------------------------------------------------------
  function showSearchResults() {
    byId("search-results").replaceChildren(...searchResults.map((track) => {
      const row = element("li");
      row.dataset.trackId = track.id;
      const add = element("button", "add", "Add");
      add.type = "button";
      add.addEventListener("click", () => addTrack(track.id));
      row.append(element("span", "name", track.name),
                 element("span", "artist", track.artist || ""),
                 element("span", "duration", track.duration ? clock(track.duration) : "–"), add);
      return row;
    }));
  }

  async function search(text) {
    if (!text) {
      searchResults = [];
    } else {
      try {
        const page = await api(`/api/v1/tracks/?search=${encodeURIComponent(text)}`);
        if (byId("add-track-id").value.trim() !== text) return;  // typed on meanwhile
        searchResults = (page.results || []).slice(0, SEARCH_RESULTS);
        searchResults.forEach(remember);
      } catch (problem) {
        showError(`Search failed (${problem.message})`);
        return;
      }
    }
    showSearchResults();
  }

  byId("add-track-id").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(byId("add-track-id").value.trim()), SEARCH_DELAY_MS);
  });

  function addTrack(id) {
    send("add_track", { track_id: id });
    byId("add-track-id").value = "";
    clearTimeout(searchTimer);
    searchResults = [];
    showSearchResults();
  }

  // Enter or Add: a number is a track id; any other text adds the best match found for it.
  byId("add-form").addEventListener("submit", (submitted) => {
    submitted.preventDefault();
    const value = byId("add-track-id").value.trim();
    if (/^\d+$/.test(value)) {
      addTrack(Number(value));
    } else if (searchResults.length) {
      addTrack(searchResults[0].id);
    } else {
      showError("No track found");
    }
  });

  if (!token) {
    setStatus("no token", "closed");
    showError(`Open this page as /rooms/${eventId}#token=<your token>`);
  } else {
    connect();
    setInterval(movePositions, 500);
  }
})();
