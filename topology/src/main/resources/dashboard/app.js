// The live dashboard: polls /api/dashboard (windows of the pipeline's state stores) and draws small SVG line
// charts itself (no library, no network beyond the pipeline). Anomalies and proposals come from /api/anomalies and
// /api/proposals when the pipeline serves them; otherwise their sections show an empty state.
"use strict";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 5000;
let anomalies = [];

function el(tag, attrs, parent) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") { e.textContent = v; } else { e.setAttribute(k, v); }
  }
  if (parent) { parent.appendChild(e); }
  return e;
}

function fmt(v) {
  const a = Math.abs(v);
  if (a >= 1e6) { return (v / 1e6).toFixed(1) + "M"; }
  if (a >= 1e3) { return (v / 1e3).toFixed(1) + "k"; }
  if (a >= 10 || v === 0) { return v.toFixed(0); }
  if (a >= 0.1) { return v.toFixed(2); }
  return v.toPrecision(2);
}

function hhmm(ms) {
  return new Date(ms).toISOString().substring(11, 16);
}

/** One chart: series [{name, points: [[t, v], ...]}], vertical markers at times; returns the card. */
function lineChart(parent, id, title, series, markers) {
  const card = el("div", {class: "card", id: id}, parent);
  el("h3", {text: title}, card);
  const W = 420, H = 170, L = 44, R = 8, T = 8, B = 22;
  const svg = el("svg:svg", {class: "chart", viewBox: `0 0 ${W} ${H}`, "data-series": 0, "data-points": 0}, card);
  const pts = series.flatMap(s => s.points);
  if (pts.length === 0) {
    el("svg:text", {x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty", text: "no data yet"}, svg);
    return card;
  }
  let t0 = Math.min(...pts.map(p => p[0])), t1 = Math.max(...pts.map(p => p[0]));
  if (t1 === t0) { t0 -= 60000; t1 += 60000; }
  let v1 = Math.max(...pts.map(p => p[1]));
  const v0 = Math.min(0, ...pts.map(p => p[1]));
  if (v1 === v0) { v1 = v0 + 1; }
  const x = t => L + (t - t0) / (t1 - t0) * (W - L - R);
  const y = v => T + (1 - (v - v0) / (v1 - v0)) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const v = v0 + (v1 - v0) * i / 4;
    el("svg:line", {class: "grid-line", x1: L, x2: W - R, y1: y(v), y2: y(v)}, svg);
    el("svg:text", {x: L - 4, y: y(v) + 3, "text-anchor": "end", text: fmt(v)}, svg);
  }
  for (let i = 0; i <= 3; i++) {
    const t = t0 + (t1 - t0) * i / 3;
    el("svg:text", {x: x(t), y: H - 6, "text-anchor": i === 0 ? "start" : i === 3 ? "end" : "middle", text: hhmm(t)}, svg);
  }
  el("svg:line", {class: "axis", x1: L, x2: L, y1: T, y2: H - B}, svg);
  el("svg:line", {class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B}, svg);
  for (const m of markers || []) {
    if (m.t >= t0 && m.t <= t1) {
      const line = el("svg:line", {class: "anomaly", x1: x(m.t), x2: x(m.t), y1: T, y2: H - B}, svg);
      el("svg:title", {text: m.label}, line);
    }
  }
  const legend = el("div", {class: "legend"}, card);
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const d = s.points.map((p, j) => (j ? "L" : "M") + x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ");
    el("svg:path", {class: "series", d: d, stroke: c, "data-name": s.name}, svg);
    if (s.points.length === 1) {
      el("svg:circle", {cx: x(s.points[0][0]), cy: y(s.points[0][1]), r: 2.5, fill: c}, svg);
    }
    el("span", {style: "--c:" + c, text: s.name}, legend);
  });
  svg.setAttribute("data-series", series.length);
  svg.setAttribute("data-points", pts.length);
  return card;
}

/** Windows of one dimension grouped by key, each key's points of one numeric field. */
function seriesOf(windows, dimension, pick, limit) {
  const byKey = new Map();
  for (const w of windows) {
    if (w.dimension !== dimension) { continue; }
    const v = pick(w);
    if (v === null || v === undefined || !isFinite(v)) { continue; }
    if (!byKey.has(w.dimensionKey)) { byKey.set(w.dimensionKey, []); }
    byKey.get(w.dimensionKey).push([w.windowStart, v]);
  }
  // The busiest keys first, so a long tail of models does not drown the plot.
  return [...byKey.entries()].map(([name, points]) => ({name, points}))
    .sort((a, b) => b.points.length - a.points.length || a.name.localeCompare(b.name)).slice(0, limit || 8);
}

function totals(windows, fields) {
  const all = windows.filter(w => w.dimension === "ALL");
  return fields.map(([name, pick]) => ({
    name, points: all.map(w => [w.windowStart, pick(w)]).filter(p => p[1] !== null && p[1] !== undefined && isFinite(p[1]))
  })).filter(s => s.points.length > 0);
}

