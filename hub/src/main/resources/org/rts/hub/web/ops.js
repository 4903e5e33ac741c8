"use strict";
const WORDS = {
  en: { title: "Operations room", readiness: "Readiness report (CSV)", "readiness-pdf": "(PDF, by region)", logout: "Sign out", alerts: "Open alerts",
    rule: "Alert", unit: "Unit", station: "Station", detail: "Detail", "open-for": "Open for",
    regions: "Turnout and results by region", region: "Region", stations: "Stations", turnout: "Turnout",
    reported: "Reported", pending: "Pending", rejected: "Rejected", flagged: "Flagged", votes: "Votes",
    units: "Units", "all-states": "All states", "pending-only": "With messages waiting", state: "State",
    "battery-below": "Battery below",
    battery: "Battery", "last-seen": "Last seen", history: "Unit", "unit-alerts": "Its alerts",
    filter: "Filter: unit, station, region", nation: "Nation", minutes: "min",
    constituencies: "Results by constituency and race", constituency: "Constituency", race: "Race", live: "live",
    reconnecting: "reconnecting...", online: "online", lost: "lost", silent: "silent", offline: "offline",
    hub: "This hub", "broker-up": "broker connected", "broker-down": "NOT connected to the broker",
    partitions: "Kafka partitions", lag: "behind", store: "database",
    "station-results": "Its station's results, with the photo of each signed form", figures: "Figures",
    photo: "Photo of the form", "photo-awaited": "signed, not arrived yet", "photo-skipped": "none (allowed)",
    "photo-none": "none (older unit)",
    handling: "Handling", ack: "Acknowledge", assign: "Assign", note: "Note", "acked-by": "acknowledged by",
    "assigned-to": "assigned to", escalated: "ESCALATED", notes: "notes", "assign-to": "Assign the alert to whom?",
    "note-text": "Note on the alert:", done: "done", "viewer-only": "viewer: looking only",
    audit: "Hand-count audit", "audit-seed": "Seed announced in public", "audit-count": "Stations",
    "per-constituency": "per constituency", threshold: "Difference that puts a result under audit (% of ballots in the box)",
    select: "Select the stations", "hand-count": "Hand count", result: "Result", difference: "Difference",
    "in-box": "In the box", invalid: "Invalid", "votes-list": "Votes, in ballot order", enter: "Enter the hand count",
    "audit-none": "No stations selected yet.", "audit-made": "Selected from the seed",
    "under-audit": "Under audit (the hand count differs)",
    day: "The day", "chart-turnout": "Turnout through the day", "chart-units": "Units by state",
    "chart-results": "Results received", "chart-unit": "Battery, signal and messages waiting", reference: "previous election",
    results: "Results", received: "received", expected: "expected", signal: "signal", cycles: "Cycles",
    "last-full": "Last full", "time-to-full": "last charge to full", from: "from", drain: "Drain (%/h)", due: "Due",
    maintenance: "Maintenance: units with checks due", shown: "shown (filter to narrow):",
    missing: "Stations without a result", "last-heard": "Unit last heard", never: "never", "came-by": "Came by",
    "path-mqtt": "network", "path-usb": "USB stick", "path-relay": "observer's phone", "path-": "-",
    stick: "A USB stick from a unit out of coverage", "stick-choose": "Choose the stick's folder",
    "stick-import": "Import and download the receipts", "stick-done": "receipts.zip downloaded: unpack it onto the stick",
    "readiness-title": "Readiness of the units", ready: "ready", "why-not": "Not ready because", todo: "What to do",
    lang: "عربي" },
  ar: { title: "غرفة العمليات", readiness: "تقرير الجاهزية (CSV)", "readiness-pdf": "(PDF، حسب المنطقة)", logout: "خروج", alerts: "التنبيهات المفتوحة",
    rule: "التنبيه", unit: "الجهاز", station: "المحطة", detail: "التفاصيل", "open-for": "مفتوح منذ",
    regions: "المشاركة والنتائج حسب المنطقة", region: "المنطقة", stations: "المحطات", turnout: "المشاركة",
    reported: "أُبلغ", pending: "معلّق", rejected: "مرفوض", flagged: "مُعلَّم", votes: "الأصوات",
    units: "الأجهزة", "all-states": "كل الحالات", "pending-only": "برسائل بانتظار الإرسال", state: "الحالة",
    "battery-below": "البطارية أقل من",
    battery: "البطارية", "last-seen": "آخر اتصال", history: "الجهاز", "unit-alerts": "تنبيهاته",
    filter: "تصفية: جهاز، محطة، منطقة", nation: "الوطني", minutes: "دقيقة",
    constituencies: "النتائج حسب الدائرة والسباق", constituency: "الدائرة", race: "السباق", live: "مباشر",
    reconnecting: "إعادة الاتصال...", online: "متصل", lost: "مفقود", silent: "صامت", offline: "غير متصل",
    hub: "هذا المركز", "broker-up": "متصل بالوسيط", "broker-down": "غير متصل بالوسيط",
    partitions: "أقسام كافكا", lag: "متأخر", store: "قاعدة البيانات",
    "station-results": "نتائج محطته مع صورة كل محضر موقّع", figures: "الأرقام", photo: "صورة المحضر",
    "photo-awaited": "موقّعة، لم تصل بعد", "photo-skipped": "بلا صورة (مسموح)", "photo-none": "بلا صورة (جهاز أقدم)",
    handling: "المعالجة", ack: "إقرار", assign: "إسناد", note: "ملاحظة", "acked-by": "أقرّه",
    "assigned-to": "مسند إلى", escalated: "مُصعَّد", notes: "ملاحظات", "assign-to": "إسناد التنبيه إلى من؟",
    "note-text": "ملاحظة على التنبيه:", done: "تم", "viewer-only": "مشاهد: اطلاع فقط",
    audit: "تدقيق العدّ اليدوي", "audit-seed": "البذرة المعلنة علناً", "audit-count": "المحطات",
    "per-constituency": "لكل دائرة", threshold: "فرق يضع النتيجة قيد التدقيق (% من أوراق الصندوق)",
    select: "اختيار المحطات", "hand-count": "العدّ اليدوي", result: "النتيجة", difference: "الفرق",
    "in-box": "في الصندوق", invalid: "باطلة", "votes-list": "الأصوات بترتيب الورقة", enter: "إدخال العدّ اليدوي",
    "audit-none": "لم تُختر محطات بعد.", "audit-made": "اختيرت من البذرة",
    "under-audit": "قيد التدقيق (العدّ اليدوي مختلف)",
    day: "اليوم", "chart-turnout": "المشاركة خلال اليوم", "chart-units": "الأجهزة حسب الحالة",
    "chart-results": "النتائج الواردة", "chart-unit": "البطارية والإشارة والرسائل المنتظرة", reference: "الانتخابات السابقة",
    results: "النتائج", received: "واردة", expected: "متوقعة", signal: "الإشارة", cycles: "الدورات",
    "last-full": "آخر شحن كامل", "time-to-full": "آخر شحن حتى الامتلاء", from: "من", drain: "التفريغ (%/ساعة)", due: "مستحق",
    maintenance: "الصيانة: أجهزة عليها فحوص مستحقة", shown: "المعروض (صفِّ للتضييق):",
    missing: "محطات بلا نتيجة", "last-heard": "آخر اتصال للجهاز", never: "أبداً", "came-by": "وصلت عبر",
    "path-mqtt": "الشبكة", "path-usb": "ذاكرة USB", "path-relay": "هاتف مراقب", "path-": "-",
    stick: "ذاكرة USB من جهاز خارج التغطية", "stick-choose": "اختر مجلد الذاكرة",
    "stick-import": "استورد ونزّل الإيصالات", "stick-done": "نُزّل receipts.zip: فكّه على الذاكرة",
    "readiness-title": "جاهزية الأجهزة", ready: "جاهزة", "why-not": "غير جاهز لأن", todo: "ما يجب فعله",
    lang: "Français" },
  fr: { title: "Salle des opérations", readiness: "Rapport de préparation (CSV)", "readiness-pdf": "(PDF, par région)", logout: "Déconnexion",
    alerts: "Alertes ouvertes", rule: "Alerte", unit: "Unité", station: "Bureau", detail: "Détail",
    "open-for": "Ouverte depuis", regions: "Participation et résultats par région", region: "Région",
    stations: "Bureaux", turnout: "Participation", reported: "Transmis", pending: "En attente", rejected: "Refusés",
    flagged: "Signalés", votes: "Voix", units: "Unités", "all-states": "Tous les états",
    "pending-only": "Avec des messages en attente", state: "État", "battery-below": "Batterie sous",
    battery: "Batterie", "last-seen": "Dernier contact", history: "Unité", "unit-alerts": "Ses alertes",
    filter: "Filtre : unité, bureau, région", nation: "National", minutes: "min",
    constituencies: "Résultats par circonscription et scrutin", constituency: "Circonscription", race: "Scrutin",
    live: "en direct", reconnecting: "reconnexion...", online: "en ligne", lost: "perdue", silent: "muette",
    offline: "hors ligne", hub: "Ce centre", "broker-up": "connecté au courtier",
    "broker-down": "NON connecté au courtier", partitions: "Partitions Kafka", lag: "de retard",
    store: "base de données",
    "station-results": "Résultats de son bureau, avec la photo de chaque procès-verbal signé", figures: "Chiffres",
    photo: "Photo du procès-verbal", "photo-awaited": "signée, pas encore arrivée", "photo-skipped": "aucune (permis)",
    "photo-none": "aucune (unité ancienne)",
    handling: "Traitement", ack: "Acquitter", assign: "Attribuer", note: "Note", "acked-by": "acquittée par",
    "assigned-to": "attribuée à", escalated: "ESCALADÉE", notes: "notes", "assign-to": "Attribuer l'alerte à qui ?",
    "note-text": "Note sur l'alerte :", done: "fait", "viewer-only": "observateur : consultation seule",
    audit: "Audit par recomptage manuel", "audit-seed": "Graine annoncée en public", "audit-count": "Bureaux",
    "per-constituency": "par circonscription", threshold: "Écart qui met un résultat en audit (% des bulletins dans l'urne)",
    select: "Tirer les bureaux", "hand-count": "Recomptage", result: "Résultat", difference: "Écart",
    "in-box": "Dans l'urne", invalid: "Nuls", "votes-list": "Voix, dans l'ordre du bulletin", enter: "Saisir le recomptage",
    "audit-none": "Aucun bureau tiré.", "audit-made": "Tirés de la graine",
    "under-audit": "En audit (le recomptage diffère)",
    day: "La journée", "chart-turnout": "Participation au fil de la journée", "chart-units": "Unités par état",
    "chart-results": "Résultats reçus", "chart-unit": "Batterie, signal et messages en attente", reference: "élection précédente",
    results: "Résultats", received: "reçus", expected: "attendus", signal: "signal", cycles: "Cycles",
    "last-full": "Dernière charge complète", "time-to-full": "dernière charge complète en", from: "depuis", drain: "Décharge (%/h)",
    due: "À faire", maintenance: "Maintenance : unités avec des contrôles à faire", shown: "affichées (filtrez pour réduire) :",
    missing: "Bureaux sans résultat", "last-heard": "Unité entendue", never: "jamais", "came-by": "Arrivé par",
    "path-mqtt": "réseau", "path-usb": "clé USB", "path-relay": "téléphone d'observateur", "path-": "-",
    stick: "Une clé USB d'une unité hors couverture", "stick-choose": "Choisir le dossier de la clé",
    "stick-import": "Importer et télécharger les reçus", "stick-done": "receipts.zip téléchargé : décompressez-le sur la clé",
    "readiness-title": "Préparation des unités", ready: "prêtes", "why-not": "Pas prête car", todo: "À faire",
    lang: "English" }
};
/** The language the button turns to next: English, Arabic, French, and round again. */
const NEXT = { en: "ar", ar: "fr", fr: "en" };
let lang = localStorage.getItem("rts-lang") || "en";
let data = { units: [], alerts: [], tally: null };
let byDevice = new Map();
let sortKey = "device", sortUp = true, selected = null, history = [], stationResults = [], me = { role: "VIEWER" };
const $ = (id) => document.getElementById(id);
const t = (key) => (WORDS[lang] && WORDS[lang][key]) || key;
// every value from the hub is shown as text: markup never runs, and bidi controls are shown, not obeyed
const safe = (v) => v === null || v === undefined ? "" : String(v).replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
  (c) => "[U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0") + "]");
