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
        }
        break;
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
    EMERGENCY_STOP: "the emergency stop was pressed"
  };

  function renderAlarms() {
    var open = alarms.filter(function (alarm) { return alarm.status !== "RESOLVED"; });
    byId("alarm-count").textContent = String(open.length);
    // The same number as the badge: alarms not yet resolved (acknowledged or not)
    document.title = (open.length ? "(" + open.length + ") " : "") + BASE_TITLE;
    var nowMs = Date.now();
    var items = alarms.map(function (alarm) {
      var children = [
        el("div", { className: "alarm-head" }, [
          el("span", { text: (alarm.kind === "FAULT" ? "Fault " + (alarm.code || "")
            + (FAULT_LABELS[alarm.code] ? " (" + FAULT_LABELS[alarm.code] + ")" : "") : "Offline") + " · " + alarm.unitId }),
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

  // ---------- start ----------

  function start() {
    byId("sign-in-form").addEventListener("submit", signIn);
    byId("sign-out").addEventListener("click", function () { signOut("You signed out."); });
    window.addEventListener("hashchange", onRoute);
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
