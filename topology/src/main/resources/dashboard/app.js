// The live dashboard: polls /api/dashboard (windows of the pipeline's state stores) and draws small SVG line
// charts itself (no library, no network beyond the pipeline). Anomalies and proposals come from /api/anomalies and
// /api/proposals when the pipeline serves them (the insight application runs): anomalies are marked on the plots
// (red) and plotted by score over time, proposals are marked where they were made (green) and drawn on a timeline
// with their status and outcome; otherwise their sections show an empty state.
"use strict";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 5000;
let anomalies = [];
let proposals = [];
let range = null; // [first, last] window start of the metric plots, so the insight plots share their time axis
const STATUS_COLORS = {OPEN: "#1f77b4", SUPERSEDED: "#9aa3ad", EXPIRED: "#bcbd22", LIFTED: "#2ca02c", ROLLED_BACK: "#d62728"};
const VERDICT_COLORS = {IMPROVED: "#2ca02c", NO_EFFECT: "#7f7f7f", REGRESSED: "#d62728", INCONCLUSIVE: "#ff7f0e"};
const SEVERITY_COLORS = {INFO: "#17becf", WARNING: "#ff7f0e", CRITICAL: "#d62728"};

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
  axes(svg, W, H, L, R, T, B, t0, t1, v0, v1, x, y);
  let marked = 0;
  for (const m of markers || []) {
    if (m.t >= t0 && m.t <= t1) {
      const line = el("svg:line", {class: m.kind || "anomaly", x1: x(m.t), x2: x(m.t), y1: T, y2: H - B}, svg);
      el("svg:title", {text: m.label}, line);
      marked++;
    }
  }
  svg.setAttribute("data-markers", marked);
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

/** Anomalies of the dimension (or of the totals) as red markers, and every proposal where it was made, green. */
function markers(dimension) {
  return anomalies.filter(a => !dimension || a.dimension === dimension || a.dimension === "ALL")
    .map(a => ({t: a.windowStart, kind: "anomaly", label: `${a.severity || ""} ${a.metric} ${a.dimension}|${a.dimensionKey}`}))
    .concat(proposals.map(p => ({t: p.createdAt, kind: "proposal", label: `proposal ${p.kind} ${target(p)} (${p.status})`})));
}

function target(p) {
  return p.target ? `${p.target.type}:${p.target.key}` : "";
}

