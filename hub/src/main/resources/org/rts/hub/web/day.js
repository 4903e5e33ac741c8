"use strict";
// The day in pictures: charts drawn with Apache ECharts (served by the hub, /echarts.min.js) from /api/day and
// /api/unit-history. Loaded after ops.js, whose t(), safe(), lang and $ it uses. Right to left in Arabic: time
// runs from the right, the value axis stands on the right, and the legends read from the right.
const charts = {};
let day = null, unitHistory = null;
const COLOURS = { ONLINE: "#176f2c", SILENT: "#e07b00", LOST: "#b00020", OFFLINE: "#7a5d00" };
function chart(id) {
  if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: "canvas" });
  return charts[id];
}
/** The options every chart shares, turned for the page's direction. */
function base(title, yName) {
  const rtl = lang === "ar";
  return {
    animation: false,
    textStyle: { fontFamily: "DejaVu Sans, sans-serif" },
    title: { text: title, left: rtl ? "right" : "left", textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 22, left: rtl ? "right" : "left", align: rtl ? "right" : "left", width: "90%" },
    grid: { top: 60, left: rtl ? 20 : 55, right: rtl ? 55 : 20, bottom: 30 },
    xAxis: { type: "time", inverse: rtl },
    yAxis: { type: "value", name: yName, position: rtl ? "right" : "left", nameLocation: "end" }
  };
}
function points(name) { return (day && day.series[name]) || []; }
function percentSeries(area) {
  const voters = points("voters:" + area), registered = points("registered:" + area);
  return voters.map((p, i) => [p[0], registered[i] && registered[i][1] ? +(100 * p[1] / registered[i][1]).toFixed(2) : null]);
}
function areaName(area) { return area === "" ? t("nation") : safe(area); }
function drawDay() {
  if (!day || typeof echarts === "undefined") return;
  performance.mark("day-start");
  const areas = Object.keys(day.series).filter((k) => k.startsWith("voters:")).map((k) => k.substring(7))
    .sort((a, b) => a === "" ? -1 : b === "" ? 1 : a.localeCompare(b));
  const turnout = base(t("chart-turnout"), "%");
  turnout.series = areas.map((a) => ({ name: areaName(a), type: "line", showSymbol: false, data: percentSeries(a),
    lineStyle: { width: a === "" ? 3 : 1 } }))
    .concat(Object.entries(day.reference).map(([a, pts]) => ({ name: t("reference") + " " + areaName(a),
      type: "line", showSymbol: false, data: pts, lineStyle: { type: "dashed", width: a === "" ? 2 : 1 } })));
  chart("chart-turnout").setOption(turnout, true);
  const units = base(t("chart-units"), "");
  units.series = ["ONLINE", "SILENT", "LOST", "OFFLINE"].map((s) => ({ name: t(s.toLowerCase()), type: "line",
    stack: "units", areaStyle: {}, showSymbol: false, color: COLOURS[s], data: points("units:" + s) }));
  chart("chart-units").setOption(units, true);
  const results = base(t("chart-results"), "");
  results.series = [{ name: t("received"), type: "line", showSymbol: false, data: points("results:"),
    markLine: { symbol: "none", label: { position: "insideEndTop", formatter: t("expected") + " "
      + (day.expected[""] || 0) },
      data: [{ yAxis: day.expected[""] || 0 }] } }];
  if (day.closes) results.xAxis.min = Date.parse(day.closes) - 3600000;
  chart("chart-results").setOption(results, true);
  performance.measure("day", "day-start"); // the cost of drawing the day's charts, read by the tests
}
function drawUnit() {
  const box = $("chart-unit");
  if (!box || !unitHistory || typeof echarts === "undefined") return;
  const p = unitHistory.points;
  const opt = base(t("chart-unit"), "%");
  const rtl = lang === "ar";
  opt.yAxis = [opt.yAxis, { type: "value", name: "dBm", position: rtl ? "left" : "right" },
    { type: "value", name: t("pending"), position: rtl ? "left" : "right", offset: 45 }];
  opt.grid.left = 55; opt.grid.right = 95;
  opt.series = [
    { name: t("battery"), type: "line", showSymbol: false, data: p.map((x) => [Date.parse(x.at), x.battery]) },
    { name: t("signal"), type: "line", showSymbol: false, yAxisIndex: 1, data: p.map((x) => [Date.parse(x.at), x.signal]) },
    { name: t("pending"), type: "bar", yAxisIndex: 2, data: p.map((x) => [Date.parse(x.at), x.pending]) }];
  chart("chart-unit").setOption(opt, true);
  const m = unitHistory.maintenance;
  $("unit-battery").textContent = !m ? "" : t("cycles") + " " + m.cycles + " · " + t("last-full") + " "
    + (m.lastFull ? new Date(m.lastFull).toISOString().substring(0, 16).replace("T", " ") : "-") + " · "
    + t("time-to-full") + " " + (m.lastChargeMinutes === null ? "-" : m.lastChargeMinutes + " " + t("minutes")
    + " (" + t("from") + " " + Math.round(m.lastChargeFrom) + "%)") + " · " + t("drain") + " "
    + (m.firstDrain === null ? "-" : m.firstDrain + " → " + m.lastDrain + " %/h")
    + (m.due.length ? " · " + t("due") + ": " + m.due.join("; ") : "");
}
async function loadDay() {
  const r = await fetch("/api/day?hours=24");
  if (r.ok) { day = await r.json(); drawDay(); }
}
async function loadUnitHistory(device) {
  unitHistory = null;
  const r = await fetch("/api/unit-history?id=" + encodeURIComponent(device));
  if (r.ok) { unitHistory = await r.json(); drawUnit(); }
}
let maintenance = [];
function drawMaintenance() {
  const body = $("maintenance").tBodies[0];
  body.replaceChildren();
  const due = maintenance.filter((m) => m.due.length);
  $("maintenance-summary").textContent = due.length + " / " + maintenance.length;
  due.slice(0, 200).forEach((m) => {
    const tr = body.insertRow();
    cell(tr, m.device); cell(tr, m.station); cell(tr, m.region); cell(tr, m.percent === null ? "?" : Math.round(m.percent) + "%");
    cell(tr, m.cycles); cell(tr, m.lastFull || "-"); cell(tr, m.firstDrain === null ? "-" : m.firstDrain + " → " + m.lastDrain);
    cell(tr, m.due.join("; "));
  });
}
async function loadMaintenance() {
  const r = await fetch("/api/maintenance");
  if (r.ok) { maintenance = await r.json(); drawMaintenance(); }
}
let missing = [];
function drawMissing() {
  $("missing-summary").textContent = missing.length ? "(" + missing.length + ")" : "";
  const regions = {};
  missing.forEach((m) => { regions[m.region] = (regions[m.region] || 0) + 1; });
  $("missing-regions").textContent = Object.entries(regions).sort()
    .map(([r, n]) => (r === "" ? "-" : safe(r)) + " " + n).join(" · ");
  const body = $("missing").tBodies[0];
  body.replaceChildren();
  missing.slice(0, 200).forEach((m) => {
    const tr = body.insertRow();
    cell(tr, m.region); cell(tr, m.station); cell(tr, m.device || "-");
    cell(tr, m.lastSeen ? new Date(m.lastSeen).toISOString().substring(0, 16).replace("T", " ") : t("never"));
  });
}
async function loadMissing() {
  const r = await fetch("/api/missing");
  if (r.ok) { missing = await r.json(); drawMissing(); }
}
let readiness = [];
function drawReadiness() {
  const ready = readiness.filter((l) => l.ready).length;
  $("readiness-summary").textContent = ready + " / " + readiness.length + " " + t("ready");
  const regions = {};
  readiness.forEach((l) => { const r = regions[l.region] || (regions[l.region] = [0, 0]); r[1]++; if (l.ready) r[0]++; });
  $("readiness-regions").textContent = Object.entries(regions).sort()
    .map(([r, n]) => (r === "" ? "-" : safe(r)) + " " + n[0] + "/" + n[1]).join(" · ");
  const body = $("readiness").tBodies[0];
  body.replaceChildren();
  readiness.filter((l) => !l.ready).slice(0, 200).forEach((l) => {
    const tr = body.insertRow();
    cell(tr, l.device); cell(tr, l.station); cell(tr, l.region); cell(tr, l.lastSeen || "-");
    cell(tr, l.battery === null ? "?" : Math.round(l.battery) + "%"); cell(tr, l.why.join("; "));
    cell(tr, l.todo.join("; "));
  });
}
async function loadReadiness() {
  const r = await fetch("/api/readiness");
  if (r.ok) { readiness = await r.json(); drawReadiness(); }
}
function redrawCharts() { drawDay(); drawUnit(); drawReadiness(); drawMissing(); }
window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
loadDay();
loadMaintenance();
loadReadiness();
loadMissing();
setInterval(loadMissing, 60000);
setInterval(loadDay, 60000);
setInterval(loadMaintenance, 300000);
setInterval(loadReadiness, 300000);
