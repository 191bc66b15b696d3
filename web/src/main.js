// The page of `casus serve`: a query bar, a world map coloured by role, the
// obligation graph, the obligation detail (quoted article, condition trace)
// and the treaty reader.  Everything comes from the server's JSON API, which
// answers with the same objects as the command line.  The view lives in the
// URL (?attacker=ROK&target=PRK&date=2025-03-01&treaty=...&edge=...), so a
// view is a link.
import { geoCentroid, geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";

const SVG = "http://www.w3.org/2000/svg";
const FIRST_DAY = Date.UTC(1816, 0, 1);
const DAY_MS = 86400000;

// Roles as casus names them (casus/who.h), in the order a state's colour is
// chosen when it has several.  A state bound on both sides (a conflict) is
// outlined as well.
const ROLES = [
  ["defend-target", "must assist the state attacked"],
  ["join-attacker", "must join the attacker"],
  ["breached", "the attack breaks its obligation"],
  ["neutral", "must stay neutral"],
  ["consult", "must consult"],
  ["refrain", "must not attack the beneficiary"],
];

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, text) => {
  const ns = ["svg", "g", "path", "line", "circle", "text", "title", "marker", "defs", "rect"].includes(tag);
  const e = ns ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

const state = { world: null, answer: null, states: null, treaties: [], treaty: null, edge: null, showRefrain: false,
  scenarios: [], sim: null, scenario: "" };

function today() {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
function dayIndex(iso) {
  const t = Date.parse(iso + "T00:00:00Z");
  return Number.isNaN(t) ? null : Math.round((t - FIRST_DAY) / DAY_MS);
}
function isoOf(index) {
  return new Date(FIRST_DAY + index * DAY_MS).toISOString().slice(0, 10);
}

async function getJSON(url) {
  const r = await fetch(url);
  let body = null;
  try {
    body = await r.json();
  } catch {
    throw new Error(`${url}: not JSON (status ${r.status})`);
  }
  if (!r.ok) throw new Error(body && body.error ? body.error : `status ${r.status}`);
  return body;
}

function showError(message) {
  const e = $("error");
  e.textContent = message || "";
  e.hidden = !message;
}

// ---- the URL holds the view ----
function readURL() {
  const p = new URLSearchParams(location.search);
  return {
    attacker: p.get("attacker") || "",
    target: p.get("target") || "",
    place: p.get("place") || "",
    date: p.get("date") || "",
    treaty: p.get("treaty") || "",
    edge: p.get("edge"),
    refrain: p.get("refrain") === "1",
    scenario: p.get("scenario") || "",
    trials: p.get("trials") || "",
  };
}
function writeURL() {
  const p = new URLSearchParams();
  for (const k of ["attacker", "target", "place", "date"]) if ($(k).value.trim()) p.set(k, $(k).value.trim());
  if (state.treaty) p.set("treaty", state.treaty);
  if (state.edge !== null) p.set("edge", String(state.edge));
  if (state.showRefrain) p.set("refrain", "1");
  if (state.scenario) {
    p.set("scenario", state.scenario);
    p.set("trials", $("trials").value.trim());
  }
  const url = `${location.pathname}?${p}`;
  if (url !== location.pathname + location.search) history.replaceState(null, "", url);
}

// ---- roles per state ----
function rolesByState(answer) {
  const by = new Map();
  const conflicted = new Set((answer.conflicts || []).map((c) => c.state));
  answer.obligations.forEach((o, i) => {
    if (o.status === "not-binding") return;
    if (!by.has(o.obligor)) by.set(o.obligor, { roles: new Map(), items: [] });
    const s = by.get(o.obligor);
    s.items.push(i);
    const prev = s.roles.get(o.role);
    s.roles.set(o.role, prev === "binding" ? "binding" : o.status);
  });
  const out = new Map();
  for (const [abb, s] of by) {
    const role = ROLES.map((r) => r[0]).find((r) => s.roles.has(r)) || "other";
    out.set(abb, { role, binding: s.roles.get(role) === "binding", conflicted: conflicted.has(abb), items: s.items });
  }
  return out;
}

// ---- the map ----
const projection = geoEqualEarth().fitExtent([[4, 4], [956, 496]], { type: "Sphere" });
const path = geoPath(projection);

function drawMap() {
  const svg = $("map");
  svg.replaceChildren();
  if (!state.world) return;
  const q = state.answer ? state.answer.query : null;
  const roles = state.answer ? rolesByState(state.answer) : new Map();
  const byNumeric = new Map();
  for (const s of state.states ? state.states.states : []) if (s.iso_numeric && s.drawable) byNumeric.set(s.iso_numeric, s);
  svg.append(el("path", { d: path({ type: "Sphere" }), class: "sphere" }));
  const g = el("g", { class: "countries" });
  for (const f of state.world.features) {
    const s = byNumeric.get(f.id);
    let cls = "country";
    const attrs = { d: path(f) };
    const simState = state.sim && s ? state.sim.byAbb.get(s.abb) : null;
    if (state.sim && s) {
      attrs["data-abb"] = s.abb;
      if (simState && simState.p_join > 0) {
        const side = simState.p_side1 >= simState.p_side2 ? 1 : 2;
        cls += ` p-side${side}`;
        attrs["fill-opacity"] = (0.15 + 0.85 * simState.p_join).toFixed(3);
        attrs["data-p"] = String(simState.p_join);
      } else cls += " member";
    } else if (!s) cls += " absent";
    else {
      attrs["data-abb"] = s.abb;
      const r = roles.get(s.abb);
      if (q && s.abb === q.attacker) cls += " attacker";
      else if (q && s.abb === q.target) cls += " target";
      else if (r) {
        cls += ` role-${r.role} ${r.binding ? "binding" : "conditional"}${r.conflicted ? " conflicted" : ""}`;
        attrs["data-role"] = r.role;
      } else cls += " member";
    }
    attrs.class = cls;
    const p = el("path", attrs);
    const r = s ? roles.get(s.abb) : null;
    if (simState) p.append(el("title", {}, `${s.abb} ${s.name}: P(joins) ${simState.p_join} [${simState.ci95.p_join.map((x) => x.toFixed(3)).join(", ")}], side ${simState.p_side1 >= simState.p_side2 ? 1 : 2}`));
    else p.append(el("title", {}, s ? `${s.abb} ${s.name}${r ? `: ${r.role} (${r.binding ? "binding" : "conditional"})${r.conflicted ? ", bound on both sides" : ""}` : ""}` : f.properties.name));
    if (s) p.addEventListener("click", () => showState(s.abb));
    g.append(p);
  }
  svg.append(g);
  // The attacker and the target are often small on a world map: mark them.
  if (q && !state.sim) {
    for (const f of state.world.features) {
      const s = byNumeric.get(f.id);
      if (!s || (s.abb !== q.attacker && s.abb !== q.target)) continue;
      const c = projection(geoCentroid(f));
      if (!c || Number.isNaN(c[0])) continue;
      const cls = s.abb === q.attacker ? "attacker" : "target";
      const m = el("g", { class: `marker ${cls}`, "data-abb": s.abb, transform: `translate(${c[0].toFixed(1)},${c[1].toFixed(1)})` });
      m.append(el("circle", { r: 7 }), el("text", { x: 10, y: 4 }, s.abb));
      svg.append(m);
    }
  }
}

function drawLegend() {
  const ul = $("legend");
  ul.replaceChildren();
  const items = [
    ["attacker", "attacker"],
    ["target", "target (the state attacked)"],
    ...ROLES.map(([r, t]) => [`role-${r} binding`, `${r}: ${t}`]),
    ["conflicted member", "outlined: bound on both sides (a conflict)"],
    ["member", "a state not bound"],
    ["absent", "not drawn: not a state that day, or its borders then differ"],
  ];
  for (const [cls, text] of items) {
    const li = el("li");
    li.append(el("span", { class: `swatch ${cls}` }), document.createTextNode(" " + text));
    ul.append(li);
  }
  ul.append(el("li", { class: "note" }, "solid: binding; pale: conditional (binds if the undecidable conditions hold)"));
  ul.append(el("li", { class: "note sim-note" }, "after a simulation: red, the side of the first attacker; blue, the other side; the darker, the likelier the state joins"));
}

// ---- the obligation graph ----
// Obligors stand on a circle around the two parties to the attack: those
// defending the target on its side, those joining the attacker on the
// attacker's side, the others between.  Each edge is one obligation,
// labelled with its treaty and article.
function drawGraph() {
  const svg = $("graph");
  svg.replaceChildren();
  const a = state.answer;
  if (!a) return;
  const W = 960, H = 620;
  const defs = el("defs");
  for (const [role] of [...ROLES, ["other"]]) {
    const m = el("marker", { id: `arrow-${role}`, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "9", markerHeight: "9", markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    m.append(el("path", { d: "M0,0 L10,5 L0,10 z", class: `arrowhead role-${role}` }));
    defs.append(m);
  }
  svg.append(defs);
  const pos = new Map();
  const atk = a.query.attacker, tgt = a.query.target;
  pos.set(atk, [W * 0.36, H / 2]);
  pos.set(tgt, [W * 0.64, H / 2]);
  const roles = rolesByState(a);
  const visible = (o) => o.status !== "not-binding" && (state.showRefrain || o.role !== "refrain");
  const groups = { right: new Set(), left: new Set(), middle: new Set() };
  for (const o of a.obligations) {
    if (!visible(o)) continue;
    for (const abb of [o.obligor, o.beneficiary]) {
      if (pos.has(abb)) continue;
      const r = roles.get(abb);
      const side = !r ? "middle" : r.role === "defend-target" ? "right" : r.role === "join-attacker" || r.role === "breached" ? "left" : "middle";
      groups[side].add(abb);
    }
  }
  const place = (list, from, to, cx, cy, rx, ry) => {
    list.forEach((abb, i) => {
      const t = list.length === 1 ? (from + to) / 2 : from + ((to - from) * i) / (list.length - 1);
      pos.set(abb, [cx + rx * Math.cos(t), cy + ry * Math.sin(t)]);
    });
  };
  place([...groups.right].sort(), -Math.PI * 0.3, Math.PI * 0.3, W * 0.64, H / 2, W * 0.27, H * 0.4);
  place([...groups.left].sort(), Math.PI * 0.7, Math.PI * 1.3, W * 0.36, H / 2, W * 0.27, H * 0.4);
  const mid = [...groups.middle].sort();
  place(mid.filter((_, i) => i % 2 === 0), -Math.PI * 0.8, -Math.PI * 0.2, W / 2, H / 2, W * 0.36, H * 0.46);
  place(mid.filter((_, i) => i % 2 === 1), Math.PI * 0.2, Math.PI * 0.8, W / 2, H / 2, W * 0.36, H * 0.46);

  const edges = el("g", { class: "edges" });
  const count = new Map(), taken = [];
  const few = a.obligations.filter(visible).length <= 16;
  const labels = el("g", { class: "labels" }); // above every edge, so each stays clickable
  a.obligations.forEach((o, i) => {
    if (!visible(o)) return;
    const p = pos.get(o.obligor), q = pos.get(o.beneficiary);
    if (!p || !q) return;
    const key = `${o.obligor}>${o.beneficiary}`;
    const k = count.get(key) || 0;
    count.set(key, k + 1);
    // Parallel obligations between the same two states bend apart.
    const mx = (p[0] + q[0]) / 2, my = (p[1] + q[1]) / 2;
    const dx = q[0] - p[0], dy = q[1] - p[1], len = Math.hypot(dx, dy) || 1;
    const bend = (k % 2 ? -1 : 1) * (Math.floor(k / 2) + 1) * 36;
    const cx = mx - (dy / len) * bend, cy = my + (dx / len) * bend;
    const shrink = 16 / len;
    const x2 = q[0] - dx * shrink, y2 = q[1] - dy * shrink;
    const role = ROLES.some((r) => r[0] === o.role) ? o.role : "other";
    const label = `${o.treaty} ${o.article === "ATOP" ? "(ATOP)" : "Art. " + o.article}`;
    const g = el("g", { class: `edge role-${role} ${o.status}${o.treaty.startsWith("atop-") ? " atop" : ""}${state.edge === i ? " selected" : ""}`, "data-index": i, "data-treaty": o.treaty, "data-article": o.article, "data-obligor": o.obligor, tabindex: "0" });
    g.append(el("path", { d: `M${p[0]},${p[1]} Q${cx},${cy} ${x2},${y2}`, class: "edge-line", "marker-end": `url(#arrow-${role})` }));
    g.append(el("path", { d: `M${p[0]},${p[1]} Q${cx},${cy} ${x2},${y2}`, class: "edge-hit" }));
    // Labels never overlap, so each can be read and clicked.  ATOP records
    // are labelled only when the graph is small enough to stay legible.
    if (!o.treaty.startsWith("atop-") || few) {
      // Greedy placement: move down until the label's box is free.
      const w = label.length * 6.2, h = 13, lx = (mx + cx) / 2;
      let ly = (my + cy) / 2 - 3;
      while (taken.some((b) => Math.abs(b.x - lx) < (b.w + w) / 2 && Math.abs(b.y - ly) < h)) ly += h;
      taken.push({ x: lx, y: ly, w });
      const t = el("text", { x: lx, y: ly, class: `edge-label role-${role}`, "data-index": i, "data-treaty": o.treaty, "data-article": o.article, "data-obligor": o.obligor }, label);
      t.addEventListener("click", () => selectEdge(i));
      labels.append(t);
    }
    g.append(el("title", {}, `${o.obligor} -> ${o.beneficiary}: ${label}, ${o.role}, ${o.status}`));
    const open = () => selectEdge(i);
    g.addEventListener("click", open);
    g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
    edges.append(g);
  });
  svg.append(edges);
  const nodes = el("g", { class: "nodes" });
  for (const [abb, [x, y]] of pos) {
    const r = roles.get(abb);
    const cls = abb === atk ? "attacker" : abb === tgt ? "target" : r ? `role-${r.role} ${r.binding ? "binding" : "conditional"}${r.conflicted ? " conflicted" : ""}` : "member";
    const g = el("g", { class: `node ${cls}`, "data-abb": abb, transform: `translate(${x},${y})` });
    g.append(el("circle", { r: abb === atk || abb === tgt ? 20 : 13 }));
    g.append(el("text", { y: 4, class: "node-label" }, abb));
    g.addEventListener("click", () => showState(abb));
    nodes.append(g);
  }
  svg.append(nodes, labels);
  const shown = a.obligations.filter(visible).length;
  const all = a.obligations.filter((o) => o.status !== "not-binding").length;
  svg.append(el("text", { x: 8, y: H - 8, class: "graph-note" }, `${shown} of ${all} obligations shown${shown < all ? " (pledges not to attack hidden: tick the box to show them)" : ""}`));
}

// ---- the detail of one obligation: quoted article and condition trace ----
function selectEdge(i) {
  state.edge = i;
  writeURL();
  document.querySelectorAll("#graph .edge").forEach((e) => e.classList.toggle("selected", Number(e.dataset.index) === i));
  const o = state.answer.obligations[i];
  const d = $("detail");
  d.replaceChildren();
  d.append(el("h3", { id: "detail-title" }, `${o.obligor} \u2192 ${o.beneficiary}: ${o.treaty} ${o.article === "ATOP" ? "(ATOP record)" : "Art. " + o.article}`));
  d.append(el("p", { class: "meta" }, `${o.role} \u00b7 ${o.kind} \u00b7 ${o.status} \u00b7 timing ${o.timing} \u00b7 actions ${o.actions.join(", ")} \u00b7 in force ${o.valid_from || "?"} to ${o.valid_to || "today"}`));
  const bq = el("blockquote", { id: "detail-quote" }, o.quote || "(no text)");
  d.append(bq);
  d.append(el("p", { class: "meta" }, `text: ${o.text_status}${o.source ? " \u00b7 source: " + o.source : ""}`));
  const ul = el("ul", { class: "trace", id: "detail-trace" });
  for (const c of o.conditions) {
    const li = el("li", { class: `truth-${c.result.replace(/ /g, "-")}` });
    li.append(el("span", { class: "truth" }, c.result), el("b", {}, ` ${c.condition}: `), document.createTextNode(c.detail));
    ul.append(li);
  }
  d.append(ul);
  if (!o.treaty.startsWith("atop-")) {
    const b = el("button", { id: "open-article", type: "button" }, `Open ${o.treaty} in the reader`);
    b.addEventListener("click", () => openTreaty(o.treaty, o.article));
    d.append(b);
  }
}

function showState(abb) {
  const a = state.answer;
  if (!a) return;
  const d = $("detail");
  d.replaceChildren(el("h3", {}, `${abb}: its obligations in this answer`));
  const ul = el("ul", { class: "state-list" });
  a.obligations.forEach((o, i) => {
    if (o.status === "not-binding" || (o.obligor !== abb && o.beneficiary !== abb)) return;
    const li = el("li");
    const b = el("button", { type: "button", class: "link" }, `${o.obligor} \u2192 ${o.beneficiary} ${o.treaty} ${o.article === "ATOP" ? "(ATOP)" : "Art. " + o.article}`);
    b.addEventListener("click", () => selectEdge(i));
    li.append(b, document.createTextNode(` ${o.role}, ${o.status}`));
    ul.append(li);
  });
  if (!ul.children.length) ul.append(el("li", {}, "none"));
  d.append(ul);
}

// ---- the treaty reader: each article's text beside its rules ----
async function openTreaty(id, article) {
  if (!id) return;
  state.treaty = id;
  $("treaty-select").value = id;
  writeURL();
  const r = $("reader");
  let t;
  try {
    t = await getJSON(`/api/treaties/${encodeURIComponent(id)}`);
  } catch (e) {
    r.replaceChildren(el("p", { class: "error" }, e.message));
    return;
  }
  r.replaceChildren();
  r.append(el("h3", {}, t.title));
  r.append(el("p", { class: "meta" }, `${t.id} \u00b7 signed ${t.signed} \u00b7 in force ${t.in_force.start || "?"} to ${t.in_force.end || "today"}${t.end_cause !== "none" ? " (" + t.end_cause + ")" : ""} \u00b7 parties ${t.parties.map((p) => p.abb).join(" ")}`));
  for (const art of t.articles) {
    const sec = el("section", { class: "article", id: `article-${art.number}`, "data-article": art.number });
    sec.append(el("h4", {}, `Article ${art.number}${art.title ? ": " + art.title : ""}`));
    const row = el("div", { class: "article-row" });
    const text = el("div", { class: "article-text" });
    for (const p of art.passages) {
      const para = el("p", { class: `passage status-${p.status}` });
      para.append(el("span", { class: "badge", title: p.source + (p.note ? "; " + p.note : "") }, p.status), document.createTextNode(" " + p.text));
      text.append(para);
    }
    if (!art.passages.length) text.append(el("p", { class: "hint" }, "(no text)"));
    const rules = el("div", { class: "article-rules" });
    for (const ru of art.rules) {
      const who = (v) => (Array.isArray(v) ? v.join(" ") : v);
      const div = el("div", { class: "rule" });
      div.append(el("div", {}, `${ru.kind}: ${ru.actions}, ${ru.timing}`));
      div.append(el("div", {}, `owed by ${who(ru.owed_by)} to ${who(ru.owed_to)}; trigger ${ru.trigger}`));
      for (const c of ru.conditions) div.append(el("div", { class: "cond" }, `${c.condition}${c.states.length ? " " + c.states.join(" ") : ""}${c.area ? " " + c.area : ""}${c.text ? ' "' + c.text + '"' : ""}`));
      rules.append(div);
    }
    if (!art.rules.length) rules.append(el("p", { class: "hint" }, "(no rule: text only)"));
    row.append(text, rules);
    sec.append(row);
    r.append(sec);
  }
  if (t.sources.length) {
    const ul = el("ul", { class: "sources" });
    for (const s of t.sources) ul.append(el("li", {}, `${s.key}: ${s.text}`));
    r.append(el("h4", {}, "Sources"), ul);
  }
  if (article) {
    const target = r.querySelector(`[data-article="${CSS.escape(article)}"]`);
    if (target) {
      target.classList.add("highlight");
      target.scrollIntoView({ block: "nearest" });
    }
  }
}

// ---- borders ----
function drawBorders() {
  const b = $("borders");
  const s = state.states;
  if (!s) {
    b.hidden = true;
    return;
  }
  b.replaceChildren();
  const list = s.cannot_draw.map((c) => `${c.abb} (${c.name})`).join(", ");
  if (s.borders_differ) {
    b.append(el("p", {}, `Borders on ${s.date} were not today's: the map draws today's outlines, only for states that existed then ` +
      `as the same state as now, and their territory then may have differed. States of ${s.date} it cannot draw ` +
      `(no outline today, or out of the state system for a time since, as COW records it): ${list || "none"}.`));
    b.hidden = false;
  } else if (s.cannot_draw.length) {
    b.append(el("p", {}, `The map has no outline for: ${list}.`));
    b.hidden = false;
  } else b.hidden = true;
}


// ---- the cascade: a simulation of a shipped scenario ----
async function simulate() {
  const id = $("scenario").value;
  if (!id) return;
  state.scenario = id;
  writeURL();
  showError("");
  const sc = state.scenarios.find((x) => x.id === id);
  $("scenario-text").textContent = sc ? `${sc.title}. ${sc.text || ""}` : "";
  const body = { scenario: id };
  const trials = Number($("trials").value.trim());
  if (trials) body.trials = trials;
  let job;
  try {
    const r = await fetch("/api/simulate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    job = await r.json();
    if (!r.ok) throw new Error(job.error || `status ${r.status}`);
  } catch (e) {
    showError(e.message);
    return;
  }
  const bar = $("sim-progress");
  bar.hidden = false;
  bar.max = job.trials;
  for (;;) {
    $("sim-status").textContent = `${job.status}: ${job.done} of ${job.trials} trials`;
    bar.value = job.done;
    if (job.status === "done" || job.status === "failed") break;
    await new Promise((res) => setTimeout(res, 400));
    try {
      job = await getJSON(job.poll);
    } catch (e) {
      showError(e.message);
      return;
    }
  }
  if (job.status === "failed") {
    showError(job.error);
    return;
  }
  const result = await getJSON(job.result);
  state.sim = { result, byAbb: new Map(result.states.map((s) => [s.state, s])) };
  $("sim-status").textContent = `done: ${result.trials} trials, seed ${result.seed}`;
  if (!state.states || state.states.date !== result.scenario.start) {
    state.states = await getJSON(`/api/states?date=${result.scenario.start}`).catch(() => state.states);
    drawBorders();
  }
  drawMap();
  drawCascade();
  // Marked only once the map and the cascade are drawn, so that whoever
  // waits for it (the browser test) sees the finished view.
  document.body.dataset.simulated = id;
}

function drawCascade() {
  const panel = $("cascade-panel");
  const r = state.sim ? state.sim.result : null;
  panel.hidden = !r;
  if (!r) return;
  // Belligerents by day: the mean and the band between the quartiles.
  const svg = $("timeline");
  svg.replaceChildren();
  const W = 600, H = 220, L = 40, B = 30, T = 10, R = 28;
  const pts = r.timeline;
  const maxY = Math.max(2, ...pts.map((p) => Math.max(p.mean, p.quartiles[2])));
  const x = (i) => L + ((W - L - R) * i) / Math.max(1, pts.length - 1);
  const y = (v) => H - B - ((H - B - T) * v) / maxY;
  svg.append(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }));
  svg.append(el("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
  const band = pts.map((p, i) => `${x(i)},${y(p.quartiles[2])}`).concat(pts.map((p, i) => `${x(i)},${y(p.quartiles[0])}`).reverse());
  svg.append(el("path", { d: `M${band.join(" L")} Z`, class: "band" }));
  svg.append(el("path", { d: "M" + pts.map((p, i) => `${x(i)},${y(p.mean)}`).join(" L"), class: "mean" }));
  pts.forEach((p, i) => svg.append(el("text", { x: x(i), y: H - B + 14, class: "tick", "text-anchor": "middle" }, `day ${p.day}`)));
  for (const v of [0, Math.round(maxY / 2), Math.round(maxY)]) svg.append(el("text", { x: L - 6, y: y(v) + 3, class: "tick", "text-anchor": "end" }, String(v)));
  svg.append(el("text", { x: L + 6, y: T + 10, class: "tick" }, "belligerents (mean; band: quartiles)"));
  // Per state: P(joins) with its interval, the side, P(by day).
  const table = $("states-table");
  table.replaceChildren();
  const days = Object.keys(r.states[0] ? r.states[0].p_by_day : {});
  const head = el("tr");
  for (const h of ["state", "name", "P(joins) [95% CI]", "side", ...days.map((d) => `by day ${d}`), "brought in by"]) head.append(el("th", {}, h));
  table.append(head);
  const pct = (v) => (100 * v).toFixed(1) + "%";
  for (const s of r.states.filter((s) => s.p_join > 0).slice(0, 25)) {
    const tr = el("tr", { "data-abb": s.state });
    const cells = [s.state, s.name, `${pct(s.p_join)} [${pct(s.ci95.p_join[0])}, ${pct(s.ci95.p_join[1])}]`, s.p_side1 >= s.p_side2 ? "1" : "2",
      ...days.map((d) => pct(s.p_by_day[d])), s.top_obligation ? `${s.top_obligation.treaty || ""} ${s.top_obligation.article || ""} (${s.top_obligation.cause})`.trim() : ""];
    for (const c of cells) tr.append(el("td", {}, c));
    table.append(tr);
  }
}

// ---- the query ----
async function ask() {
  showError("");
  const p = new URLSearchParams();
  for (const k of ["attacker", "target", "place", "date"]) if ($(k).value.trim()) p.set(k, $(k).value.trim());
  const idx = dayIndex($("date").value.trim());
  if (idx !== null) $("slider").value = String(idx);
  state.edge = null;
  state.sim = null;
  state.scenario = "";
  document.body.dataset.simulated = "";
  drawCascade();
  writeURL();
  try {
    const date = $("date").value.trim();
    const [answer, states] = await Promise.all([
      getJSON(`/api/who?${p}`),
      getJSON(`/api/states${date ? "?date=" + encodeURIComponent(date) : ""}`).catch(() => null),
    ]);
    state.answer = answer;
    state.states = states;
  } catch (e) {
    state.answer = null;
    showError(e.message);
  }
  const a = state.answer;
  $("summary").textContent = a
    ? `${a.query.attacker} attacks ${a.query.target} at ${a.query.place_name} on ${a.query.date}: ${a.obligations.length} obligations ` +
      `(${a.obligations.filter((o) => o.status === "binding").length} binding, ${a.obligations.filter((o) => o.status === "conditional").length} conditional)` +
      (a.conflicts.length ? `; bound on both sides: ${a.conflicts.map((c) => c.state).join(", ")}` : "")
    : "";
  document.body.dataset.answered = a ? `${a.query.attacker}-${a.query.target}-${a.query.date}` : "";
  drawBorders();
  drawMap();
  drawGraph();
  $("detail").replaceChildren(el("p", { class: "hint" }, "Click an edge of the graph, or a state on the map."));
}

async function main() {
  const max = Math.round((today() - FIRST_DAY) / DAY_MS);
  const slider = $("slider");
  slider.max = String(max);
  slider.value = String(max);
  slider.addEventListener("input", () => { $("date").value = isoOf(Number(slider.value)); });
  slider.addEventListener("change", () => { $("date").value = isoOf(Number(slider.value)); ask(); });
  $("query").addEventListener("submit", (ev) => { ev.preventDefault(); ask(); });
  $("treaty-select").addEventListener("change", (ev) => openTreaty(ev.target.value));
  $("simulate").addEventListener("submit", (ev) => { ev.preventDefault(); simulate(); });
  $("show-refrain").addEventListener("change", (ev) => { state.showRefrain = ev.target.checked; writeURL(); drawGraph(); });
  drawLegend();
  try {
    const topo = await getJSON("/world.json");
    state.world = feature(topo, topo.objects.countries);
  } catch (e) {
    showError(`map shapes: ${e.message}`);
  }
  try {
    const list = await getJSON("/api/treaties");
    state.treaties = list.treaties;
    const sel = $("treaty-select");
    sel.append(el("option", { value: "" }, "choose a treaty"));
    for (const t of list.treaties) sel.append(el("option", { value: t.id }, `${t.id}: ${t.title}`));
  } catch (e) {
    showError(e.message);
  }
  try {
    const list = await getJSON("/api/scenarios");
    state.scenarios = list.scenarios;
    $("trials").title = `at most ${list.max_trials}`;
    for (const sc of list.scenarios) $("scenario").append(el("option", { value: sc.id }, `${sc.id}: ${sc.title}`));
  } catch {
    $("simulate").hidden = true; // this server runs no simulations
  }
  const v = readURL();
  state.showRefrain = v.refrain;
  $("show-refrain").checked = v.refrain;
  for (const k of ["attacker", "target", "place", "date"]) $(k).value = v[k];
  if (!v.date) $("date").value = isoOf(max);
  if (v.attacker && v.target) {
    await ask();
    if (v.edge !== null && state.answer && state.answer.obligations[Number(v.edge)]) selectEdge(Number(v.edge));
  } else drawMap();
  if (v.treaty) await openTreaty(v.treaty);
  document.body.dataset.ready = "1";
  if (v.scenario) {
    $("scenario").value = v.scenario;
    if (v.trials) $("trials").value = v.trials;
    await simulate();
  }
}

main();