/** Anomalies over event time: one dot per anomaly at its window, height its score, colour its severity. */
function anomalyPlot(parent) {
  const card = el("div", {class: "card wide", id: "anomaly-plot"}, parent);
  el("h3", {text: "Anomalies by window (score; colour = severity)"}, card);
  const W = 1300, H = 150, L = 44, R = 8, T = 8, B = 22;
  const svg = el("svg:svg", {class: "chart", viewBox: `0 0 ${W} ${H}`, "data-points": 0}, card);
  const pts = anomalies.map(a => [a.windowStart, a.score === null || !isFinite(a.score) ? 0 : Math.abs(a.score), a]);
  if (pts.length === 0) {
    el("svg:text", {x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty", text: "no anomalies yet"}, svg);
    return;
  }
  let t0 = Math.min(...pts.map(p => p[0]), ...(range ? [range[0]] : []));
  let t1 = Math.max(...pts.map(p => p[0]), ...(range ? [range[1]] : []));
  if (t1 === t0) { t0 -= 60000; t1 += 60000; }
  const v1 = Math.max(1, ...pts.map(p => p[1]));
  const x = t => L + (t - t0) / (t1 - t0) * (W - L - R);
  const y = v => T + (1 - v / v1) * (H - T - B);
  axes(svg, W, H, L, R, T, B, t0, t1, 0, v1, x, y);
  for (const [t, v, a] of pts) {
    const dot = el("svg:circle", {class: "anomaly-dot", cx: x(t), cy: y(v), r: 3.5, fill: SEVERITY_COLORS[a.severity] || "#d62728"}, svg);
    el("svg:title", {text: `${a.severity} ${a.metric} ${a.dimension}|${a.dimensionKey}: observed ${fmt(a.observed || 0)}, expected ${fmt(a.expected || 0)}`}, dot);
  }
  svg.setAttribute("data-points", pts.length);
  legend(card, SEVERITY_COLORS);
}

/**
 * Proposals on a timeline: one row per proposal (latest last), a bar from when it was made to when it expired or
 * was measured, coloured by its status; its outcome verdict as a diamond at the end of the measured period.
 */
function proposalTimeline(parent) {
  const card = el("div", {class: "card wide", id: "proposal-timeline"}, parent);
  el("h3", {text: "Proposals (bar: status; diamond: measured outcome)"}, card);
  const rows = proposals.slice(-14);
  const L = 250, R = 8, T = 6, B = 22, ROW = 16;
  const W = 1300, H = T + B + Math.max(1, rows.length) * ROW;
  const svg = el("svg:svg", {class: "chart", viewBox: `0 0 ${W} ${H}`, "data-proposals": rows.length,
    "data-outcomes": 0}, card);
  if (rows.length === 0) {
    el("svg:text", {x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty", text: "no proposals yet"}, svg);
    return;
  }
  const end = p => p.outcome ? p.outcome.afterEnd : Math.min(p.expiresAt, p.createdAt + 3600000);
  let t0 = Math.min(...rows.map(p => p.createdAt), ...(range ? [range[0]] : []));
  let t1 = Math.max(...rows.map(end));
  if (t1 <= t0) { t1 = t0 + 60000; }
  const x = t => L + (Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0) * (W - L - R);
  for (let i = 0; i <= 3; i++) {
    const t = t0 + (t1 - t0) * i / 3;
    el("svg:text", {x: x(t), y: H - 6, "text-anchor": i === 0 ? "start" : i === 3 ? "end" : "middle", text: hhmm(t)}, svg);
  }
  el("svg:line", {class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B}, svg);
  let measured = 0;
  rows.forEach((p, i) => {
    const yy = T + i * ROW;
    el("svg:text", {x: L - 6, y: yy + 11, "text-anchor": "end", text: `${p.kind} ${p.target ? p.target.key : ""}`.slice(0, 40)}, svg);
    const bar = el("svg:rect", {class: "proposal-bar", x: x(p.createdAt), y: yy + 2, height: ROW - 5,
      width: Math.max(2, x(end(p)) - x(p.createdAt)), fill: STATUS_COLORS[p.status] || "#1f77b4", "data-status": p.status}, svg);
    el("svg:title", {text: `${p.kind} ${target(p)} ${p.action} ${JSON.stringify(p.parameters || {})}: ${p.status}`}, bar);
    if (p.outcome) {
      const cx = x(end(p)), cy = yy + ROW / 2;
      const d = el("svg:path", {class: "outcome", d: `M${cx},${cy - 6} L${cx + 6},${cy} L${cx},${cy + 6} L${cx - 6},${cy} Z`,
        fill: VERDICT_COLORS[p.outcome.verdict] || "#7f7f7f", "data-verdict": p.outcome.verdict}, svg);
      el("svg:title", {text: `outcome ${p.outcome.verdict}: ` + (p.outcome.effects || [])
        .map(e => `${e.metric} ${e.relativeDelta === null ? "?" : (e.relativeDelta * 100).toFixed(1) + "%"}`).join(", ")}, d);
      measured++;
    }
  });
  svg.setAttribute("data-outcomes", measured);
  legend(card, Object.assign({}, STATUS_COLORS, ...Object.entries(VERDICT_COLORS).map(([k, v]) => ({["◆ " + k]: v}))));
}

function legend(card, colors) {
  const box = el("div", {class: "legend"}, card);
  for (const [name, c] of Object.entries(colors)) {
    el("span", {style: "--c:" + c, text: name}, box);
  }
}

function axes(svg, W, H, L, R, T, B, t0, t1, v0, v1, x, y) {
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
  const p = await getJson("/api/proposals");
  proposals = p && Array.isArray(p.items) ? p.items : [];
  const ap = document.getElementById("anomaly-plots");
  ap.replaceChildren();
  if (a && a.available === false) {
    el("div", {class: "list empty", text: "anomaly detection is not part of this pipeline"}, ap);
  } else {
    anomalyPlot(ap);
  }
  list("anomalies", anomalies.slice(-8).reverse(), [
    ["window", x => new Date(x.windowStart).toISOString()], ["severity", x => x.severity, true],
    ["metric", x => x.metric], ["series", x => `${x.dimension}|${x.dimensionKey}`],
    ["observed", x => fmt(x.observed || 0)], ["expected", x => fmt(x.expected || 0)]],
    a && a.available === false ? "" : "no anomalies detected");
  const pp = document.getElementById("proposal-plots");
  pp.replaceChildren();
  if (p && p.available === false) {
    el("div", {class: "list empty", text: "proposals are not part of this pipeline"}, pp);
  } else {
    proposalTimeline(pp);
  }
  list("proposals", proposals.slice(-12).reverse(), [
    ["target", x => target(x)], ["kind", x => x.kind], ["action", x => x.action],
    ["status", x => x.status, true], ["outcome", x => x.outcome ? x.outcome.verdict : "pending", true]],
    p && p.available === false ? "" : "no proposals yet");
  document.getElementById("insight-counts").textContent = a && a.available !== false
    ? `(${a.total || 0} anomalies, ${p ? p.total || 0 : 0} proposals, ${proposals.filter(x => x.outcome).length} measured)` : "";
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const d = await getJson("/api/dashboard?minutes=60");
    if (!d) { throw new Error("no answer"); }
    if (d.windows.length > 0) {
      range = [d.windows[0].windowStart, d.windows[d.windows.length - 1].windowStart];
    }
    await refreshInsights(); // before the metric plots, which mark the anomalies and proposals
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
