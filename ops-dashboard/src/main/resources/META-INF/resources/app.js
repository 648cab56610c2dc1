/*
 * Second Heart operations view. Vanilla JS, no dependencies: asks /api/config once for the poll interval, then
 * /api/overview every interval, and redraws the fleet header and clinic cards in place (no page reload).
 * Every value from the server goes into the page as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var DEFAULT_POLL_MS = 2000;
  var STATES = ["ONLINE", "IN_SESSION", "FAULTED", "OFFLINE"];
  var STATE_LABELS = { ONLINE: "Online", IN_SESSION: "In session", FAULTED: "Faulted", OFFLINE: "Offline", UNKNOWN: "Unknown" };
  var SOURCE_LABELS = {
    booking: "Booking service unavailable: clinic names and time zones may be missing.",
    gateway: "Device gateway unavailable: unit states are unknown; units are listed from their session records.",
    telemetry: "Telemetry service unavailable: session counts are missing (shown as –)."
  };

  var pollMs = DEFAULT_POLL_MS;
  var timer = null;
  var inFlight = false;
  var lastSuccess = 0;
  var lastFailure = null;
  var lastSources = null;

  // ---------- small DOM helpers ----------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "className") node.className = value;
        else if (key === "text") node.textContent = value;
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
      text: STATE_LABELS[known] === "Unknown" && state && state !== "UNKNOWN" ? state : STATE_LABELS[known] });
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

  // ---------- rendering ----------

  function renderFleet(fleet) {
    byId("fleet-clinics").textContent = count(fleet.clinics);
    byId("fleet-units").textContent = count(fleet.units);
    STATES.forEach(function (state) {
      byId("fleet-state-" + state).textContent = count((fleet.byState || {})[state] || 0);
    });
    byId("fleet-completed").textContent = count(fleet.completedSessions);
  }

  function renderNotices(sources) {
    var notices = [];
    if (lastFailure) {
      notices.push(el("div", { className: "notice error", "data-testid": "notice-dashboard",
        text: "The dashboard cannot reach its server (" + lastFailure + "). Showing the last known state; retrying." }));
    }
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

  function unitTile(unit, clinic, nowMs) {
    var state = stateOf(unit.state);
    var facts = [].concat(
      fact("Last seen", ago(unit.lastSeen, nowMs), unit.lastSeen ? exactTime(unit.lastSeen, clinic.timeZone) : null),
      fact("Firmware", unit.firmware || "–", null, "mono"),
      fact("Completed", count(unit.completedSessions)),
      fact("Aborted", count(unit.abortedSessions)),
      fact("Running", count(unit.runningSessions)),
      fact("Last ended", ago(unit.lastSessionEndedAt, nowMs),
        unit.lastSessionEndedAt ? exactTime(unit.lastSessionEndedAt, clinic.timeZone) : null)
    );
    var since = unit.stateSince ? STATE_LABELS[state] + " since " + exactTime(unit.stateSince, clinic.timeZone) : null;
    return el("article", {
      className: "unit",
      "data-testid": "unit-" + unit.unitId,
      "data-unit-id": unit.unitId,
      "data-state": unit.state || "UNKNOWN",
      title: since
    }, [
      el("div", { className: "unit-top" }, [el("span", { className: "unit-id", text: unit.unitId }), badge(unit.state)]),
      el("div", { className: "unit-model", text: unit.model || "Model unknown" }),
      el("dl", { className: "unit-facts" }, facts)
    ]);
  }

  function clinicCard(clinic, generatedAt, nowMs) {
    var totals = clinic.totals || {};
    var byState = totals.byState || {};
    var registered = clinic.name !== null && clinic.name !== undefined;
    var clinicId = clinic.clinicId === null || clinic.clinicId === undefined ? "" : clinic.clinicId;

    var meta = [el("span", { className: "id", text: clinicId || "no clinic" })];
    if (clinic.timeZone) meta.push(" · " + clinic.timeZone);
    if (!registered) meta.push(" · ", el("span", { className: "warn", text: clinicId ? "not in booking" : "units without a clinic" }));

    var stateCounts = STATES.filter(function (state) { return byState[state] > 0; }).map(function (state) {
      return el("span", { className: "badge count state-" + state, text: byState[state] + " " + STATE_LABELS[state].toLowerCase() });
    });
    if (byState.UNKNOWN > 0) {
      stateCounts.push(el("span", { className: "badge count state-UNKNOWN", text: byState.UNKNOWN + " unknown" }));
    }

    var units = (clinic.units || []).map(function (unit) { return unitTile(unit, clinic, nowMs); });

    return el("section", {
      className: "clinic" + ((byState.FAULTED || 0) > 0 ? " has-fault" : ""),
      "data-testid": "clinic-" + clinicId,
      "data-clinic-id": clinicId,
      "aria-label": registered ? clinic.name : clinicId
    }, [
      el("header", { className: "clinic-head" }, [
        el("div", null, [
          el("h2", { className: "clinic-name", text: registered ? clinic.name : (clinicId || "Unassigned units") }),
          el("div", { className: "clinic-meta" }, meta)
        ]),
        clinic.timeZone ? el("div", { className: "clinic-time" }, [
          el("strong", { text: inZone(generatedAt, clinic.timeZone, { hour: "2-digit", minute: "2-digit" }) }),
          "local time"
        ]) : null
      ]),
      el("div", { className: "clinic-totals", "data-testid": "totals" }, [
        el("span", null, [el("span", { className: "num", text: count(totals.units) }), totals.units === 1 ? " unit" : " units"]),
        el("span", { className: "states" }, stateCounts),
        el("span", null, [el("span", { className: "num", "data-testid": "totals-completed", text: count(totals.completedSessions) }), " completed"]),
        el("span", null, [el("span", { className: "num", text: count(totals.abortedSessions) }), " aborted"]),
        el("span", null, [el("span", { className: "num", text: count(totals.runningSessions) }), " running"]),
        el("span", { title: totals.lastSessionEndedAt ? exactTime(totals.lastSessionEndedAt, clinic.timeZone) : null },
          ["last ended ", el("span", { className: "num", text: ago(totals.lastSessionEndedAt, nowMs) })])
      ]),
      units.length ? el("div", { className: "units" }, units) : el("div", { className: "no-units", text: "No units registered here." })
    ]);
  }

  function render(overview) {
    var nowMs = Date.parse(overview.generatedAt);
    if (isNaN(nowMs)) nowMs = Date.now();
    renderFleet(overview.fleet || {});
    renderNotices(overview.sources);
    var clinics = (overview.clinics || []).map(function (clinic) { return clinicCard(clinic, overview.generatedAt, nowMs); });
    if (!clinics.length) {
      var nothing = overview.sources && overview.sources.booking === "unavailable" && overview.sources.gateway === "unavailable"
        ? "Neither booking nor the gateway can be reached, so no clinics can be shown."
        : "No clinics or units are registered yet.";
      clinics = [el("p", { className: "empty", text: nothing })];
    }
    var main = byId("clinics");
    main.replaceChildren.apply(main, clinics);
  }

  function showFreshness() {
    var pulse = byId("pulse");
    var updated = byId("updated");
    if (!lastSuccess) {
      pulse.setAttribute("data-connection", lastFailure ? "stale" : "connecting");
      updated.textContent = lastFailure ? "No data yet" : "Connecting…";
      return;
    }
    var stale = lastFailure || Date.now() - lastSuccess > pollMs * 3;
    pulse.setAttribute("data-connection", stale ? "stale" : "live");
    updated.textContent = (stale ? "Stale · last update " : "Live · updated ") + new Date(lastSuccess).toLocaleTimeString();
  }

  // ---------- polling ----------

  function fetchJson(url, timeoutMs) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var guard = controller ? setTimeout(function () { controller.abort(); }, timeoutMs) : null;
    return fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .finally(function () { if (guard) clearTimeout(guard); });
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function poll() {
    if (inFlight) return;
    if (document.hidden) { schedule(pollMs); return; }
    inFlight = true;
    fetchJson("api/overview", Math.max(pollMs * 3, 8000))
      .then(function (overview) {
        lastSuccess = Date.now();
        lastFailure = null;
        lastSources = overview.sources || null;
        render(overview);
      })
      .catch(function (error) {
        lastFailure = error && error.name === "AbortError" ? "timed out" : (error && error.message) || "network error";
        renderNotices(lastSources);
      })
      .finally(function () {
        inFlight = false;
        showFreshness();
        schedule(pollMs);
      });
  }

  function start() {
    fetchJson("api/config", 5000)
      .then(function (config) {
        if (config && config.pollIntervalMs > 0) pollMs = config.pollIntervalMs;
      })
      .catch(function () { /* keep the default interval */ })
      .finally(poll);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && !inFlight) schedule(0);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