function tiers(windows) {
  const byTier = new Map();
  for (const w of windows) {
    if (w.dimension !== "ALL" || !w.cache || !w.cache.hitRateByTier) { continue; }
    for (const [tier, rate] of Object.entries(w.cache.hitRateByTier)) {
      if (!byTier.has(tier)) { byTier.set(tier, []); }
      byTier.get(tier).push([w.windowStart, rate]);
    }
  }
  return [...byTier.entries()].map(([name, points]) => ({name, points}));
}

function markers(dimension) {
  return anomalies.filter(a => !dimension || a.dimension === dimension || a.dimension === "ALL")
    .map(a => ({t: a.windowStart, label: `${a.severity || ""} ${a.metric} ${a.dimension}|${a.dimensionKey}`}));
}

function latency(windows, dimension, parentId) {
  const parent = document.getElementById(parentId);
  parent.replaceChildren();
  for (const q of ["p50", "p95", "p99"]) {
    lineChart(parent, `${parentId}-${q}`, `${q} latency`,
      seriesOf(windows, dimension, w => w.latency && w.latency.count > 0 ? w.latency[q] : null), markers(dimension));
  }
}

function money(windows) {
  const parent = document.getElementById("money");
  parent.replaceChildren();
  lineChart(parent, "cache-hit-rate", "Cache hit rate by tier", tiers(windows), markers("ALL"));
  lineChart(parent, "cost-savings", "Spend and savings (USD per window)", totals(windows, [
    ["spend", w => w.cost ? w.cost.spendUsd : null], ["savings", w => w.cost ? w.cost.savingsUsd : null],
    ["cache savings", w => w.cache ? w.cache.usdSaved : null]]), markers("ALL"));
  lineChart(parent, "budget-burn", "Budget burn (USD per hour)", totals(windows, [
    ["burn rate", w => w.cost ? w.cost.burnRateUsdPerHour : null]]), markers("ALL"));
  lineChart(parent, "throughput", "Requests and errors per window", totals(windows, [
    ["requests", w => w.requests ? w.requests.count : null], ["errors", w => w.requests ? w.requests.errorCount : null]]),
    markers("ALL"));
}

function list(id, rows, columns, emptyText) {
  const box = document.getElementById(id);
  box.replaceChildren();
  if (!rows || rows.length === 0) {
    box.className = "list empty";
    box.textContent = emptyText;
    return;
  }
  box.className = "list";
  const table = el("table", {}, box);
  const head = el("tr", {}, el("thead", {}, table));
  columns.forEach(([name]) => el("th", {text: name}, head));
  const body = el("tbody", {}, table);
  for (const r of rows) {
    const tr = el("tr", {}, body);
    columns.forEach(([, pick, badge]) => {
      const td = el("td", {}, tr);
      const v = pick(r);
      if (badge) { el("span", {class: "badge " + v, text: v}, td); } else { td.textContent = v === undefined ? "" : v; }
    });
  }
}

async function getJson(url) {
  const r = await fetch(url, {cache: "no-store"});
  return r.ok ? r.json() : null;
}

async function refreshInsights() {
  const a = await getJson("/api/anomalies");
  anomalies = a && Array.isArray(a.items) ? a.items : [];
  list("anomalies", anomalies.slice(-50).reverse(), [
    ["window", x => new Date(x.windowStart).toISOString()], ["severity", x => x.severity, true],
    ["metric", x => x.metric], ["series", x => `${x.dimension}|${x.dimensionKey}`],
    ["observed", x => fmt(x.observed)], ["expected", x => fmt(x.expected)]],
    a && a.available === false ? "anomaly detection is not part of this pipeline yet" : "no anomalies detected");
  const p = await getJson("/api/proposals");
  const proposals = p && Array.isArray(p.items) ? p.items : [];
  list("proposals", proposals, [
    ["target", x => x.target ? `${x.target.type}:${x.target.key}` : x.key], ["kind", x => x.kind],
    ["action", x => x.action], ["status", x => x.status, true], ["outcome", x => x.outcome ? x.outcome.verdict || x.outcome : "", true]],
    p && p.available === false ? "proposals are not part of this pipeline yet" : "no proposals yet");
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    await refreshInsights();
    const d = await getJson("/api/dashboard?minutes=60");
    if (!d) { throw new Error("no answer"); }
    const p = d.pipeline || {};
    const sum = m => Object.values(m || {}).reduce((a, b) => a + b, 0);
    status.textContent = `${d.state} · event time ${d.eventTimeMs ? new Date(d.eventTimeMs).toISOString() : "–"}`
      + ` · events in ${sum(p.eventsIn)} · dead letters ${p.deadLettersTotal || 0} · windows ${d.windows.length}`
      + (d.error ? ` · ${d.error}` : "");
    if (d.error && d.windows.length === 0) { return; } // keep the last plots through a rebalance
    latency(d.windows, "MODEL", "latency-model");
    latency(d.windows, "REQUEST_TYPE", "latency-type");
    money(d.windows);
    document.body.setAttribute("data-loaded", String(Date.now()));
  } catch (e) {
    status.textContent = "pipeline not reachable (" + e.message + "), retrying";
  }
}

refresh();
setInterval(refresh, POLL_MS);