function cell(row, value, cls, ours) {
  const td = document.createElement("td");
  const b = document.createElement("bdi");
  b.textContent = ours ? String(value) : safe(value);
  td.appendChild(b);
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}
function applyLanguage() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = t(e.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((e) => { e.placeholder = t(e.dataset.tp); });
  $("lang").textContent = t("lang");
  render();
  if (typeof redrawCharts === "function") redrawCharts();
}
const regionOf = {};
/** Rows of the units table drawn at once: the filters narrow a national fleet down to them. */
const SHOWN = 500;
function render() {
  performance.mark("render-start");
  const tally = data.tally;
  if (tally) tally.stations.forEach((s) => { regionOf[s.station] = s.region; });
  const counts = {};
  data.units.forEach((u) => { counts[u.state] = (counts[u.state] || 0) + 1; });
  $("summary").textContent = ["ONLINE", "SILENT", "LOST", "OFFLINE"].map((s) => t(s.toLowerCase()) + " "
    + (counts[s] || 0)).join(" · ") + " · " + t("alerts") + " " + data.alerts.length;
  const hub = data.hub;
  $("hub").className = hub && !hub.ok ? "problem" : "";
  $("hub").textContent = !hub ? "" : t("hub") + ": " + t(hub.brokerConnected ? "broker-up" : "broker-down")
    + (hub.kafka ? " · " + t("partitions") + " " + (hub.kafka.partitions.join(", ") || "-") + " · " + t("lag") + " "
      + hub.kafka.lag : "") + (hub.storeServer ? " · " + t("store") + " " + safe(hub.storeServer) : "")
    + (hub.problems.length ? " · " + safe(hub.problems.join("; ")) : "");
  const now = Date.now();
  const alerts = $("alerts").tBodies[0];
  alerts.replaceChildren();
  data.alerts.forEach((h) => {
    const a = h.alert;
    const tr = alerts.insertRow();
    tr.className = h.escalatedAt && !h.acknowledgedAt ? "alert escalated" : "alert";
    tr.dataset.alert = a.rule + "|" + a.subject;
    cell(tr, a.rule); cell(tr, a.subject); cell(tr, a.station); cell(tr, a.detail);
    cell(tr, Math.floor((now - Date.parse(a.opened)) / 60000) + " " + t("minutes"));
    cell(tr, handling(h));
    const buttons = tr.insertCell();
    if (!["OPERATOR", "ADMINISTRATOR"].includes(me.role)) return; // a viewer changes nothing
    (h.acknowledgedAt ? ["assign", "note"] : ["ack", "assign", "note"]).forEach((action) => {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = t(action); b.className = action;
      b.onclick = () => act(h, action);
      buttons.appendChild(b);
    });
  });
  const regionRows = $("regions").tBodies[0];
  regionRows.replaceChildren();
  if (tally) {
    // stations without a region are only listed apart when some stations have one
    const regions = tally.regions.filter((r) => r.region !== "" || tally.regions.length > 1);
    [tally.nation].concat(regions).forEach((r, i) => {
      const tr = regionRows.insertRow();
      const race = r.races[0] || { reported: 0, pending: 0, rejected: 0, flagged: 0, votes: {} };
      cell(tr, i === 0 ? t("nation") : r.region === "" ? "-" : r.region);
      cell(tr, r.stations);
      cell(tr, r.turnout + (r.registered ? " (" + (100 * r.turnout / r.registered).toFixed(1) + "%)" : ""));
      cell(tr, race.reported); cell(tr, race.pending); cell(tr, race.rejected); cell(tr, race.flagged);
      cell(tr, Object.entries(race.votes).map(([c, n]) => c + " " + n).join(", "));
    });
  }
  $("under-audit").textContent = tally && tally.underAudit && tally.underAudit.length
    ? t("under-audit") + ": " + tally.underAudit.map(safe).join(", ") : "";
  const constituencyRows = $("constituencies").tBodies[0];
  constituencyRows.replaceChildren();
  $("constituencies-section").hidden = !tally || !tally.constituencies || tally.constituencies.length === 0;
  if (tally && tally.constituencies) {
    tally.constituencies.forEach((c) => c.races.forEach((race) => {
      const tr = constituencyRows.insertRow();
      cell(tr, c.region); cell(tr, race.race); cell(tr, race.stations); cell(tr, race.reported);
      cell(tr, race.pending); cell(tr, race.rejected); cell(tr, race.flagged);
      cell(tr, Object.entries(race.votes).map(([k, n]) => k + " " + n).join(", "));
    }));
  }
  const filter = $("filter").value.toLowerCase();
  const state = $("state").value;
  const pendingOnly = $("pending-only").checked;
  const below = $("battery-below").value === "" ? null : Number($("battery-below").value);
  const rows = data.units.map((u) => ({ device: u.device, station: u.station, region: regionOf[u.station] || "",
    state: u.state, battery: u.telemetry && u.telemetry.battery !== null ? u.telemetry.battery : null,
    pending: u.telemetry ? u.telemetry.pending : null, lastSeen: u.lastSeen, raw: u }))
    .filter((r) => (!state || r.state === state) && (!pendingOnly || r.pending > 0)
      && (below === null || (r.battery !== null && r.battery < below))
      && (!filter || (r.device + " " + r.station + " " + r.region).toLowerCase().includes(filter)))
    .sort((a, b) => { const x = a[sortKey], y = b[sortKey];
      const c = x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1; return sortUp ? c : -c; });
  const units = $("units").tBodies[0];
  units.replaceChildren();
  $("units-shown").textContent = rows.length > SHOWN ? t("shown") + " " + SHOWN + " / " + rows.length : "";
  rows.slice(0, SHOWN).forEach((r) => {
    const tr = units.insertRow();
    tr.dataset.device = r.device;
    cell(tr, r.device); cell(tr, r.station); cell(tr, r.region); cell(tr, t(r.state.toLowerCase()), r.state);
    cell(tr, r.battery === null ? "?" : Math.round(r.battery) + "%"); cell(tr, r.pending === null ? "?" : r.pending);
    cell(tr, r.lastSeen ? new Date(r.lastSeen).toLocaleString(lang === "ar" ? "ar-u-nu-latn" : lang === "fr" ? "fr-FR" : "en-GB") : "", null,
      true);
    tr.onclick = () => { selected = r.device; stationResults = []; loadHistory(); loadStation(); render();
      loadUnitHistory(r.device); };
  });
  renderUnit();
  renderAudit();
  performance.measure("render", "render-start"); // the cost of one update, read by the tests
}
function renderUnit() {
  const u = data.units.find((x) => x.device === selected);
  $("unit").hidden = !u;
  if (!u) return;
  $("unit-name").textContent = safe(u.device);
  const body = $("unit-details").tBodies[0];
  body.replaceChildren();
  const tm = u.telemetry || {};
  [["state", u.state], ["last-seen", u.lastSeen], ["battery", tm.battery], ["pending", tm.pending]]
    .concat(Object.entries(tm).filter(([k]) => !["battery", "pending"].includes(k)))
    .concat(u.flags.map((f) => ["flag", f])).forEach(([k, v]) => {
      const tr = body.insertRow(); cell(tr, t(k)); cell(tr, v);
    });
  const alerts = $("unit-alerts").tBodies[0];
  alerts.replaceChildren();
  history.filter((h) => h.alert.subject === u.device).forEach((h) => {
    const a = h.alert;
    const tr = alerts.insertRow(); cell(tr, a.rule); cell(tr, a.detail); cell(tr, a.opened); cell(tr, a.closed || "");
    cell(tr, handling(h));
  });
  renderStation();
}
/** What was done about an alert, in a line: acknowledged, assigned, escalated, its notes. */
function handling(h) {
  const notes = h.actions.filter((e) => e.action === "NOTE");
  return [h.acknowledgedBy ? t("acked-by") + " " + h.acknowledgedBy : "",
    h.assignee ? t("assigned-to") + " " + h.assignee : "", h.escalatedAt && !h.acknowledgedAt ? t("escalated") : "",
    notes.length ? t("notes") + " " + notes.length + ": " + notes[notes.length - 1].detail : ""]
    .filter((s) => s).join(" · ");
}
async function act(h, action) {
  let detail = "";
  if (action !== "ack") {
    detail = prompt(t(action === "assign" ? "assign-to" : "note-text"));
    if (!detail) return;
  }
  const body = new URLSearchParams({ csrf: document.querySelector("input[name=csrf]").value, rule: h.alert.rule,
    subject: h.alert.subject, opened: h.alert.opened, action, detail });
  const r = await fetch("/api/alerts/act", { method: "POST", body });
  if (!r.ok) { $("status").textContent = await r.text(); return; }
  const done = await r.json();
  data.alerts = data.alerts.map((x) => x.alert.rule === done.alert.rule && x.alert.subject === done.alert.subject
    && x.alert.opened === done.alert.opened ? done : x);
  $("status").textContent = t("done");
  render();
}
function renderStation() {
  const body = $("station-results").tBodies[0];
  body.replaceChildren();
  stationResults.forEach((r) => {
    const tr = body.insertRow();
    cell(tr, r.race);
    cell(tr, r.registered + " / " + r.received + " / " + r.inBox + " / " + r.invalid);
    cell(tr, r.votes.join(", "));
    const td = cell(tr, r.photoState === "arrived" ? "" : t("photo-" + r.photoState));
    if (r.photoState === "arrived") {
      // the hub serves a photo only by the hash the unit signed
      const a = document.createElement("a");
      a.href = "/photo/" + encodeURIComponent(r.photo) + ".jpg";
      a.target = "_blank";
      const img = document.createElement("img");
      img.src = a.href; img.alt = t("photo"); img.className = "form-photo";
      a.appendChild(img); td.appendChild(a);
    }
    cell(tr, t("path-" + (r.path || "").split(":")[0]) + ((r.path || "").includes(":") ? " " + r.path.split(":")[1] : ""));
  });
}
async function loadStation() {
  const u = data.units.find((x) => x.device === selected);
  if (!u) return;
  const r = await fetch("/api/station?id=" + encodeURIComponent(u.station));
  if (r.ok) { stationResults = await r.json(); renderStation(); }
}
let audit = { selection: null, rows: [] };
function renderAudit() {
  const s = audit.selection;
  const canCount = ["OPERATOR", "ADMINISTRATOR"].includes(me.role);
  $("audit-select").hidden = !!s || me.role !== "ADMINISTRATOR";
  $("audit-count").hidden = !s || !canCount;
  $("audit-summary").textContent = !s ? t("audit-none") : t("audit-made") + " « " + safe(s.seed) + " » (" + s.count
    + (s.perConstituency ? " " + t("per-constituency") : "") + ", " + s.thresholdPercent + " %): " + safe(s.user) + ", "
    + s.at;
  const body = $("audit").tBodies[0];
  body.replaceChildren();
  const stations = [];
  audit.rows.forEach((r) => {
    const tr = body.insertRow();
    tr.className = r.state === "UNDER AUDIT" ? "alert" : "";
    tr.dataset.station = r.station;
    cell(tr, r.rank, null, true); cell(tr, r.station); cell(tr, r.race);
    cell(tr, r.hand ? r.hand.inBox + " / " + r.hand.invalid + " / " + r.hand.votes.join(", ") : "");
    cell(tr, r.result ? r.result.inBox + " / " + r.result.invalid + " / " + r.result.votes.join(", ") : "");
    cell(tr, r.comparison ? r.comparison.difference + " (" + r.comparison.percent.toFixed(1) + " %)" : "");
    cell(tr, r.state);
    if (!stations.includes(r.station)) stations.push(r.station);
  });
  const select = $("audit-count").elements.station;
  if (select.options.length !== stations.length) {
    select.replaceChildren(...stations.map((id) => { const o = document.createElement("option"); o.textContent = id; return o; }));
  }
}
async function loadAudit() {
  const r = await fetch("/api/audit");
  if (r.ok) { const j = await r.json(); if (j.rows) { audit = j; renderAudit(); } }
}
async function postAudit(path, form) {
  const body = new URLSearchParams(new FormData(form));
  body.set("csrf", document.querySelector("input[name=csrf]").value);
  const r = await fetch(path, { method: "POST", body });
  if (!r.ok) { $("status").textContent = await r.text(); return; }
  audit = await r.json();
  $("status").textContent = t("done");
  renderAudit();
}
$("audit-select").onsubmit = (e) => { e.preventDefault(); postAudit("/api/audit/select", e.target); };
$("audit-count").onsubmit = (e) => { e.preventDefault(); postAudit("/api/audit/count", e.target); };
async function loadHistory() {
  const r = await fetch("/api/alerts");
  if (r.ok) { const j = await r.json(); history = j.open.concat(j.history); renderUnit(); }
}
document.querySelectorAll("th[data-sort]").forEach((th) => th.onclick = () => {
  sortUp = sortKey === th.dataset.sort ? !sortUp : true; sortKey = th.dataset.sort; render(); });
