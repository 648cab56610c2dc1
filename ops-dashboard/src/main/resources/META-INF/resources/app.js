/*
 * Second Heart operations view. No framework. After sign-in (POST api/session; the token is kept in sessionStorage and
 * sent as "Authorization: Bearer" on every call) the page reads one live stream, GET api/stream: server-sent events
 * read with fetch() and a stream parser, because EventSource cannot send an Authorization header. Each event is one
 * JSON message: overview, health, alarms, telemetry (on a clinic page) or heartbeat. The page redraws in place, never
 * reloads; a 401 anywhere returns to the sign-in form. Every value from the server goes into the page as text.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "sh.dashboard.token";
  var USER_KEY = "sh.dashboard.user";
  var STATES = ["IN_SESSION", "ONLINE", "FAULTED", "OFFLINE"];
  var STATE_LABELS = { ONLINE: "Idle", IN_SESSION: "Running", FAULTED: "Faulted", OFFLINE: "Offline", UNKNOWN: "Unknown" };
  var SOURCE_LABELS = {
    booking: "Booking service unavailable: clinic names and time zones may be missing.",
    gateway: "Device gateway unavailable: unit states are unknown; units are listed from their session records.",
    telemetry: "Telemetry service unavailable: session counts are missing (shown as –)."
  };
  var ZONE_COLOURS = {
    L: ["#1e3a8a", "#1d4ed8", "#3b82f6", "#60a5fa", "#93c5fd", "#bfdbfe", "#dbeafe", "#eff6ff"],
    R: ["#7f1d1d", "#b91c1c", "#ef4444", "#f87171", "#fca5a5", "#fecaca", "#fee2e2", "#fef2f2"]
  };
  var MAX_SAMPLES = 180;

  var token = null;
  var user = null;
  var pageConfig = { pollIntervalMs: 2000, signInEnabled: true };
  var overview = null;
  var health = null;
  var alarms = [];
  var pressures = {};      // unitId -> { sessionId, samples: [] }
  var charts = {};         // unitId -> { node, plot, key }
  var route = { view: "fleet", clinicId: null };
  var stream = null;       // AbortController of the open stream
  var streamWanted = null; // the clinic the open stream was opened for
  var reconnectTimer = null;
  var reconnectDelay = 1000;
  var lastMessageAt = 0;
  var lastOverviewKey = null;
  var lastTodayKey = null;
  var today = {};          // clinicId -> { bookings, noShows, utilization }
  var outcomes = {};       // clinicId -> the answer of api/outcomes, or "loading" / an error text
  var outcomesClinic = null;
  var lastAlarmsKey = null;
  var lastFailure = null;
  var notice = null;
  var serverOffsetMs = 0;  // server time minus this browser's, from the heartbeats: elapsed time on a tile is the server's
  // How the live stream fares, for people (the freshness line) and for the fleet acceptance test, which reads it:
  // errors counts every failure of the stream (network, HTTP, end), gaps every event id that did not follow the
  // previous one on the same connection, events every event received.
  // pressureClinics: the clinic of every unit whose pressures this page was sent.
  var live = window.shLive = { errors: 0, gaps: 0, events: 0, connections: 0, lastId: 0, lastError: null, pressureClinics: {} };
  var BASE_TITLE = document.title;

  // ---------- small DOM helpers ----------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "className") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key === "onclick") node.addEventListener("click", value);
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  function stateOf(state) { return STATE_LABELS[state] ? state : "UNKNOWN"; }

  function badge(state) {
    var known = stateOf(state);
    return el("span", { className: "badge state-" + known, "data-testid": "state-badge",
      text: known === "UNKNOWN" && state && state !== "UNKNOWN" ? state : STATE_LABELS[known] });
  }

  // ---------- formatting ----------

  function count(value) {
    return value === null || value === undefined ? "–" : Number(value).toLocaleString();
  }

  function ago(iso, nowMs) {
    if (!iso) return "–";
    var then = Date.parse(iso);
    if (isNaN(then)) return "–";
    var seconds = Math.round((nowMs - then) / 1000);
    if (seconds < 5) return "just now";
    if (seconds < 60) return seconds + " s ago";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min ago";
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + " h ago";
    return Math.floor(hours / 24) + " d ago";
  }

  function inZone(iso, timeZone, options) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    try {
      return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: timeZone || undefined }, options)).format(date);
    } catch (invalidZone) {
      return new Intl.DateTimeFormat(undefined, options).format(date);
    }
  }

  function exactTime(iso, timeZone) {
    return inZone(iso, timeZone, { dateStyle: "medium", timeStyle: "medium" }) + (timeZone ? " (" + timeZone + ")" : "");
  }

  // ---------- talking to the server ----------

  function api(path, options) {
    options = options || {};
    var headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    if (token) headers.Authorization = "Bearer " + token;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, { method: options.method || "GET", headers: headers, cache: "no-store",
      body: options.body === undefined ? undefined : JSON.stringify(options.body) })
      .then(function (response) {
        if (response.status === 401 && token) {
          signOut("Your sign-in has expired or is no longer valid; sign in again.");
        }
        return response.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (notJson) { body = null; }
          if (!response.ok) {
            var error = new Error(body && body.detail ? body.detail : "HTTP " + response.status);
            error.status = response.status;
            error.body = body;
            throw error;
          }
          return body;
        });
      });
  }

  // ---------- sign-in ----------

  function showSignIn(message) {
    byId("app").hidden = true;
    byId("sign-in").hidden = false;
    byId("sign-in-error").textContent = message || "";
    if (!pageConfig.signInEnabled) {
      byId("sign-in-hint").textContent = "Signing in with a password is off on this dashboard: sign in through your organisation's identity provider.";
    }
    byId("sign-in-username").focus();
  }

  function showApp() {
    byId("sign-in").hidden = true;
    byId("app").hidden = false;
    byId("who").textContent = user ? user.name + " · " + (user.roles || []).join(", ")
      + (user.clinics && user.clinics.length ? " · " + user.clinics.join(", ") : "") : "";
    route = parseRoute();
    render();
    openStream();
  }

  function signIn(event) {
    event.preventDefault();
    var username = byId("sign-in-username").value;
    var password = byId("sign-in-password").value;
    byId("sign-in-error").textContent = "";
    token = null;
    api("api/session", { method: "POST", body: { username: username, password: password } })
      .then(function (session) {
        token = session.token;
        user = session.user;
        sessionStorage.setItem(TOKEN_KEY, token);
        sessionStorage.setItem(USER_KEY, JSON.stringify(user));
        byId("sign-in-password").value = "";
        showApp();
      })
      .catch(function (error) {
        byId("sign-in-error").textContent = error.message || "Signing in failed.";
      });
  }

  function signOut(message) {
    closeStream();
    token = null;
    user = null;
    overview = null;
    health = null;
    alarms = [];
    pressures = {};
    charts = {};
    lastOverviewKey = null;
    lastAlarmsKey = null;
    lastTodayKey = null;
    today = {};
    outcomes = {};
    desk.clinicId = null;
    desk.day = null;
    desk.slots = null;
    desk.message = null;
    desk.moving = null;
    if (dialogNode() && dialogNode().open) closeDialog();
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    showSignIn(message);
  }

  // ---------- the live stream ----------

  function closeStream() {
    clearTimeout(reconnectTimer);
    if (stream) stream.abort();
    stream = null;
  }

  function openStream() {
    closeStream();
    if (!token) return;
    var controller = new AbortController();
    stream = controller;
    streamWanted = route.clinicId;
    var url = "api/stream" + (route.clinicId ? "?clinicId=" + encodeURIComponent(route.clinicId) : "");
    fetch(url, { headers: { Accept: "text/event-stream", Authorization: "Bearer " + token }, cache: "no-store",
      signal: controller.signal })
      .then(function (response) {
        if (response.status === 401) {
          console.warn("the live stream answered 401");
          signOut("Your sign-in has expired; sign in again.");
          return null;
        }
        if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
        reconnectDelay = 1000;
        live.connections++;
        live.lastId = 0;
        return read(response.body.getReader(), controller);
      })
      .catch(function (error) {
        if (controller.signal.aborted) return;
        lastFailure = error && error.message ? error.message : "network error";
        live.errors++;
        live.lastError = lastFailure;
        showFreshness();
        renderNotices();
        reconnectTimer = setTimeout(openStream, reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, 10000);
      });
  }

  /** Server-sent events: blocks separated by a blank line; the data: lines of a block make one JSON message. */
  function read(reader, controller) {
    var decoder = new TextDecoder();
    var buffer = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) throw new Error("the live stream ended");
        buffer += decoder.decode(chunk.value, { stream: true });
        var blocks = buffer.split(/\r?\n\r?\n/);
        buffer = blocks.pop();
        blocks.forEach(function (block) {
          var lines = block.split(/\r?\n/);
          lines.filter(function (line) { return line.indexOf("id:") === 0; }).forEach(function (line) {
            var id = Number(line.slice(3).trim());
            if (id !== live.lastId + 1) live.gaps++;
            live.lastId = id;
          });
          var data = lines
            .filter(function (line) { return line.indexOf("data:") === 0; })
            .map(function (line) { return line.slice(5).replace(/^ /, ""); })
            .join("\n");
          if (data) {
            try { receive(JSON.parse(data)); } catch (bad) { console.error("live message not shown", bad); }
          }
        });
        return controller.signal.aborted ? null : pump();
      });
    }
    return pump();
  }

  function receive(message) {
    lastMessageAt = Date.now();
    live.events++;
    if (lastFailure) { lastFailure = null; renderNotices(); }
    switch (message.type) {
      case "overview":
        // Redraw only what changed: the same fleet again (every poll) leaves the page, and what is hovered, alone.
        var key = JSON.stringify(Object.assign({}, message.data, { generatedAt: null }));
        if (key !== lastOverviewKey) { lastOverviewKey = key; overview = message.data; render(); }
        break;
      case "health": health = message.data; if (route.view === "health") render(); break;
      case "today":
        var todayKey = JSON.stringify(message.data || []);
        if (todayKey !== lastTodayKey) {
          lastTodayKey = todayKey;
          today = {};
          (message.data || []).forEach(function (day) { today[day.clinicId] = day; });
          if (route.view === "fleet" || route.view === "clinic") render();
          // Bookings made elsewhere (another desk, booking's API) move today's figures: the desk reads its day again.
          if (route.view === "desk") loadDesk(0);
        }
        break;
      case "desk": onDeskSignal(message.data); break;
      case "alarms":
        var alarmsKey = JSON.stringify(message.data || []);
        if (alarmsKey !== lastAlarmsKey) { lastAlarmsKey = alarmsKey; alarms = message.data || []; renderAlarms(); }
        break;
      case "telemetry": addPressure(message.data); break;
      case "heartbeat":
        var serverNow = Date.parse(message.data);
        if (!isNaN(serverNow)) serverOffsetMs = serverNow - Date.now();
        if (route.view === "fleet" || route.view === "clinic") refreshClocks();
        break;
      default: break;
    }
    showFreshness();
  }

  function showFreshness() {
    var pulse = byId("pulse");
    var updated = byId("updated");
    if (!lastMessageAt) {
      pulse.setAttribute("data-connection", lastFailure ? "stale" : "connecting");
      updated.textContent = lastFailure ? "No data yet · reconnecting" : "Connecting…";
      return;
    }
    var stale = lastFailure || Date.now() - lastMessageAt > 40000;
    pulse.setAttribute("data-connection", stale ? "stale" : "live");
    updated.textContent = (stale ? "Reconnecting · last update " : "Live · updated ") + new Date(lastMessageAt).toLocaleTimeString();
  }

  // ---------- routes ----------

  function parseRoute() {
    var hash = location.hash.replace(/^#\/?/, "");
    var parts = hash.split("/");
    if (parts[0] === "clinic" && parts[1]) return { view: "clinic", clinicId: decodeURIComponent(parts[1]) };
    if (parts[0] === "health") return { view: "health", clinicId: null };
    if (parts[0] === "outcomes") return { view: "outcomes", clinicId: null };
    if (parts[0] === "desk") {
      return { view: "desk", clinicId: parts[1] ? decodeURIComponent(parts[1]) : null,
        date: /^\d{4}-\d{2}-\d{2}$/.test(parts[2] || "") ? parts[2] : null };
    }
    return { view: "fleet", clinicId: null };
  }

  function onRoute() {
    if (!token) return;
    route = parseRoute();
    render();
    if (route.clinicId !== streamWanted) {
      pressures = {};
      charts = {};
      openStream();
    }
  }

  // ---------- rendering ----------

  function render() {
    document.querySelectorAll(".tabs a").forEach(function (link) {
      if (link.getAttribute("data-view") === "desk") link.hidden = !mayUseDesk();
      link.classList.toggle("active", link.getAttribute("data-view") === route.view
        || (route.view === "clinic" && link.getAttribute("data-view") === "fleet"));
    });
    byId("crumb").textContent = "";
    renderNotices();
    if (!overview) return;
    renderFleet(overview.fleet || {});
    var view = byId("view");
    if (route.view === "health") {
      view.replaceChildren(healthPanel());
    } else if (route.view === "outcomes") {
      view.replaceChildren(outcomesPanel());
    } else if (route.view === "desk") {
      renderDesk();
    } else if (route.view === "clinic") {
      view.replaceChildren(clinicPage());
    } else {
      view.replaceChildren(fleetPage());
    }
  }

  function renderFleet(fleet) {
    byId("fleet-clinics").textContent = count(fleet.clinics);
    byId("fleet-units").textContent = count(fleet.units);
    STATES.forEach(function (state) {
      byId("fleet-state-" + state).textContent = count((fleet.byState || {})[state] || 0);
    });
    byId("fleet-completed").textContent = count(fleet.completedSessions);
  }

  function renderNotices() {
    var notices = [];
    if (lastFailure) {
      notices.push(el("div", { className: "notice error", "data-testid": "notice-dashboard",
        text: "The live connection to the dashboard is down (" + lastFailure + "). Showing the last known state; reconnecting." }));
    }
    if (notice) notices.push(el("div", { className: "notice", "data-testid": "notice-action", text: notice }));
    var sources = overview && overview.sources;
    Object.keys(SOURCE_LABELS).forEach(function (source) {
      if (sources && sources[source] === "unavailable") {
        notices.push(el("div", { className: "notice", "data-testid": "notice-" + source, text: SOURCE_LABELS[source] }));
      }
    });
    byId("notices").replaceChildren.apply(byId("notices"), notices);
  }

  function fact(label, value, title, extraClass) {
    return [el("dt", { text: label }), el("dd", { text: value, title: title || null, className: extraClass || null })];
  }

  var MODE_LABELS = { GRADIENT_SEQUENTIAL: "Gradient sequential", PERISTALTIC: "Peristaltic wave", PULSE: "Pulse" };

  function minutesSeconds(seconds) {
    var whole = Math.max(0, Math.round(seconds));
    var minutes = Math.floor(whole / 60);
    var rest = whole % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  /** Elapsed and remaining time of a running session, counted from when the gateway took its start in. */
  function sessionClock(session, nowMs) {
    var started = Date.parse(session.receivedAt || session.startedAt);
    var elapsed = isNaN(started) ? 0 : Math.max(0, (nowMs + serverOffsetMs - started) / 1000);
    elapsed = Math.min(elapsed, session.plannedSeconds);
    return minutesSeconds(elapsed) + " elapsed · " + minutesSeconds(session.plannedSeconds - elapsed) + " left";
  }

  function sessionFacts(session, nowMs) {
    if (!session) return [];
    return [].concat(
      fact("Program", (MODE_LABELS[session.mode] || session.mode || "–") + " · intensity " + session.intensity),
      fact("Time", sessionClock(session, nowMs), null, "session-clock"),
      fact("Booking", session.bookingId ? session.bookingId : "none (started on the unit)", "Pseudonymous booking id", "mono")
    );
  }

  /** Once a second or so the running tiles' clocks move on, without redrawing the page. */
  function refreshClocks() {
    if (!overview) return;
    var nowMs = Date.now();
    (overview.clinics || []).forEach(function (clinic) {
      (clinic.units || []).forEach(function (unit) {
        if (!unit.session) return;
        var tile = document.querySelector('[data-unit-id="' + CSS.escape(unit.unitId) + '"] .session-clock');
        if (tile) tile.textContent = sessionClock(unit.session, nowMs);
        document.querySelectorAll('.desk-clock[data-unit-id="' + CSS.escape(unit.unitId) + '"]').forEach(function (clock) {
          clock.textContent = sessionClock(unit.session, nowMs);
        });
      });
    });
  }

  function unitTile(unit, clinic, nowMs, withWaveform) {
    var state = stateOf(unit.state);
    var running = state === "IN_SESSION" && unit.session ? unit.session : null;
    var facts = [].concat(sessionFacts(running, nowMs),
      fact("Last seen", ago(unit.lastSeen, nowMs), unit.lastSeen ? exactTime(unit.lastSeen, clinic.timeZone) : null),
      fact("Firmware", unit.firmware || "–", null, "mono"),
      fact("Completed", count(unit.completedSessions)),
      fact("Aborted", count(unit.abortedSessions)),
      fact("Last ended", ago(unit.lastSessionEndedAt, nowMs),
        unit.lastSessionEndedAt ? exactTime(unit.lastSessionEndedAt, clinic.timeZone) : null)
    );
    var since = unit.stateSince ? STATE_LABELS[state] + " since " + exactTime(unit.stateSince, clinic.timeZone) : null;
    return el("article", {
      className: "unit",
      "data-testid": "unit-" + unit.unitId,
      "data-unit-id": unit.unitId,
      "data-state": unit.state || "UNKNOWN",
      "data-session-id": running ? running.sessionId : null,
      "data-booking-id": running && running.bookingId ? running.bookingId : null,
      title: since
    }, [
      el("div", { className: "unit-top" }, [el("span", { className: "unit-id", text: unit.unitId }), badge(unit.state)]),
      el("div", { className: "unit-model", text: unit.model || "Model unknown" }),
      el("dl", { className: "unit-facts" }, facts),
      withWaveform ? waveform(unit) : null,
      withWaveform && mayStopUnits() && state !== "OFFLINE" && state !== "DECOMMISSIONED"
        ? el("button", { type: "button", className: "estop", "data-testid": "estop-" + unit.unitId,
            "aria-label": "Emergency stop of unit " + unit.unitId, text: "Emergency stop",
            onclick: function () { emergencyStop(unit.unitId); } })
        : null
    ]);
  }

  // Fleet admins and the unit's own clinic staff (the gateway decides which units); operations watch only.
  function mayStopUnits() {
    return !!(user && (user.roles || []).some(function (role) { return role === "fleet-admin" || role === "clinic-staff"; }));
  }

  function emergencyStop(unitId) {
    if (!window.confirm("Emergency stop of unit " + unitId + "?\n\nEvery zone vents at once and a running session "
        + "ends. The unit stays stopped until someone acknowledges the EMERGENCY_STOP alarm once the boots are empty.")) {
      return;
    }
    notice = null;
    api("api/units/" + encodeURIComponent(unitId) + "/emergency-stop", { method: "POST" })
      .then(function (pressed) {
        notice = "Emergency stop sent to unit " + unitId + " (" + (pressed.state || "sent").toLowerCase()
          + "); its alarm appears in the feed when the unit reports it.";
        renderNotices();
      })
      .catch(function (error) {
        if (error.status === 401) return;
        notice = "The emergency stop of unit " + unitId + " failed: " + error.message;
        renderNotices();
      });
  }

  function clinicCard(clinic, nowMs, detailed) {
    var totals = clinic.totals || {};
    var byState = totals.byState || {};
    var registered = clinic.name !== null && clinic.name !== undefined;
    var clinicId = clinic.clinicId === null || clinic.clinicId === undefined ? "" : clinic.clinicId;

    var meta = [el("span", { className: "id", text: clinicId || "no clinic" })];
    if (clinic.timeZone) meta.push(" · " + clinic.timeZone);
    if (!registered) meta.push(" · ", el("span", { className: "warn", text: clinicId ? "not in booking" : "units without a clinic" }));

    var stateCounts = STATES.filter(function (state) { return byState[state] > 0; }).map(function (state) {
      return el("span", { className: "badge count state-" + state, "data-testid": "clinic-count-" + state,
        text: byState[state] + " " + STATE_LABELS[state].toLowerCase() });
    });
    if (byState.UNKNOWN > 0) {
      stateCounts.push(el("span", { className: "badge count state-UNKNOWN", text: byState.UNKNOWN + " unknown" }));
    }

    var units = (clinic.units || []).map(function (unit) { return unitTile(unit, clinic, nowMs, detailed); });
    var title = registered ? clinic.name : (clinicId || "Unassigned units");

    return el("section", {
      className: "clinic" + ((byState.FAULTED || 0) > 0 ? " has-fault" : ""),
      "data-testid": "clinic-" + clinicId,
      "data-clinic-id": clinicId,
      "aria-label": title
    }, [
      el("header", { className: "clinic-head" }, [
        el("div", null, [
          el("h2", { className: "clinic-name" }, [clinicId && !detailed
            ? el("a", { href: "#/clinic/" + encodeURIComponent(clinicId), "data-testid": "open-clinic-" + clinicId, text: title })
            : title]),
          el("div", { className: "clinic-meta" }, meta)
        ]),
        clinic.timeZone ? el("div", { className: "clinic-time" }, [
          el("strong", { text: inZone(new Date(nowMs).toISOString(), clinic.timeZone, { hour: "2-digit", minute: "2-digit" }) }),
          "local time"
        ]) : null
      ]),
      el("div", { className: "clinic-totals", "data-testid": "totals" }, [
        el("span", null, [el("span", { className: "num", text: count(totals.units) }), totals.units === 1 ? " unit" : " units"]),
        el("span", { className: "states" }, stateCounts),
        el("span", null, [el("span", { className: "num", "data-testid": "totals-completed", text: count(totals.completedSessions) }), " completed"]),
        el("span", null, [el("span", { className: "num", text: count(totals.abortedSessions) }), " aborted"]),
        el("span", null, [el("span", { className: "num", "data-testid": "totals-running", text: count(byState.IN_SESSION || 0) }), " running"]),
        el("span", { title: totals.lastSessionEndedAt ? exactTime(totals.lastSessionEndedAt, clinic.timeZone) : null },
          ["last ended ", el("span", { className: "num", text: ago(totals.lastSessionEndedAt, nowMs) })]),
        todayLine(clinicId)
      ]),
      units.length ? el("div", { className: "units" }, units) : el("div", { className: "no-units", text: "No units registered here." })
    ]);
  }

  function todayLine(clinicId) {
    var day = today[clinicId] || {};
    var utilization = day.utilization === null || day.utilization === undefined ? "–" : Math.round(day.utilization * 100) + " %";
    return el("span", { className: "clinic-today", "data-testid": "today-" + clinicId,
      title: "Today (the clinic's local day): bookings not cancelled, and run minutes over the opening minutes of the units that ran" }, [
      el("span", { className: "num", "data-testid": "today-bookings-" + clinicId, text: count(day.bookings) }), " bookings today · ",
      el("span", { className: "num", "data-testid": "today-utilization-" + clinicId, text: utilization }), " utilization"]);
  }

  function fleetPage() {
    var nowMs = Date.now();
    var cards = (overview.clinics || []).map(function (clinic) { return clinicCard(clinic, nowMs, false); });
    if (!cards.length) {
      var sources = overview.sources || {};
      cards = [el("p", { className: "empty", text: sources.booking === "unavailable" && sources.gateway === "unavailable"
        ? "Neither booking nor the gateway can be reached, so no clinics can be shown."
        : "No clinics or units are registered yet, or none that you may see." })];
    }
    return el("div", { className: "clinics", id: "clinics", "data-testid": "clinics" }, cards);
  }

  function clinicPage() {
    var clinic = (overview.clinics || []).filter(function (c) { return c.clinicId === route.clinicId; })[0];
    byId("crumb").textContent = "› " + (clinic ? clinic.name || clinic.clinicId : route.clinicId);
    if (!clinic) {
      return el("div", { className: "clinic-page" }, [el("p", { className: "empty",
        text: "This clinic is not in the fleet, or you may not see it." })]);
    }
    return el("div", { className: "clinic-page", "data-testid": "clinic-page" }, [clinicCard(clinic, Date.now(), true)]);
  }

  // ---------- live pressure waveforms ----------

  function addPressure(sample) {
    live.pressureClinics[sample.unitId] = sample.clinicId;
    var entry = pressures[sample.unitId];
    if (!entry || entry.sessionId !== sample.sessionId) {
      entry = pressures[sample.unitId] = { sessionId: sample.sessionId, samples: [] };
    }
    var last = entry.samples[entry.samples.length - 1];
    if (last && Date.parse(last.deviceTime) >= Date.parse(sample.deviceTime)) return;
    entry.samples.push(sample);
    if (entry.samples.length > MAX_SAMPLES) entry.samples.shift();
    updateChart(sample.unitId);
  }

  function seriesKeys(samples) {
    var keys = {};
    samples.forEach(function (sample) {
      (sample.zones || []).forEach(function (zone) { keys[zone.leg + zone.zone] = { leg: zone.leg, zone: zone.zone }; });
    });
    return Object.keys(keys).sort(function (a, b) {
      return a[0] === b[0] ? keys[a].zone - keys[b].zone : (a[0] < b[0] ? -1 : 1);
    }).map(function (key) { return keys[key]; });
  }

  function chartData(samples, keys) {
    var xs = samples.map(function (sample) { return Date.parse(sample.deviceTime) / 1000; });
    var ys = keys.map(function (key) {
      return samples.map(function (sample) {
        var zone = (sample.zones || []).filter(function (z) { return z.leg === key.leg && z.zone === key.zone; })[0];
        return zone ? zone.mean : null;
      });
    });
    return [xs].concat(ys);
  }

  function waveform(unit) {
    var holder = charts[unit.unitId];
    var running = unit.state === "IN_SESSION";
    var entry = pressures[unit.unitId];
    if (holder && holder.node) {
      holder.node.setAttribute("data-running", running ? "true" : "false");
      return holder.node;
    }
    var node = el("div", { className: "waveform", "data-testid": "waveform-" + unit.unitId, "data-running": running ? "true" : "false" });
    charts[unit.unitId] = { node: node, plot: null, key: null };
    if (entry && entry.samples.length) {
      setTimeout(function () { updateChart(unit.unitId); }, 0);
    } else {
      node.appendChild(el("div", { className: "none", text: running ? "Waiting for the unit's pressures…" : "No session running." }));
    }
    return node;
  }

  function updateChart(unitId) {
    var holder = charts[unitId];
    var entry = pressures[unitId];
    if (!holder || !entry || !entry.samples.length || typeof uPlot !== "function") return;
    var keys = seriesKeys(entry.samples);
    var key = entry.sessionId + "|" + keys.map(function (k) { return k.leg + k.zone; }).join(",");
    var data = chartData(entry.samples, keys);
    holder.node.setAttribute("data-samples", String(entry.samples.length));
    if (holder.plot && holder.key === key) {
      holder.plot.setData(data);
      return;
    }
    if (holder.plot) holder.plot.destroy();
    holder.node.replaceChildren();
    var width = Math.max(260, (holder.node.parentNode && holder.node.parentNode.clientWidth - 26) || 300);
    holder.plot = new uPlot({
      width: width,
      height: 170,
      scales: { x: { time: true }, y: { range: [0, 110] } },
      axes: [{ size: 28 }, { label: "mmHg", size: 44 }],
      legend: { show: true, live: false },
      cursor: { show: false },
      series: [{}].concat(keys.map(function (k) {
        return { label: k.leg + k.zone, stroke: (ZONE_COLOURS[k.leg] || ZONE_COLOURS.L)[Math.min(k.zone - 1, 7)], width: 1.5, points: { show: false } };
      }))
    }, data, holder.node);
    holder.key = key;
  }

  // ---------- alarms ----------

  // Plain words beside each fault code (pressure-sequencer's FaultCode; docs/safety.md has the alarm table).
  var FAULT_LABELS = {
    OVER_PRESSURE: "a zone went above the hard cap",
    PRESSURE_DEVIATION: "a zone stayed too far from its set point",
    INFLATION_TIMEOUT: "a zone did not fill in time: leak, hose off or pump failure",
    LEAK: "a holding zone kept losing pressure: leak",
    VALVE_FAULT: "a zone rose with its inlet closed: valve stuck open or sensor drifting",
    SENSOR_FAULT: "a pressure sensor reads implausibly",
    LOOP_OVERRUN: "the control loop fell behind",
    INTERNAL_ERROR: "the unit's control software failed",
    EMERGENCY_STOP: "the emergency stop was pressed",
    // not a unit fault: the gateway's EVENTS_MISSING (GET /events/missing)
    EVENTS_MISSING: "events from the unit never reached the platform; its sessions may be incomplete",
    // not a unit fault: the gateway's UNIT_STATE_LOST (GET /events/conflicts)
    UNIT_STATE_LOST: "the unit lost its stored data; events it numbered again are kept aside at the gateway"
  };

  // The heading of an alarm: its kind in plain words, and for faults and missing events the code's label.
  function alarmTitle(alarm) {
    if (alarm.kind === "OFFLINE") return "Offline";
    var label = FAULT_LABELS[alarm.code] ? " (" + FAULT_LABELS[alarm.code] + ")" : "";
    if (alarm.kind === "EVENTS_MISSING") return "Events missing" + label;
    if (alarm.kind === "UNIT_STATE_LOST") return "Unit state lost" + label;
    return "Fault " + (alarm.code || "") + label;
  }

  function renderAlarms() {
    var open = alarms.filter(function (alarm) { return alarm.status !== "RESOLVED"; });
    byId("alarm-count").textContent = String(open.length);
    // The same number as the badge: alarms not yet resolved (acknowledged or not)
    document.title = (open.length ? "(" + open.length + ") " : "") + BASE_TITLE;
    var nowMs = Date.now();
    var items = alarms.map(function (alarm) {
      var children = [
        el("div", { className: "alarm-head" }, [
          el("span", { text: alarmTitle(alarm) + " · " + alarm.unitId }),
          el("span", { className: "alarm-meta", text: ago(alarm.raisedAt, nowMs) })
        ]),
        el("div", { text: alarm.detail || "" }),
        el("div", { className: "alarm-meta", text: (alarm.clinicId || "") + " · " + alarm.status.toLowerCase()
          + (alarm.acknowledgedBy ? " by " + alarm.acknowledgedBy : "") + (alarm.note ? " · “" + alarm.note + "”" : "") })
      ];
      if (alarm.status === "ACTIVE") {
        children.push(el("button", { type: "button", "data-testid": "acknowledge",
          text: alarm.kind === "FAULT" ? "Acknowledge (clears the fault on the unit)" : "Acknowledge",
          onclick: function () { acknowledge(alarm); } }));
      }
      return el("li", { className: "alarm alarm-kind-" + alarm.kind, "data-testid": "alarm", "data-alarm-id": alarm.alarmId,
        "data-status": alarm.status, "data-unit-id": alarm.unitId }, children);
    });
    if (!items.length) items = [el("li", { className: "alarm-none", text: "No alarms. Every unit is well." })];
    byId("alarm-feed").replaceChildren.apply(byId("alarm-feed"), items);
  }

  function acknowledge(alarm) {
    notice = null;
    api("api/alarms/" + encodeURIComponent(alarm.alarmId) + "/acknowledge", { method: "POST", body: { note: null } })
      .then(function (updated) {
        alarms = alarms.map(function (a) { return a.alarmId === updated.alarmId ? updated : a; });
        lastAlarmsKey = JSON.stringify(alarms);
        renderAlarms();
      })
      .catch(function (error) {
        if (error.status === 401) return;
        notice = "The alarm was not acknowledged: " + error.message;
        renderNotices();
      });
  }

  // ---------- fleet health and outcomes ----------

  function healthPanel() {
    if (!health) return el("div", { className: "panel", text: "Reading fleet health…" });
    var rows = health.clinics.map(function (rate) {
      return el("tr", { "data-testid": "health-" + rate.clinicId }, [
        el("td", { text: rate.name || rate.clinicId }),
        el("td", { text: count(rate.sessions) }),
        el("td", { text: count(rate.faults) }),
        el("td", { text: rate.faultsPer100Sessions === null ? "–" : String(rate.faultsPer100Sessions) })
      ]);
    });
    var fleet = health.fleet;
    rows.push(el("tr", { className: "total" }, [el("th", { text: "Fleet" }), el("th", { text: count(fleet.sessions) }),
      el("th", { text: count(fleet.faults) }),
      el("th", { "data-testid": "health-fleet-rate", text: fleet.faultsPer100Sessions === null ? "–" : String(fleet.faultsPer100Sessions) })]));
    var firmware = Object.keys(health.firmware || {}).map(function (version) {
      return el("tr", null, [el("td", { className: "mono", text: version }), el("td", { text: String(health.firmware[version]) })]);
    });
    var quiet = (health.notSeen || []).map(function (unit) {
      return el("tr", null, [el("td", { text: unit.unitId }), el("td", { text: unit.clinicId }),
        el("td", { text: STATE_LABELS[stateOf(unit.state)] }), el("td", { text: unit.lastSeen ? exactTime(unit.lastSeen) : "never" })]);
    });
    return el("div", { "data-testid": "health" }, [
      el("section", { className: "panel" }, [el("h2", { text: "Faults per 100 sessions" }),
        el("table", null, [el("thead", null, [el("tr", null, [el("th", { text: "Clinic" }), el("th", { text: "Sessions (n)" }),
          el("th", { text: "Faults" }), el("th", { text: "per 100 sessions" })])]), el("tbody", null, rows)]),
        el("p", { className: "note", text: "Sessions are completed and aborted sessions; faults are every fault the units raised (the gateway's journal). – means not known yet." })]),
      el("section", { className: "panel" }, [el("h2", { text: "Firmware versions" }),
        el("table", null, [el("tbody", null, firmware)])]),
      el("section", { className: "panel", "data-testid": "health-not-seen" }, [el("h2", { text: "Units not seen for " + health.notSeenAfterHours + " hours" }),
        quiet.length ? el("table", null, [el("tbody", null, quiet)]) : el("p", { className: "note", text: "Every unit was seen within the last " + health.notSeenAfterHours + " hours." })])
    ]);
  }

  var PROGRAM_LABELS = { GRADIENT_SEQUENTIAL: "Gradient sequential", PERISTALTIC: "Peristaltic wave", PULSE: "Pulse" };

  function outcomesPanel() {
    var clinics = (overview.clinics || []).filter(function (c) { return c.clinicId; });
    if (!outcomesClinic || !clinics.some(function (c) { return c.clinicId === outcomesClinic; })) {
      outcomesClinic = clinics.length ? clinics[0].clinicId : null;
    }
    var select = el("select", { "data-testid": "outcomes-clinic" }, clinics.map(function (c) {
      return el("option", { value: c.clinicId, selected: c.clinicId === outcomesClinic, text: c.name || c.clinicId });
    }));
    select.addEventListener("change", function () { outcomesClinic = select.value; render(); });
    var body = [];
    var answer = outcomesClinic ? outcomes[outcomesClinic] : null;
    if (!outcomesClinic) {
      body.push(el("p", { text: "No clinic to show." }));
    } else if (answer === undefined || answer === null) {
      loadOutcomes(outcomesClinic);
      body.push(el("p", { className: "note", text: "Reading outcomes…" }));
    } else if (typeof answer === "string") {
      body.push(el("p", { className: "note", text: answer }));
    } else if (!answer.available) {
      body.push(el("p", { "data-testid": "outcomes-empty", text: "Outcomes are unavailable: telemetry-service could not be asked. They appear here when it answers." }));
    } else if (!answer.series.length) {
      body.push(el("p", { "data-testid": "outcomes-empty", text: "No outcome data yet for this clinic between " + answer.from + " and " + answer.to
        + ": outcomes appear once staff record swelling measurements before and after sessions." }));
    } else {
      answer.series.forEach(function (series) { body.push(outcomeChart(series)); });
    }
    if (answer && answer.notes && answer.notes.length) {
      body.push(el("ul", { className: "note" }, answer.notes.map(function (note) { return el("li", { text: note }); })));
    }
    return el("section", { className: "panel", "data-testid": "outcomes" }, [
      el("h2", { text: "Swelling outcomes per clinic and program, last 30 days" }),
      el("p", { className: "note", text: "Median percent change per day with its interquartile range; n is the number of outcomes behind each point. "
        + "Legs also lose volume with rest alone, so compare programs and clinics, never a bare number." }),
      select
    ].concat(body));
  }

  function loadOutcomes(clinicId) {
    outcomes[clinicId] = "Reading outcomes…";
    api("api/outcomes?clinicId=" + encodeURIComponent(clinicId) + "&days=30")
      .then(function (answer) { outcomes[clinicId] = answer; })
      .catch(function (error) { outcomes[clinicId] = "Outcomes could not be read: " + error.message; })
      .finally(function () { if (route.view === "outcomes") render(); });
  }

  function outcomeChart(series) {
    var holder = el("div", { className: "outcome-chart" });
    var xs = series.points.map(function (p) { return Date.parse(p.day + "T12:00:00Z") / 1000; });
    var data = [xs,
      series.points.map(function (p) { return p.median; }),
      series.points.map(function (p) { return p.q1; }),
      series.points.map(function (p) { return p.q3; })];
    setTimeout(function () {
      if (typeof uPlot !== "function") return;
      new uPlot({ width: Math.max(320, holder.clientWidth || 600), height: 180, scales: { x: { time: true } },
        axes: [{}, { label: "% change", size: 50 }], cursor: { show: false },
        series: [{}, { label: "median", stroke: "#b4232f", width: 2, points: { show: true, size: 6 } },
          { label: "q1", stroke: "#f0a9a2", width: 1, dash: [4, 4] }, { label: "q3", stroke: "#f0a9a2", width: 1, dash: [4, 4] }] },
        data, holder);
    }, 0);
    var rows = series.points.map(function (p) {
      return el("tr", null, [el("td", { text: p.day }), el("td", { "data-testid": "outcome-n", text: String(p.n) }),
        el("td", { text: p.median === null ? "–" : p.median.toFixed(1) + " %" }),
        el("td", { text: p.q1 === null || p.q3 === null ? "–" : p.q1.toFixed(1) + " … " + p.q3.toFixed(1) + " %" }),
        el("td", { text: p.shareMeaningful === null || p.shareMeaningful === undefined ? "–" : Math.round(p.shareMeaningful * 100) + " %" })]);
    });
    return el("div", { className: "outcome", "data-testid": "outcome-" + series.program + "-" + series.measure }, [
      el("h3", { text: (PROGRAM_LABELS[series.program] || series.program) + " · " + series.measure.toLowerCase().replace(/_/g, " ") }),
      holder,
      el("table", null, [el("thead", null, [el("tr", null, [el("th", { text: "Day" }), el("th", { text: "n" }),
        el("th", { text: "Median" }), el("th", { text: "Middle half" }), el("th", { text: "Beyond measurement error" })])]),
        el("tbody", null, rows)])
    ]);
  }

  // ---------- the front desk ----------
  //
  // One clinic's local day per resource (GET api/desk/clinics/{id}/day), free starts of the chosen service
  // (api/desk/clinics/{id}/availability), and booking, screening, check-in, completion and measurements through the
  // dashboard's /api/desk calls, which act with this person's token. Clinic staff write; operations read. The day is
  // read again when the stream says the clinic's desk changed ("desk"), when today's figures move, and after every
  // action here; unit states and running sessions come straight from the live overview.

  var CONTRAINDICATIONS = [
    ["DVT", "Suspected or confirmed deep vein thrombosis (DVT)"],
    ["INFLAMMATORY_PHLEBITIS", "Inflammatory phlebitis"],
    ["PULMONARY_EMBOLISM", "Pulmonary embolism"],
    ["UNCONTROLLED_HEART_FAILURE", "Uncontrolled heart failure"],
    ["ACUTE_PULMONARY_OEDEMA", "Acute pulmonary oedema"],
    ["UNTREATED_LIMB_INFECTION", "Untreated infection in a leg"],
    ["LIMB_FRACTURE_OR_OPEN_WOUND", "A fracture or an open wound in a leg"],
    ["ISCHAEMIC_VASCULAR_DISEASE", "Ischaemic vascular disease"]
  ];
  var BOOKING_LABELS = { BOOKED: "Booked", CHECKED_IN: "Checked in", IN_SESSION: "In session", COMPLETED: "Completed",
    CANCELLED: "Cancelled", NO_SHOW: "No-show" };
  var RESOURCE_LABELS = { BOOT_UNIT: "Boot unit", MASSAGE_ROOM: "Massage room", THERAPIST: "Therapist" };
  var SLOTS_SHOWN = 6;
  // A free start this close to now is offered as a walk-in ("book now").
  var WALK_IN_MS = 15 * 60000;

  var desk = { clinicId: null, date: null, day: null, serviceId: null, slots: null, slotsKey: null, error: null,
    message: null, messageIsError: false, versions: {}, moving: null, more: {}, loading: false, reloadTimer: null };
  var dialog = { kind: null, state: null };

  function isStaff() { return !!(user && (user.roles || []).indexOf("clinic-staff") >= 0); }
  function mayUseDesk() {
    return !!(user && (user.roles || []).some(function (role) { return role === "clinic-staff" || role === "operations"; }));
  }

  function deskClinics() {
    return ((overview && overview.clinics) || []).filter(function (c) { return c.clinicId && c.name; });
  }

  function localTime(iso, zone) { return inZone(iso, zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }); }

  function localDay(iso, zone) {
    // en-CA formats a date as YYYY-MM-DD
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
    } catch (badZone) {
      return new Date(iso).toISOString().slice(0, 10);
    }
  }

  function shiftDate(date, days) {
    var d = new Date(date + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function announce(text, isError) {
    desk.message = text;
    desk.messageIsError = !!isError;
    var node = byId("desk-announce");
    if (node) {
      node.textContent = text || "";
      node.className = "desk-announce" + (isError ? " error" : "");
      node.setAttribute("data-kind", isError ? "error" : "info");
    }
  }

  function loadDesk(delayMs) {
    clearTimeout(desk.reloadTimer);
    if (delayMs) { desk.reloadTimer = setTimeout(function () { loadDesk(0); }, delayMs); return; }
    if (!desk.clinicId || !token) return;
    var clinicId = desk.clinicId;
    var date = desk.date;
    desk.loading = true;
    api("api/desk/clinics/" + encodeURIComponent(clinicId) + "/day" + (date ? "?date=" + encodeURIComponent(date) : ""))
      .then(function (day) {
        if (clinicId !== desk.clinicId) return;
        desk.day = day;
        desk.date = day.date;
        desk.error = null;
        var services = day.services || [];
        if (!services.some(function (s) { return s.serviceId === desk.serviceId; })) {
          desk.serviceId = services.length ? services[0].serviceId : null;
        }
        return loadSlots();
      })
      .catch(function (error) {
        if (error.status === 401) return;
        desk.error = "The day could not be read: " + error.message;
      })
      .finally(function () {
        desk.loading = false;
        if (route.view === "desk") renderDesk();
      });
  }

  function loadSlots() {
    if (!desk.serviceId || !desk.day) { desk.slots = null; return Promise.resolve(); }
    var key = desk.clinicId + "|" + desk.serviceId + "|" + desk.day.date;
    return api("api/desk/clinics/" + encodeURIComponent(desk.clinicId) + "/availability?serviceId="
        + encodeURIComponent(desk.serviceId) + "&date=" + encodeURIComponent(desk.day.date))
      .then(function (answer) { desk.slots = answer; desk.slotsKey = key; })
      .catch(function (error) {
        desk.slots = null;
        if (error.status !== 401) desk.error = "Free times could not be read: " + error.message;
      });
  }

  function onDeskSignal(versions) {
    versions = versions || {};
    if (route.view !== "desk" || !desk.clinicId) { desk.versions = versions; return; }
    var was = desk.versions[desk.clinicId];
    desk.versions = versions;
    if (versions[desk.clinicId] !== was) {
      loadDesk(0);
      // booking-service applies the same unit event through its own intake: read once more a moment later
      setTimeout(function () { if (route.view === "desk") loadDesk(0); }, 3000);
    }
  }

  function serviceById(id) {
    return ((desk.day && desk.day.services) || []).filter(function (s) { return s.serviceId === id; })[0] || null;
  }

  function resourceById(id) {
    return ((desk.day && desk.day.resources) || []).filter(function (r) { return r.resourceId === id; })[0] || null;
  }

  function liveUnit(unitId) {
    var found = null;
    ((overview && overview.clinics) || []).forEach(function (clinic) {
      (clinic.units || []).forEach(function (unit) { if (unit.unitId === unitId) found = unit; });
    });
    return found;
  }

  function unitStateOf(resource) {
    if (!resource.unitId) return null;
    var unit = liveUnit(resource.unitId);
    return unit && unit.state ? unit.state : (resource.unitState || "UNKNOWN");
  }

  function clientLabel(booking) {
    if (booking.clientName) return booking.clientName;
    return desk.day && desk.day.namesShown ? "Client (name not found)" : "Client " + String(booking.clientId || "").slice(0, 8);
  }

  function deskPanel() {
    var clinics = deskClinics();
    if (!mayUseDesk()) {
      return el("section", { className: "panel", "data-testid": "desk" }, [el("p", { text: "The desk is for clinic staff and operations." })]);
    }
    if (!route.clinicId || !clinics.some(function (c) { return c.clinicId === route.clinicId; })) {
      if (clinics.length) {
        location.replace("#/desk/" + encodeURIComponent(clinics[0].clinicId));
        return el("section", { className: "panel", "data-testid": "desk" }, [el("p", { text: "Opening the desk…" })]);
      }
      return el("section", { className: "panel", "data-testid": "desk" }, [el("p", { text: "No clinic to show." })]);
    }
    if (desk.clinicId !== route.clinicId || desk.routeDate !== (route.date || null)) {
      desk.clinicId = route.clinicId;
      desk.routeDate = route.date || null;
      desk.date = route.date || null;
      desk.day = null;
      desk.slots = null;
      desk.moving = null;
      desk.moveNext = null;
      desk.more = {};
      loadDesk(0);
    }
    var day = desk.day;
    var clinic = clinics.filter(function (c) { return c.clinicId === desk.clinicId; })[0];
    byId("crumb").textContent = "› Desk · " + (clinic ? clinic.name : desk.clinicId);

    var clinicSelect = el("select", { id: "desk-clinic", "data-testid": "desk-clinic" }, clinics.map(function (c) {
      return el("option", { value: c.clinicId, selected: c.clinicId === desk.clinicId, text: c.name });
    }));
    clinicSelect.addEventListener("change", function () { location.hash = "#/desk/" + encodeURIComponent(clinicSelect.value); });
    var dateInput = el("input", { id: "desk-date", type: "date", "data-testid": "desk-date", value: day ? day.date : (desk.date || "") });
    dateInput.addEventListener("change", function () {
      if (dateInput.value) location.hash = "#/desk/" + encodeURIComponent(desk.clinicId) + "/" + dateInput.value;
    });
    var services = (day && day.services) || [];
    var serviceSelect = el("select", { id: "desk-service", "data-testid": "desk-service" }, services.map(function (s) {
      return el("option", { value: s.serviceId, selected: s.serviceId === desk.serviceId,
        text: s.name + " · " + s.durationMinutes + " min" + (s.bufferMinutes ? " + " + s.bufferMinutes + " min cleaning" : "") });
    }));
    serviceSelect.addEventListener("change", function () {
      desk.serviceId = serviceSelect.value;
      loadSlots().then(function () { renderDesk(); });
    });
    function dayButton(label, testid, days) {
      return el("button", { type: "button", className: "secondary", "data-testid": testid, text: label,
        onclick: function () {
          var target = days === 0 ? "" : shiftDate(day ? day.date : desk.date, days);
          location.hash = "#/desk/" + encodeURIComponent(desk.clinicId) + (target ? "/" + target : "");
        } });
    }
    var toolbar = el("div", { className: "desk-toolbar" }, [
      clinics.length > 1 ? el("label", null, ["Clinic ", clinicSelect]) : el("strong", { text: clinic ? clinic.name : desk.clinicId }),
      el("div", { className: "desk-days", role: "group", "aria-label": "Day" }, [
        dayButton("‹ Previous day", "desk-previous-day", -1),
        el("label", null, ["Day ", dateInput]),
        dayButton("Today", "desk-today", 0),
        dayButton("Next day ›", "desk-next-day", 1)
      ]),
      el("label", null, ["Service ", serviceSelect]),
      day ? el("span", { className: "note", text: "Times are " + day.timeZone + " local time." }) : null,
      // Messages from numbers the clinic does not know yet (booking's unassigned inbox), for staff to file.
      day && day.canWrite ? el("button", { type: "button", className: "secondary", "data-testid": "desk-inbox",
        "data-focus-key": "desk-inbox", text: "Inbox (unknown senders)", onclick: function () { openInbox(); } }) : null
    ]);

    var parts = [el("h2", { text: "Desk" }), toolbar];
    if (day && !day.canWrite) {
      parts.push(el("p", { className: "note", "data-testid": "desk-read-only",
        text: "Read-only: operations see every desk; clinic staff book, check in and measure. Client names stay with the clinic's staff." }));
    }
    parts.push(el("p", { id: "desk-announce", className: "desk-announce" + (desk.messageIsError ? " error" : ""),
      "data-testid": "desk-announce", "data-kind": desk.messageIsError ? "error" : "info", role: "status", "aria-live": "polite",
      text: desk.message || "" }));
    if (desk.moving) {
      parts.push(el("div", { className: "notice", "data-testid": "desk-moving" }, [
        "Choose a new time for " + clientLabel(desk.moving) + "'s booking. ",
        el("button", { type: "button", className: "secondary", text: "Stop moving", onclick: function () {
          desk.moving = null; desk.moveNext = null; announce("The booking was not moved."); renderDesk(); } }),
        // After a move lost its time to another desk (409 Slot taken): the next free times, one press each.
        desk.moveNext ? (desk.moveNext.length
          ? el("ul", { className: "desk-choices", "data-testid": "move-next-slots", "aria-label": "Next free times for this booking" },
              desk.moveNext.map(function (slot) {
                var resource = resourceById(slot.resourceIds[0]);
                if (!resource) return null;
                return el("li", null, [el("button", { type: "button", "data-testid": "move-next-slot", "data-start": slot.start,
                  "data-focus-key": "move-next-" + slot.start,
                  text: "Move to " + localTime(slot.start, desk.day.timeZone) + " on " + resource.name + " instead",
                  onclick: function () { chooseSlot(resource, slot); } })]);
              }))
          : el("p", { className: "note", "data-testid": "move-next-none", text: "No other free time is left for this service today or tomorrow." }))
          : null]));
    }
    if (desk.error) parts.push(el("p", { className: "notice error", role: "alert", text: desk.error }));
    if (!day) {
      parts.push(el("p", { className: "note", text: desk.loading || !desk.error ? "Reading the day…" : "" }));
    } else {
      parts.push(deskGrid(day));
    }
    return el("section", { className: "panel desk", "data-testid": "desk", "data-clinic-id": desk.clinicId,
      "data-date": day ? day.date : "" }, parts);
  }

  function deskGrid(day) {
    var nowMs = Date.now() + serverOffsetMs;
    var service = serviceById(desk.serviceId);
    var columns = (day.resources || []).map(function (resource) { return deskColumn(day, resource, service, nowMs); });
    if (!columns.length) return el("p", { className: "note", text: "This clinic has no resources to book yet." });
    var cancelled = (day.bookings || []).filter(function (b) { return b.status === "CANCELLED"; }).length;
    return el("div", null, [
      el("div", { className: "desk-grid", "data-testid": "desk-grid" }, columns),
      cancelled ? el("p", { className: "note", "data-testid": "desk-cancelled", text: cancelled + " cancelled booking" + (cancelled === 1 ? "" : "s") + " this day (not shown)." }) : null
    ]);
  }

  function deskColumn(day, resource, service, nowMs) {
    var state = unitStateOf(resource);
    var unavailable = state === "FAULTED" || state === "OFFLINE" || state === "UNKNOWN";
    var headingId = "desk-col-" + resource.resourceId;
    var entries = [];
    (day.bookings || []).filter(function (b) { return b.resourceId === resource.resourceId && b.status !== "CANCELLED"; })
      .forEach(function (booking) { entries.push({ at: Date.parse(booking.startsAt), node: bookingBlock(day, resource, booking, nowMs) }); });
    var slotNote = null;
    if (unavailable) {
      slotNote = el("p", { className: "desk-unavailable", "data-testid": "desk-unavailable-" + resource.resourceId,
        text: (state === "FAULTED" ? "Faulted" : state === "OFFLINE" ? "Offline" : "Not reporting")
          + ": no new bookings are offered on this unit until it is well again." });
    } else if (day.canWrite && service && service.resourceType === resource.type && desk.slots) {
      var free = (desk.slots.slots || []).filter(function (slot) {
        return slot.resourceIds.indexOf(resource.resourceId) >= 0 && Date.parse(slot.start) >= nowMs - 60000
          && Date.parse(slot.start) < Date.parse(day.dayEnd);
      });
      var shown = desk.more[resource.resourceId] ? free.slice(0, SLOTS_SHOWN * 8) : free.slice(0, SLOTS_SHOWN);
      shown.forEach(function (slot) {
        var time = localTime(slot.start, day.timeZone);
        var label = desk.moving ? "Move here: " + time : "Book " + time;
        entries.push({ at: Date.parse(slot.start), node: el("li", { className: "desk-free" }, [
          el("button", { type: "button", className: "desk-slot", "data-testid": "slot-" + resource.resourceId,
            "data-start": slot.start, "data-focus-key": "slot-" + resource.resourceId + "-" + slot.start,
            "aria-label": label + " on " + resource.name + ", " + service.name,
            text: label, onclick: function () { chooseSlot(resource, slot); } })]) });
      });
      if (free.length > shown.length) {
        slotNote = el("button", { type: "button", className: "secondary", "data-testid": "desk-more-" + resource.resourceId,
          text: "Show later free times", onclick: function () { desk.more[resource.resourceId] = true; renderDesk(); } });
      } else if (!free.length) {
        slotNote = el("p", { className: "note", text: "No free time left for this service on this day." });
      }
    }
    // A walk-in: the unit is free now (a free start within WALK_IN_MS), one press opens the booking for that start and
    // a second books a returning client whose screening is valid.
    var walkIn = null;
    if (!unavailable && !desk.moving && day.canWrite && service && service.resourceType === resource.type && desk.slots) {
      var now = (desk.slots.slots || []).filter(function (slot) {
        var at = Date.parse(slot.start);
        return slot.resourceIds.indexOf(resource.resourceId) >= 0 && at >= nowMs - 60000 && at <= nowMs + WALK_IN_MS;
      })[0];
      if (now) {
        var at = localTime(now.start, day.timeZone);
        walkIn = el("button", { type: "button", className: "desk-walk-in", "data-testid": "walk-in-" + resource.resourceId,
          "data-start": now.start, "data-focus-key": "walk-in-" + resource.resourceId,
          "aria-label": "Walk-in: book " + service.name + " now, " + at + ", on " + resource.name,
          text: "Walk-in now (" + at + ")", onclick: function () { openBooking(resource, now, true); } });
      }
    }
    entries.sort(function (a, b) { return a.at - b.at; });
    var kind = RESOURCE_LABELS[resource.type] || resource.type;
    return el("section", { className: "desk-column", "data-testid": "desk-column-" + resource.resourceId,
      "data-resource-id": resource.resourceId, "data-unit-state": state || "", "aria-labelledby": headingId }, [
      el("h3", { id: headingId, className: "desk-column-head" }, [
        el("span", { text: resource.name }),
        el("span", { className: "desk-kind", text: kind }),
        state ? badge(state) : null
      ]),
      walkIn,
      entries.length ? el("ol", { className: "desk-entries", "aria-label": resource.name + ", " + day.date },
        entries.map(function (e) { return e.node; })) : el("p", { className: "note", text: "Nothing booked." }),
      slotNote
    ]);
  }

  function bookingBlock(day, resource, booking, nowMs) {
    var service = serviceById(booking.serviceId);
    var name = clientLabel(booking);
    var status = booking.status;
    var unit = resource.unitId ? liveUnit(resource.unitId) : null;
    var running = unit && unit.state === "IN_SESSION" && unit.session && unit.session.bookingId === booking.bookingId
      ? unit.session : null;
    if (running && (status === "CHECKED_IN" || status === "BOOKED")) status = "IN_SESSION";
    var time = localTime(booking.startsAt, day.timeZone) + "–" + localTime(booking.endsAt, day.timeZone);
    var minutes = Math.max(1, Math.round((Date.parse(booking.endsAt) - Date.parse(booking.startsAt)) / 60000));
    var buffer = Math.round((Date.parse(booking.heldUntil) - Date.parse(booking.endsAt)) / 60000);
    var children = [
      el("div", { className: "desk-block-time", text: time }),
      el("div", { className: "desk-block-client", "data-testid": "booking-client", text: name }),
      el("div", { className: "desk-block-service", text: service ? service.name : booking.serviceId }),
      el("div", { className: "desk-block-status" }, [el("span", { className: "badge booking-" + status, "data-testid": "booking-status",
        text: BOOKING_LABELS[status] || status })])
    ];
    if (running) {
      children.push(el("div", { className: "desk-clock session-clock", "data-testid": "booking-clock",
        "data-unit-id": resource.unitId, text: sessionClock(running, Date.now()) }));
    }
    if (status === "COMPLETED" && booking.sessionOutcome === "ABORTED") {
      children.push(el("div", { className: "note", text: "The unit stopped early (" + (booking.abortReason || "aborted") + ")." }));
    }
    if (buffer > 0) {
      children.push(el("div", { className: "desk-buffer", "data-testid": "booking-buffer",
        text: "Cleaning until " + localTime(booking.heldUntil, day.timeZone) + " (" + buffer + " min)" }));
    }
    if (day.canWrite) {
      var actions = [];
      function action(label, testid, handler) {
        actions.push(el("button", { type: "button", "data-testid": testid, "data-focus-key": testid + "-" + booking.bookingId,
          "aria-label": label + ": " + name + ", " + time, text: label, onclick: handler }));
      }
      if (booking.status === "BOOKED") {
        action("Check in", "check-in", function () { checkIn(booking); });
        action("Reschedule", "reschedule", function () { startMoving(booking); });
        action("Cancel", "cancel", function () { openCancel(booking); });
      }
      if (booking.status === "CHECKED_IN" && !resource.unitId) action("Complete", "complete", function () { completeBooking(booking); });
      if (["CHECKED_IN", "IN_SESSION", "COMPLETED"].indexOf(booking.status) >= 0) {
        action("Measure", "measure", function () { openMeasure(booking); });
      }
      // The client's conversation (messages out with their delivery state, replies in) and a reply box.
      action("Messages", "messages", function () { openConversation(booking); });
      if (actions.length) children.push(el("div", { className: "desk-actions" }, actions));
    }
    return el("li", { className: "desk-block booking-" + status, "data-testid": "booking-" + booking.bookingId,
      "data-booking-id": booking.bookingId, "data-status": status, "data-client-id": booking.clientId,
      style: "min-height:" + Math.min(220, 56 + minutes * 2) + "px" }, children);
  }

  // --- actions on a booking ---

  function afterChange(text) {
    announce(text, false);
    loadDesk(0);
  }

  function failed(prefix, error) {
    if (error.status === 401) return;
    announce(prefix + " " + error.message, true);
    renderDesk();
  }

  function checkIn(booking) {
    announce("Checking " + clientLabel(booking) + " in…");
    api("api/desk/bookings/" + encodeURIComponent(booking.bookingId) + "/check-in", { method: "POST", body: {} })
      .then(function () {
        var resource = resourceById(booking.resourceId);
        afterChange(clientLabel(booking) + " is checked in" + (resource && resource.unitId ? "; " + resource.name + " is starting the session." : "."));
      })
      .catch(function (error) { failed("Check-in refused, the booking stays booked:", error); });
  }

  function completeBooking(booking) {
    api("api/desk/bookings/" + encodeURIComponent(booking.bookingId) + "/complete", { method: "POST", body: {} })
      .then(function () { afterChange(clientLabel(booking) + "'s booking is completed."); })
      .catch(function (error) { failed("Not completed:", error); });
  }

  function startMoving(booking) {
    desk.moving = booking;
    desk.moveNext = null;
    if (desk.serviceId !== booking.serviceId) {
      desk.serviceId = booking.serviceId;
      loadSlots().then(renderDesk);
    }
    announce("Choose a new time for " + clientLabel(booking) + ": the free times now say “Move here”.");
    renderDesk();
    var first = document.querySelector(".desk-slot");
    if (first) first.focus();
  }

  function chooseSlot(resource, slot) {
    if (desk.moving) {
      var booking = desk.moving;
      api("api/desk/bookings/" + encodeURIComponent(booking.bookingId) + "/reschedule", { method: "POST",
        body: { clinicId: desk.clinicId, serviceId: booking.serviceId, startsAt: slot.start, resourceId: resource.resourceId } })
        .then(function () {
          desk.moving = null;
          desk.moveNext = null;
          afterChange(clientLabel(booking) + "'s booking moved to " + localTime(slot.start, desk.day.timeZone) + " on " + resource.name + ".");
        })
        .catch(function (error) {
          desk.moveNext = error.status === 409 && error.body && Array.isArray(error.body.nextSlots) ? error.body.nextSlots.slice(0, 5) : null;
          failed("Not moved:", error);
          var next = document.querySelector("[data-testid=move-next-slot]");
          if (next) next.focus();
          loadDesk(0);
        });
      return;
    }
    openBooking(resource, slot);
  }

  // --- the dialog (booking, cancel, measurements) ---

  function dialogNode() { return byId("desk-dialog"); }

  function openDialog(kind, state) {
    dialog.kind = kind;
    dialog.state = state;
    dialog.returnFocus = document.activeElement && document.activeElement.getAttribute
      ? document.activeElement.getAttribute("data-focus-key") : null;
    renderDialog();
    var node = dialogNode();
    if (!node.open) node.showModal();
    var first = node.querySelector("[autofocus], input, select, button");
    if (first) first.focus();
  }

  function closeDialog() {
    var node = dialogNode();
    if (node.open) node.close();
    dialog.kind = null;
    dialog.state = null;
  }

  function renderDialog() {
    var node = dialogNode();
    var body = dialog.kind === "book" ? bookingDialog(dialog.state)
      : dialog.kind === "cancel" ? cancelDialog(dialog.state)
      : dialog.kind === "measure" ? measureDialog(dialog.state)
      : dialog.kind === "conversation" ? conversationDialog(dialog.state)
      : dialog.kind === "inbox" ? inboxDialog(dialog.state) : [];
    node.replaceChildren.apply(node, body);
  }

  function dialogError(state) {
    return el("p", { className: "desk-error", id: "desk-dialog-error", "data-testid": "dialog-error", role: "alert",
      text: state.error || "" });
  }

  function closeButton(label) {
    return el("button", { type: "button", className: "secondary", "data-testid": "dialog-close", text: label || "Close",
      onclick: function () { closeDialog(); } });
  }

  // Booking: slot, then client, then screening (compression), then confirm.
  function openBooking(resource, slot, walkIn) {
    var service = serviceById(desk.serviceId);
    openDialog("book", { step: "client", resource: resource, slot: slot, service: service, clients: null, query: "",
      client: null, screening: null, error: null, nextSlots: null, answers: {}, walkIn: !!walkIn });
    api("api/desk/clinics/" + encodeURIComponent(desk.clinicId) + "/clients")
      .then(function (clients) { if (dialog.kind === "book") { dialog.state.clients = clients || []; renderBookingKeepFocus(); } })
      .catch(function (error) { if (dialog.kind === "book") { dialog.state.error = "Clients could not be read: " + error.message; renderDialog(); } });
  }

  function renderBookingKeepFocus() {
    var active = document.activeElement;
    var id = active && active.id;
    var caret = active && active.selectionStart;
    renderDialog();
    if (id && byId(id)) {
      byId(id).focus();
      if (caret !== null && caret !== undefined && byId(id).setSelectionRange) byId(id).setSelectionRange(caret, caret);
    }
  }

  function slotSummary(state) {
    return state.service.name + " · " + state.resource.name + " · " + localDay(state.slot.start, desk.day.timeZone) + " "
      + localTime(state.slot.start, desk.day.timeZone) + "–" + localTime(state.slot.end, desk.day.timeZone);
  }

  function bookingDialog(state) {
    var parts = [el("h2", { id: "desk-dialog-title", text: state.walkIn ? "Walk-in booking, now" : "New booking" }),
      el("p", { className: "desk-summary", "data-testid": "dialog-summary", text: slotSummary(state) })];
    if (state.step === "client") {
      var search = el("input", { id: "desk-client-search", "data-testid": "client-search", type: "search", value: state.query,
        autocomplete: "off", "aria-describedby": "desk-client-hint" });
      search.addEventListener("input", function () { state.query = search.value; renderBookingKeepFocus(); });
      var matches = (state.clients || []).filter(function (c) {
        return !state.query || String(c.displayName).toLowerCase().indexOf(state.query.toLowerCase()) >= 0;
      }).slice(0, 8);
      parts.push(el("div", { className: "desk-field" }, [el("label", { for: "desk-client-search", text: "Find a client by name" }), search,
        el("span", { id: "desk-client-hint", className: "note", text: state.clients === null ? "Reading the clinic's clients…"
          : matches.length + " matching client" + (matches.length === 1 ? "" : "s") + " shown." })]));
      if (matches.length) {
        parts.push(el("ul", { className: "desk-choices", "aria-label": "Matching clients" }, matches.map(function (c) {
          return el("li", null, [el("button", { type: "button", "data-testid": "choose-client",
            text: (state.walkIn ? "Book " + c.displayName + " now" : "Choose " + c.displayName),
            onclick: function () { chooseClient(state, c); } })]);
        })));
      }
      // Bound to the dialog's state: the client list arriving while someone types redraws the dialog, never their text.
      var name = el("input", { id: "desk-new-name", "data-testid": "new-client-name", maxlength: "100", autocomplete: "off",
        value: state.newName || "" });
      var contact = el("input", { id: "desk-new-contact", "data-testid": "new-client-contact", maxlength: "200", autocomplete: "off",
        value: state.newContact || "" });
      name.addEventListener("input", function () { state.newName = name.value; });
      contact.addEventListener("input", function () { state.newContact = contact.value; });
      var form = el("form", { className: "desk-new-client", "aria-labelledby": "desk-new-client-title" }, [
        el("h3", { id: "desk-new-client-title", text: "Or a new client" }),
        el("div", { className: "desk-field" }, [el("label", { for: "desk-new-name", text: "Name" }), name]),
        el("div", { className: "desk-field" }, [el("label", { for: "desk-new-contact", text: "Contact (optional)" }), contact]),
        el("button", { type: "submit", "data-testid": "create-client", text: "Create client" })
      ]);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!name.value.trim()) { state.error = "Give the client's name."; renderDialog(); byId("desk-new-name").focus(); return; }
        api("api/desk/clinics/" + encodeURIComponent(desk.clinicId) + "/clients", { method: "POST",
          body: { displayName: name.value.trim(), contact: contact.value.trim() || null } })
          .then(function (client) { chooseClient(state, client); })
          .catch(function (error) { state.error = "The client was not created: " + error.message; renderDialog(); });
      });
      parts.push(form);
    } else if (state.step === "screening") {
      parts.push(el("p", { "data-testid": "dialog-client", text: "Client: " + state.client.displayName }));
      parts.push(screeningForm(state));
    } else if (state.step === "confirm") {
      parts.push(el("p", { "data-testid": "dialog-client", text: "Client: " + state.client.displayName }));
      if (state.screening) {
        parts.push(el("p", { className: "note", text: "Screening of " + localDay(state.screening.screenedAt, desk.day.timeZone)
          + " on file: no contraindication; valid until " + localDay(state.screening.validUntil, desk.day.timeZone) + "." }));
      }
      parts.push(el("button", { type: "button", "data-testid": "confirm-booking", autofocus: true, text: "Confirm booking",
        onclick: function () { confirmBooking(state); } }));
    }
    parts.push(dialogError(state));
    if (state.nextSlots) {
      parts.push(state.nextSlots.length ? el("ul", { className: "desk-choices", "data-testid": "next-slots", "aria-label": "Next free times" },
        state.nextSlots.map(function (slot) {
          var resource = resourceById(slot.resourceIds[0]) || state.resource;
          return el("li", null, [el("button", { type: "button", "data-testid": "next-slot", "data-start": slot.start,
            text: "Book " + localTime(slot.start, desk.day.timeZone) + " on " + resource.name + " instead",
            onclick: function () { state.slot = slot; state.resource = resource; state.nextSlots = null; state.error = null;
              state.step = "confirm"; renderDialog(); var b = dialogNode().querySelector("[data-testid=confirm-booking]"); if (b) b.focus(); } })]);
        })) : null);
    }
    parts.push(el("div", { className: "desk-actions" }, [closeButton("Close without booking")]));
    return parts;
  }

  function chooseClient(state, client) {
    state.client = client;
    state.error = null;
    // A walk-in books a ready client at once (the button said "Book … now"); everyone else confirms first.
    if (state.service.resourceType !== "BOOT_UNIT") {
      if (state.walkIn) { confirmBooking(state); return; }
      state.step = "confirm"; renderDialog(); focusFirst(); return;
    }
    api("api/desk/clients/" + encodeURIComponent(client.clientId) + "/screenings")
      .then(function (screenings) {
        var latest = (screenings || [])[0] || null;
        var valid = latest && latest.clear && Date.parse(latest.validUntil) > Date.parse(state.slot.start);
        state.screening = valid ? latest : null;
        state.previous = latest;
        if (valid && state.walkIn) { confirmBooking(state); return; }
        state.step = valid ? "confirm" : "screening";
        renderDialog();
        focusFirst();
      })
      .catch(function (error) { state.error = "The screening could not be read: " + error.message; renderDialog(); });
  }

  function focusFirst() {
    var node = dialogNode().querySelector("[autofocus], fieldset input, button[data-testid=confirm-booking], input, button");
    if (node) node.focus();
  }

  function screeningForm(state) {
    var positives = CONTRAINDICATIONS.filter(function (c) { return state.answers[c[0]]; });
    var why = state.previous && !state.previous.clear ? "The last screening recorded a contraindication; ask again."
      : state.previous ? "The last screening has lapsed; ask again." : "No screening on file yet.";
    var boxes = CONTRAINDICATIONS.map(function (c) {
      var box = el("input", { type: "checkbox", id: "desk-ci-" + c[0], "data-testid": "screening-" + c[0], checked: !!state.answers[c[0]] });
      box.addEventListener("change", function () { state.answers[c[0]] = box.checked; renderBookingKeepFocus(); });
      return el("div", { className: "desk-check" }, [box, el("label", { for: "desk-ci-" + c[0], text: c[1] })]);
    });
    var rule = positives.length
      ? "Compression must not be given with " + positives.map(function (c) { return c[1].toLowerCase(); }).join(", ")
        + ": squeezing the legs could move a clot or worsen the condition. Booking will refuse this compression session; "
        + "offer a massage instead, or book once the client's doctor has cleared them and a new screening says no to every question."
      : "Tick only what the client says applies. Any yes blocks compression sessions.";
    var form = el("form", { "aria-labelledby": "desk-screening-title" }, [
      el("fieldset", null, [el("legend", { id: "desk-screening-title", text: "Contraindication screening: does the client have any of these?" })].concat(boxes)),
      el("p", { className: positives.length ? "desk-rule blocked" : "desk-rule", "data-testid": "screening-rule", "aria-live": "polite", text: rule }),
      el("p", { className: "note", text: why }),
      el("button", { type: "submit", "data-testid": "save-screening", text: "Save screening" })
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      CONTRAINDICATIONS.forEach(function (c) { answers[c[0]] = !!state.answers[c[0]]; });
      api("api/desk/clients/" + encodeURIComponent(state.client.clientId) + "/screenings", { method: "POST", body: { answers: answers } })
        .then(function (screening) {
          state.previous = screening;
          if (screening.clear) { state.screening = screening; state.step = "confirm"; state.error = null; }
          else { state.error = "Screening saved. " + rule; }
          renderDialog();
          focusFirst();
        })
        .catch(function (error) { state.error = "The screening was not saved: " + error.message; renderDialog(); });
    });
    return form;
  }

  function confirmBooking(state) {
    state.error = null;
    api("api/desk/bookings", { method: "POST", body: { clinicId: desk.clinicId, serviceId: state.service.serviceId,
      clientId: state.client.clientId, startsAt: state.slot.start, resourceId: state.resource.resourceId } })
      .then(function (booking) {
        closeDialog();
        afterChange("Booked " + state.client.displayName + " at " + localTime(booking.startsAt, desk.day.timeZone) + " on "
          + state.resource.name + ".");
      })
      .catch(function (error) {
        state.error = error.message;
        state.nextSlots = error.body && error.body.nextSlots ? error.body.nextSlots : null;
        renderDialog();
        var first = dialogNode().querySelector("[data-testid=next-slot]") || dialogNode().querySelector("[data-testid=dialog-close]");
        if (first) first.focus();
        loadDesk(0);
      });
  }

  function openCancel(booking) {
    var hours = desk.day.cancellationWindowHours;
    var left = (Date.parse(booking.startsAt) - (Date.now() + serverOffsetMs)) / 3600000;
    openDialog("cancel", { booking: booking, hours: hours, late: left < hours, error: null });
  }

  function cancelDialog(state) {
    var b = state.booking;
    return [el("h2", { id: "desk-dialog-title", text: "Cancel this booking?" }),
      el("p", { className: "desk-summary", text: clientLabel(b) + " · " + localDay(b.startsAt, desk.day.timeZone) + " " + localTime(b.startsAt, desk.day.timeZone) }),
      el("p", { "data-testid": "cancel-rule", text: "A cancellation less than " + state.hours + " hours before the start is late (inside the window). "
        + (state.late ? "This one starts within " + state.hours + " hours, so it will be recorded as late." : "This one is earlier than that, so it is not late.") }),
      dialogError(state),
      el("div", { className: "desk-actions" }, [
        el("button", { type: "button", className: "danger", "data-testid": "confirm-cancel", text: "Cancel the booking",
          onclick: function () {
            api("api/desk/bookings/" + encodeURIComponent(b.bookingId) + "/cancel", { method: "POST", body: {} })
              .then(function (answer) {
                closeDialog();
                afterChange(clientLabel(b) + "'s booking is cancelled" + (answer.cancellation === "INSIDE_WINDOW" ? " (late)." : "."));
              })
              .catch(function (error) { state.error = "Not cancelled: " + error.message; renderDialog(); });
          } }),
        closeButton("Keep the booking")])];
  }

  // --- the client's conversation (booking-service's messages, docs/messaging.md) ---

  var MESSAGE_STATUS_LABELS = { PENDING: "Waiting to be sent", SENDING: "Sending", SENT: "Sent", DELIVERED: "Delivered",
    READ: "Read", UNKNOWN: "Outcome unknown (the provider will tell)", FAILED: "Not delivered", WITHDRAWN: "Not sent: consent withdrawn" };
  var MESSAGE_KIND_LABELS = { CONFIRMATION: "Confirmation", RESCHEDULED: "Moved", CANCELLED: "Cancelled",
    REMINDER_24H: "Reminder (day before)", REMINDER_2H: "Reminder (2 hours before)", NO_SHOW_FOLLOW_UP: "Missed-visit follow-up",
    CHECK_IN: "How do your legs feel?", STAFF_REPLY: "Reply from the desk" };
  var CHANNEL_LABELS = { WHATSAPP: "WhatsApp", SMS: "SMS", EMAIL: "Email" };

  function openConversation(booking) {
    openDialog("conversation", { booking: booking, conversation: null, error: null, draft: "", sending: false });
    loadConversation(dialog.state);
  }

  function conversationPath(state) {
    return "api/desk/clients/" + encodeURIComponent(state.booking.clientId) + "/conversation?clinicId=" + encodeURIComponent(desk.clinicId);
  }

  function loadConversation(state) {
    return api(conversationPath(state))
      .then(function (conversation) {
        if (dialog.state !== state) return;
        state.conversation = conversation;
        state.error = null;
        renderConversationKeepFocus();
      })
      .catch(function (error) {
        if (dialog.state !== state) return;
        state.error = "The messages could not be read: " + error.message;
        renderConversationKeepFocus();
      });
  }

  function renderConversationKeepFocus() {
    var active = document.activeElement;
    var id = active && active.id;
    renderDialog();
    if (id && byId(id)) byId(id).focus();
  }

  function conversationEntry(entry, name) {
    var zone = desk.day.timeZone;
    var incoming = entry.direction === "IN";
    var head = (incoming ? name + " wrote" : (MESSAGE_KIND_LABELS[entry.kind] || "Message") + " to " + name)
      + " · " + (CHANNEL_LABELS[entry.channel] || entry.channel) + " · " + localDay(entry.at, zone) + " " + localTime(entry.at, zone);
    var parts = [el("div", { className: "desk-message-head", text: head }),
      el("p", { className: "desk-message-text" + (entry.text === null ? " note" : ""), "data-testid": "conversation-text",
        text: entry.text === null ? "(The text was erased after the retention period.)" : entry.text })];
    if (!incoming) {
      parts.push(el("span", { className: "badge message-" + entry.status, "data-testid": "conversation-status",
        text: MESSAGE_STATUS_LABELS[entry.status] || entry.status }));
    }
    if (entry.effect === "STOP") parts.push(el("p", { className: "note", text: "This withdrew their consent on " + (CHANNEL_LABELS[entry.channel] || entry.channel) + "." }));
    if (entry.effect === "CHECK_IN_ANSWER") parts.push(el("p", { className: "note", text: "Recorded as their answer to the check-in." }));
    return el("li", { className: "desk-message " + (incoming ? "desk-message-in" : "desk-message-out"),
      "data-testid": "conversation-entry", "data-direction": entry.direction, "data-status": entry.status || "" }, parts);
  }

  function conversationDialog(state) {
    var name = clientLabel(state.booking);
    var parts = [el("h2", { id: "desk-dialog-title", text: "Messages with " + name })];
    var c = state.conversation;
    if (!c) {
      parts.push(el("p", { className: "note", text: state.error ? "" : "Reading the messages…" }));
    } else {
      var entries = c.entries || [];
      parts.push(entries.length
        ? el("ol", { className: "desk-messages", "data-testid": "conversation", "aria-label": "Messages with " + name + ", oldest first" },
            entries.map(function (entry) { return conversationEntry(entry, name); }))
        : el("p", { className: "note", "data-testid": "conversation-empty", text: "No messages with " + name + " yet." }));
      if (c.replyChannel) {
        var box = el("textarea", { id: "desk-reply", "data-testid": "reply-text", maxlength: "1000", rows: "3",
          "aria-describedby": "desk-reply-hint" });
        box.value = state.draft;
        box.addEventListener("input", function () { state.draft = box.value; });
        var form = el("form", { className: "desk-reply", "aria-labelledby": "desk-reply-title" }, [
          el("h3", { id: "desk-reply-title", text: "Reply" }),
          el("div", { className: "desk-field" }, [
            el("label", { for: "desk-reply", text: "Your reply on " + (CHANNEL_LABELS[c.replyChannel] || c.replyChannel) }), box,
            el("span", { id: "desk-reply-hint", className: "note", text: "Free text is possible until "
              + localDay(c.replyWindowUntil, desk.day.timeZone) + " " + localTime(c.replyWindowUntil, desk.day.timeZone)
              + " (24 hours after their last message). No health details: no screening answers, no measurements." })]),
          el("button", { type: "submit", "data-testid": "send-reply", disabled: state.sending, text: state.sending ? "Sending…" : "Send reply" })
        ]);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          sendReply(state);
        });
        parts.push(form);
      } else {
        parts.push(el("p", { className: "note", "data-testid": "reply-closed", text: "No reply from the desk right now: staff answer in free text "
          + "only within 24 hours of the client's last WhatsApp or SMS message. Confirmations and reminders still go out on their own." }));
      }
    }
    parts.push(dialogError(state));
    parts.push(el("div", { className: "desk-actions" }, [
      el("button", { type: "button", className: "secondary", "data-testid": "refresh-conversation", text: "Refresh",
        onclick: function () { loadConversation(state); } }),
      closeButton()]));
    return parts;
  }

  function sendReply(state) {
    var text = state.draft.trim();
    if (!text) {
      state.error = "Write the reply first.";
      renderDialog();
      byId("desk-reply").focus();
      return;
    }
    state.sending = true;
    state.error = null;
    renderConversationKeepFocus();
    api(conversationPath(state), { method: "POST", body: { text: text } })
      .then(function () {
        state.sending = false;
        state.draft = "";
        announce("Your reply to " + clientLabel(state.booking) + " is on its way.");
        return loadConversation(state);
      })
      .then(function () { var box = byId("desk-reply"); if (box) box.focus(); })
      .catch(function (error) {
        state.sending = false;
        if (error.status === 401) return;
        state.error = "Not sent: " + error.message;
        renderConversationKeepFocus();
      });
  }

  // --- the clinic's unassigned inbox: messages from unknown numbers, filed under a client by staff ---

  function openInbox() {
    var state = { items: null, clients: null, chosen: {}, error: null };
    openDialog("inbox", state);
    var clinic = encodeURIComponent(desk.clinicId);
    Promise.all([api("api/desk/clinics/" + clinic + "/inbox"), api("api/desk/clinics/" + clinic + "/clients")])
      .then(function (answers) {
        if (dialog.state !== state) return;
        state.items = answers[0] || [];
        state.clients = (answers[1] || []).slice().sort(function (a, b) { return String(a.displayName).localeCompare(String(b.displayName)); });
        renderConversationKeepFocus();
      })
      .catch(function (error) {
        if (dialog.state !== state) return;
        state.error = "The inbox could not be read: " + error.message;
        renderDialog();
      });
  }

  function inboxDialog(state) {
    var zone = desk.day.timeZone;
    var parts = [el("h2", { id: "desk-dialog-title", text: "Inbox: messages from unknown numbers" })];
    if (state.items === null) {
      parts.push(el("p", { className: "note", text: state.error ? "" : "Reading the inbox…" }));
    } else if (!state.items.length) {
      parts.push(el("p", { className: "note", "data-testid": "inbox-empty", text: "No message from an unknown number is waiting." }));
    } else {
      parts.push(el("ol", { className: "desk-messages", "data-testid": "inbox", "aria-label": "Messages from unknown numbers, oldest first" },
        state.items.map(function (item) {
          var selectId = "desk-inbox-client-" + item.inboundId;
          var select = el("select", { id: selectId, "data-testid": "inbox-client" }, [el("option", { value: "", text: "Choose a client…" })]
            .concat(state.clients.map(function (c) {
              return el("option", { value: c.clientId, selected: state.chosen[item.inboundId] === c.clientId, text: c.displayName });
            })));
          select.addEventListener("change", function () { state.chosen[item.inboundId] = select.value; });
          return el("li", { className: "desk-message desk-message-in", "data-testid": "inbox-entry", "data-inbound-id": item.inboundId }, [
            el("div", { className: "desk-message-head", text: (item.sender || "(number erased)") + " · " + (CHANNEL_LABELS[item.channel] || item.channel)
              + " · " + localDay(item.receivedAt, zone) + " " + localTime(item.receivedAt, zone) }),
            el("p", { className: "desk-message-text", text: item.body || "(The text was erased after the retention period.)" }),
            el("div", { className: "desk-field" }, [el("label", { for: selectId, text: "File under client" }), select]),
            el("button", { type: "button", "data-testid": "assign-inbound", "data-focus-key": "assign-" + item.inboundId,
              text: "File this message", onclick: function () { assignInbound(state, item); } })
          ]);
        })));
    }
    parts.push(dialogError(state));
    parts.push(el("div", { className: "desk-actions" }, [closeButton()]));
    return parts;
  }

  function assignInbound(state, item) {
    var clientId = state.chosen[item.inboundId];
    if (!clientId) {
      state.error = "Choose the client this message is from first.";
      renderDialog();
      var select = byId("desk-inbox-client-" + item.inboundId);
      if (select) select.focus();
      return;
    }
    var client = state.clients.filter(function (c) { return c.clientId === clientId; })[0];
    state.error = null;
    api("api/desk/clinics/" + encodeURIComponent(desk.clinicId) + "/inbox/" + encodeURIComponent(item.inboundId) + "/assign",
      { method: "POST", body: { clientId: clientId } })
      .then(function () {
        state.items = state.items.filter(function (i) { return i.inboundId !== item.inboundId; });
        announce("The message is now in " + (client ? client.displayName : "the client") + "'s conversation.");
        renderDialog();
        var next = dialogNode().querySelector("[data-testid=inbox-client], [data-testid=dialog-close]");
        if (next) next.focus();
      })
      .catch(function (error) {
        if (error.status === 401) return;
        state.error = "Not filed: " + error.message;
        renderDialog();
      });
  }

  // --- measurements ---

  function openMeasure(booking) {
    openDialog("measure", { booking: booking, method: "CIRCUMFERENCES", interval: "4", legs: { LEFT: true, RIGHT: true },
      values: { LEFT: { before: "", after: "" }, RIGHT: { before: "", after: "" } }, error: null, result: null });
  }

  function numbers(text) {
    return String(text || "").split(/[\s,;]+/).filter(function (t) { return t !== ""; }).map(function (t) { return Number(t); });
  }

  /** The same rules as telemetry-service's POST /outcomes, so the form says what is wrong before sending. */
  function validateMeasurements(state) {
    var legs = Object.keys(state.legs).filter(function (leg) { return state.legs[leg]; });
    if (!legs.length) return "Mark the leg or legs measured.";
    if (state.method === "CIRCUMFERENCES") {
      var interval = Number(state.interval);
      if (!(interval >= 1 && interval <= 20)) return "The interval from the ankle must be between 1 and 20 cm.";
    }
    var problems = null;
    legs.forEach(function (leg) {
      if (problems) return;
      var name = leg === "LEFT" ? "left" : "right";
      ["before", "after"].forEach(function (when) {
        if (problems) return;
        var values = numbers(state.values[leg][when]);
        if (values.some(isNaN)) { problems = "The " + name + " leg " + when + ": only numbers in cm."; return; }
        if (state.method === "FIGURE_OF_EIGHT") {
          if (values.length !== 1) problems = "The " + name + " leg " + when + ": one figure-of-eight measure.";
          else if (!(values[0] >= 30 && values[0] <= 100)) problems = "The " + name + " leg " + when + ": a figure-of-eight measure is between 30 and 100 cm.";
        } else if (values.length < 2) {
          problems = "The " + name + " leg " + when + ": at least two sites, from the ankle up.";
        } else if (values.some(function (v) { return !(v >= 10 && v <= 150); })) {
          problems = "The " + name + " leg " + when + ": a leg circumference is between 10 and 150 cm.";
        }
      });
      if (!problems && state.method === "CIRCUMFERENCES"
        && numbers(state.values[leg].before).length !== numbers(state.values[leg].after).length) {
        problems = "The " + name + " leg: measure the same sites before and after.";
      }
    });
    return problems;
  }

  function measureDialog(state) {
    var b = state.booking;
    var parts = [el("h2", { id: "desk-dialog-title", text: "Measurements" }),
      el("p", { className: "desk-summary", text: clientLabel(b) + " · " + localTime(b.startsAt, desk.day.timeZone) })];
    if (state.result) {
      var o = state.result;
      var unit = o.unit || (o.method === "FIGURE_OF_EIGHT" ? "cm" : "mL");
      parts.push(el("table", { className: "desk-result", "data-testid": "measure-result" }, [
        el("caption", { text: "Change per leg (" + unit + ")" }),
        el("thead", null, [el("tr", null, ["Leg", "Before", "After", "Change", "Beyond measurement error"].map(function (h) {
          return el("th", { scope: "col", text: h }); }))]),
        el("tbody", null, (o.legs || []).map(function (leg) {
          return el("tr", { "data-testid": "measure-leg-" + leg.leg }, [
            el("th", { scope: "row", text: leg.leg === "LEFT" ? "Left" : "Right" }),
            el("td", { text: fmtNumber(leg.before) }), el("td", { text: fmtNumber(leg.after) }),
            el("td", { text: fmtNumber(leg.change) + (leg.changePercent === null || leg.changePercent === undefined ? "" : " (" + fmtNumber(leg.changePercent) + " %)") }),
            el("td", { "data-testid": "measure-meaningful", text: leg.meaningful ? "Yes" : "No, within measurement error" })]);
        }))]));
      parts.push(el("p", { className: "note", text: o.method === "FIGURE_OF_EIGHT"
        ? "A figure-of-eight change counts beyond measurement error above 0.5 cm."
        : "A volume change counts beyond measurement error above 3.8 %." }));
      parts.push(el("div", { className: "desk-actions" }, [closeButton("Done")]));
      return parts;
    }
    var method = el("select", { id: "desk-method", "data-testid": "measure-method" }, [
      el("option", { value: "CIRCUMFERENCES", selected: state.method === "CIRCUMFERENCES", text: "Circumferences up the leg" }),
      el("option", { value: "FIGURE_OF_EIGHT", selected: state.method === "FIGURE_OF_EIGHT", text: "Figure-of-eight at the ankle" })]);
    method.addEventListener("change", function () { state.method = method.value; renderBookingKeepFocus(); });
    var interval = el("input", { id: "desk-interval", "data-testid": "measure-interval", type: "number", min: "1", max: "20", step: "0.5", value: state.interval });
    interval.addEventListener("input", function () { state.interval = interval.value; });
    var legBoxes = ["LEFT", "RIGHT"].map(function (leg) {
      var box = el("input", { type: "checkbox", id: "desk-leg-" + leg, "data-testid": "measure-leg-" + leg + "-on", checked: !!state.legs[leg] });
      box.addEventListener("change", function () { state.legs[leg] = box.checked; renderBookingKeepFocus(); });
      return el("div", { className: "desk-check" }, [box, el("label", { for: "desk-leg-" + leg, text: leg === "LEFT" ? "Left leg" : "Right leg" })]);
    });
    var hint = state.method === "FIGURE_OF_EIGHT" ? "One measure in cm (30-100)." : "cm from the ankle up, one per site, separated by spaces (10-150 each).";
    var fields = [];
    ["LEFT", "RIGHT"].filter(function (leg) { return state.legs[leg]; }).forEach(function (leg) {
      ["before", "after"].forEach(function (when) {
        var id = "desk-" + leg + "-" + when;
        var input = el("input", { id: id, "data-testid": "measure-" + leg + "-" + when, inputmode: "decimal", autocomplete: "off",
          value: state.values[leg][when], "aria-describedby": "desk-measure-hint" });
        input.addEventListener("input", function () { state.values[leg][when] = input.value; });
        fields.push(el("div", { className: "desk-field" }, [el("label", { for: id,
          text: (leg === "LEFT" ? "Left" : "Right") + " leg, " + when + " the session" }), input]));
      });
    });
    var form = el("form", { "aria-labelledby": "desk-dialog-title" }, [
      el("div", { className: "desk-field" }, [el("label", { for: "desk-method", text: "Method" }), method]),
      state.method === "CIRCUMFERENCES" ? el("div", { className: "desk-field" }, [el("label", { for: "desk-interval", text: "Interval between sites (cm)" }), interval]) : null,
      el("fieldset", null, [el("legend", { text: "Legs measured (the affected leg or legs)" })].concat(legBoxes)),
      el("p", { id: "desk-measure-hint", className: "note", text: hint })
    ].concat(fields).concat([dialogError(state),
      el("div", { className: "desk-actions" }, [el("button", { type: "submit", "data-testid": "save-measurements", text: "Save measurements" }), closeButton("Close")])]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var problem = validateMeasurements(state);
      if (problem) { state.error = problem; renderDialog(); var err = byId("desk-dialog-error"); if (err) err.focus(); return; }
      var legs = { before: {}, after: {} };
      Object.keys(state.legs).filter(function (leg) { return state.legs[leg]; }).forEach(function (leg) {
        legs.before[leg] = numbers(state.values[leg].before);
        legs.after[leg] = numbers(state.values[leg].after);
      });
      var body = { clientId: b.clientId, clinicId: desk.clinicId, bookingId: b.bookingId, sessionId: b.sessionId || null,
        method: state.method, intervalCm: state.method === "CIRCUMFERENCES" ? Number(state.interval) : null,
        before: { legs: legs.before }, after: { legs: legs.after } };
      api("api/desk/outcomes", { method: "POST", body: body })
        .then(function (outcome) {
          state.result = outcome;
          state.error = null;
          outcomes = {};
          renderDialog();
          announce("Measurements saved for " + clientLabel(b) + ".");
          var done = dialogNode().querySelector("[data-testid=dialog-close]");
          if (done) done.focus();
        })
        .catch(function (error) { state.error = "Not saved: " + error.message; renderDialog(); });
    });
    parts.push(form);
    return parts;
  }

  function fmtNumber(value) {
    if (value === null || value === undefined) return "–";
    return Math.abs(value) >= 100 ? String(Math.round(value)) : (Math.round(value * 10) / 10).toString();
  }

  /** Redraws the desk in place and gives the keyboard focus back to the same control where it still exists. */
  function renderDesk() {
    if (route.view !== "desk" || !overview) return;
    var active = document.activeElement;
    var key = active && active.getAttribute ? active.getAttribute("data-focus-key") || (active.id && byId("view").contains(active) ? "#" + active.id : null) : null;
    byId("view").replaceChildren(deskPanel());
    if (key) {
      var again = key.charAt(0) === "#" ? byId(key.slice(1)) : document.querySelector('[data-focus-key="' + CSS.escape(key) + '"]');
      if (again) again.focus();
    }
  }

  // ---------- start ----------

  function start() {
    byId("sign-in-form").addEventListener("submit", signIn);
    byId("sign-out").addEventListener("click", function () { signOut("You signed out."); });
    window.addEventListener("hashchange", onRoute);
    dialogNode().addEventListener("close", function () {
      dialog.kind = null;
      dialog.state = null;
      var back = dialog.returnFocus && document.querySelector('[data-focus-key="' + CSS.escape(dialog.returnFocus) + '"]');
      if (back) back.focus();
    });
    setInterval(showFreshness, 5000);
    setInterval(refreshClocks, 1000);
    api("api/page-config")
      .then(function (config) { if (config) pageConfig = config; })
      .catch(function () { /* keep the defaults */ })
      .finally(function () {
        token = sessionStorage.getItem(TOKEN_KEY);
        try { user = JSON.parse(sessionStorage.getItem(USER_KEY) || "null"); } catch (bad) { user = null; }
        if (!token) { showSignIn(); return; }
        api("api/session").then(function (me) { user = me; showApp(); })
          .catch(function () { if (token) signOut("Sign in again."); });
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
