"use strict";
// Live meeting client: keeps the page in step with /ws/meetings/{id}.
// Resumes after a dropped connection with the last seq it applied; never reloads the page.
(function () {
  const root = document.querySelector("[data-live-meeting]");
  if (!root) return;
  const meetingId = root.dataset.liveMeeting;
  const strings = JSON.parse(document.getElementById("live-strings").textContent);
  const storeKey = "meeting-" + meetingId + "-seq";
  let state = null;
  let lastSeq = null;
  let socket = null;
  let retry = 0;
  let pingTimer = null;

  function t(key, values) {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  }

  let wasOffline = false;
  let everOpened = false;
  function setStatus(online) {
    const el = document.getElementById("live-status");
    if (!el) return;
    if (online) {
      el.textContent = wasOffline ? t("Back online.") + " " + t("Live") : t("Live");
      wasOffline = false;
    } else {
      wasOffline = wasOffline || !navigator.onLine;
      el.textContent = navigator.onLine ? t("Reconnecting…")
        : t("You are offline. The open document stays readable; changes will appear when the connection returns.");
    }
    el.dataset.online = online ? "true" : "false";
  }
  function showsOffline() {
    const el = document.getElementById("live-status");
    return el !== null && el.dataset.online !== "true";
  }
  window.addEventListener("offline", () => { wasOffline = true; setStatus(false); });
  // The network is back: a socket that stayed open through the outage must prove it is alive
  // (an answered ping says "live" at once; silence closes it, and it reconnects); a closed one
  // reconnects now rather than at the end of its back-off.
  window.addEventListener("online", () => {
    if (socket && socket.readyState === WebSocket.OPEN) { proveAlive(socket); return; }
    if (!socket || socket.readyState === WebSocket.CLOSED) { retry = 0; connect(); }
  });
  function proveAlive(ws) {
    const asked = Date.now();
    ws.send('{"type":"ping"}');
    setTimeout(() => {
      if (ws === socket && ws.readyState === WebSocket.OPEN && lastHeard < asked) ws.close();
    }, 4000);
  }

  // The handshake was refused although the network is up: signed out (401), or no longer a
  // participant of this meeting (404), whose pages and page images kept here then go.
  let checking = false;
  let stopped = false;
  async function checkStanding() {
    if (checking) return;
    checking = true;
    try {
      const response = await fetch("/api/meetings/" + meetingId + "/events?after=" + Number.MAX_SAFE_INTEGER);
      if (response.status === 404 || response.status === 403) {
        stopped = true;
        clearTimeout(reconnectTimer);
        sessionStorage.removeItem(storeKey);
        if (window.caches) await caches.delete("meeting-" + meetingId);
        location.reload();
      } else if (response.status === 401) {
        stopped = true;
        clearTimeout(reconnectTimer);
        if (window.MeetingApi) await window.MeetingApi.forgetEverything();
        location.replace("/login?next=" + encodeURIComponent(location.pathname));
      }
    } catch (e) {
      // still out of reach: the next attempt asks again
    } finally {
      checking = false;
    }
  }

  // The list with item (if any) put at its key ("position", "number") and the others numbered
  // 1..n around it, in their order: what the server does. Events carry only what changed.
  function place(list, item, key) {
    const others = list.filter((x) => !item || x.id !== item.id)
      .sort((a, b) => a[key] - b[key] || a.id - b.id);
    if (item) others.splice(Math.max(0, Math.min(item[key] - 1, others.length)), 0, item);
    return others.map((x, i) => x[key] === i + 1 ? x : Object.assign({}, x, { [key]: i + 1 }));
  }

  function apply(event) {
    const d = event.data;
    switch (event.event) {
      case "meeting.updated":
        state.meeting = d.meeting; state.notice_due = d.notice_due; state.notice_late = d.notice_late;
        break;
      case "agenda.changed": state.agenda_items = place(state.agenda_items, d.agenda_item, "position"); break;
      case "agenda.item_deleted": {
        const gone = d.agenda_item_id;
        state.agenda_items = place(state.agenda_items.filter((x) => x.id !== gone), null, "position");
        state.documents = state.documents.filter((x) => d.document_ids.indexOf(x.id) < 0);
        if (state.current_item_id === gone) state.current_item_id = null;
        state.conclusions = state.conclusions.map((c) => c.agenda_item_id === gone
          ? Object.assign({}, c, { agenda_item_id: null }) : c);
        // requests to speak and votes on it stay, without the item (floor.js, votes.js)
        const unlink = (x) => x.agenda_item_id === gone ? Object.assign({}, x, { agenda_item_id: null }) : x;
        if (state.floor) state.floor.requests = state.floor.requests.map(unlink);
        if (state.votes) state.votes = state.votes.map(unlink);
        break;
      }
      case "agenda.current":
        state.current_item_id = d.current_item_id;
        // since when: the event's time (meetings.current_item_at in the snapshot)
        state.meeting = Object.assign({}, state.meeting, { current_item_at: d.current_item_id === null ? null : event.at });
        break;
      case "presenter.page":
        state.presenter = d.document_id === null ? null : d; break;
      case "document.published":
      case "document.version":
        state.documents = state.documents.filter((x) => x.id !== d.document.id);
        state.documents.push(d.document); break;
      case "attendance.changed":
      case "participant.added": {
        const at = state.participants.findIndex((p) => p.user_id === d.participant.user_id);
        if (at >= 0) state.participants[at] = d.participant;  // keep its place in lists
        else state.participants.push(d.participant);
        break;
      }
      case "participant.removed":
        state.participants = state.participants.filter((p) => p.user_id !== d.user_id); break;
      case "conclusion.saved": state.conclusions = place(state.conclusions, d.conclusion, "number"); break;
      case "conclusion.deleted":
        state.conclusions = place(state.conclusions.filter((x) => x.id !== d.conclusion_id), null, "number");
        state.tasks = state.tasks.filter((x) => d.task_ids.indexOf(x.id) < 0); break;
      case "task.assigned":
      case "task.updated":
        state.tasks = state.tasks.filter((x) => x.id !== d.task.id);
        state.tasks.push(d.task); break;
      case "publication.published":
        state.publications = state.publications.filter((x) => x.id !== d.publication.id)
          .map((x) => x.id === d.superseded_id
            ? Object.assign({}, x, { status: "superseded", superseded_by: d.publication.id }) : x);
        state.publications.push(d.publication); break;
      default:
        if (window.MeetingLive && window.MeetingLive.extra) window.MeetingLive.extra(state, event);
    }
  }

  function render() {
    document.dispatchEvent(new CustomEvent("meeting-state", { detail: state }));
  }

  function onMessage(message) {
    const msg = JSON.parse(message.data);
    if (msg.type === "snapshot") {
      state = msg.state; lastSeq = msg.seq;
    } else if (msg.type === "event") {
      if (lastSeq !== null && msg.seq <= lastSeq) return;  // duplicate
      if (state === null) return;
      apply(msg); lastSeq = msg.seq;
    } else {
      return;
    }
    sessionStorage.setItem(storeKey, String(lastSeq));
    render();
  }

  let reconnectTimer = null;
  let lastHeard = 0;

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (stopped) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + "/ws/meetings/" + meetingId);
    let opened = false;
    socket = ws;
    ws.onopen = function () {
      if (ws !== socket) return;
      opened = true;
      retry = 0;
      setStatus(true);
      everOpened = true;
      ws.send(JSON.stringify({ type: "hello", last_seq: state === null ? null : lastSeq }));
      clearInterval(pingTimer);
      lastHeard = Date.now();
      // Wi-Fi can die without a reset: no answer to our pings means the socket is gone.
      pingTimer = setInterval(() => {
        if (ws.readyState !== 1) return;
        if (Date.now() - lastHeard > 45000) { ws.close(); return; }
        ws.send('{"type":"ping"}');
      }, 15000);
      document.dispatchEvent(new CustomEvent("meeting-online"));
    };
    ws.onmessage = function (message) {
      if (ws !== socket) return;
      lastHeard = Date.now();
      if (showsOffline()) setStatus(true);  // messages flow: it is live, whatever was said
      onMessage(message);
    };
    ws.onclose = function (event) {
      if (ws !== socket || stopped) return;
      if (everOpened) wasOffline = true;  // it was open: say so when it is back
      setStatus(false);
      clearInterval(pingTimer);
      if (event.code === 1008) { location.reload(); return; }
      if (!opened && navigator.onLine) checkStanding();
      retry = Math.min(retry + 1, 4);  // at most about 4 s between attempts
      reconnectTimer = setTimeout(connect, Math.round(300 * Math.pow(1.8, retry) * (0.75 + Math.random() / 2)));
    };
  }

  window.MeetingLive = {
    state: () => state,
    lastSeq: () => lastSeq,
    send: (obj) => socket && socket.readyState === 1 && socket.send(JSON.stringify(obj)),
    // Signing out: no reconnection, and no reload when the server closes the socket (1008).
    stop: () => { stopped = true; clearTimeout(reconnectTimer); if (socket) socket.close(); },
    t: t,
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && socket && socket.readyState === WebSocket.CLOSED) connect();
  });
  connect();
})();