["filter", "state", "pending-only", "battery-below"].forEach((id) => $(id).addEventListener("input", render));
$("lang").onclick = () => { lang = NEXT[lang] || "en"; localStorage.setItem("rts-lang", lang); applyLanguage(); };
function listen() {
  const events = new EventSource("/api/events");
  events.addEventListener("snapshot", (e) => {
    // every unit on the first event of a stream, then only those changed or gone
    performance.mark("snapshot", { detail: e.data.length }); // its size, read by the tests
    const s = JSON.parse(e.data);
    if (s.units) byDevice = new Map(s.units.map((u) => [u.device, u]));
    else { s.changed.forEach((u) => byDevice.set(u.device, u)); s.gone.forEach((d) => byDevice.delete(d)); }
    data = { units: Array.from(byDevice.values()), alerts: s.alerts, tally: s.tally, hub: s.hub };
    $("status").textContent = t("live"); render();
    if (selected) loadStation();
    loadAudit(); });
  events.onerror = async () => {
    $("status").textContent = t("reconnecting");
    // the hub restarted or the session ended: sign in again if asked, else the stream reconnects by itself
    try { const r = await fetch("/api/units"); if (r.status === 401) location.href = "/login"; } catch (e) { /* down */ }
  };
}
/** An administrator's upload of a stick: its messages decided by the hub, their receipts back as a zip. */
$("stick-import").onclick = async () => {
  const files = Array.from($("stick-files").files).filter((f) => /rts-stick\/.+\.jws$/.test(f.webkitRelativePath));
  const read = await Promise.all(files.map(async (f) => ({ path: f.webkitRelativePath,
    text: f.size > 65536 ? "x".repeat(65537) : await f.text() })));
  const r = await fetch("/api/stick", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ csrf: document.querySelector("input[name=csrf]").value, files: read }) });
  if (!r.ok) { $("stick-status").textContent = await r.text(); return; }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await r.blob()); a.download = "receipts.zip"; a.click();
  $("stick-status").textContent = read.length + " · " + t("stick-done");
};
fetch("/api/me").then((r) => r.ok ? r.json() : me).then((m) => { me = m; $("stick-section").hidden = m.role !== "ADMINISTRATOR"; $("role").textContent = safe(m.user)
  + (m.role === "VIEWER" ? " (" + t("viewer-only") + ")" : ""); render(); renderAudit(); })
  .catch(() => { /* not signed in */ });
applyLanguage();
listen();
