// SVG charts drawn with DOM calls (no inline script or style: the CSP forbids both).
"use strict";
const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, anchor, extra) {
    const t = el("text", Object.assign({ x, y, "text-anchor": anchor || "start" }, extra || {}), parent);
    t.textContent = s;
    return t;
  }
  function svg(w, h, label) {
    return el("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart", role: "img", "aria-label": label });
  }
  // Horizontal bars: the city's score per node against the group median (a tick).
  function profileBars(rows, labels) {
    const left = 230, w = 760, rowH = 22, h = rows.length * rowH + 40;
    const s = svg(w, h, labels.title);
    const x = v => left + (v - 60) / 40 * (w - left - 30);
    for (const v of [60, 70, 80, 90, 100]) {
      el("line", { x1: x(v), x2: x(v), y1: 10, y2: h - 25, class: "grid" }, s);
      text(s, x(v), h - 10, String(v), "middle");
    }
    rows.forEach((r, i) => {
      const y = 14 + i * rowH;
      text(s, left - 8, y + 11, r.label, "end");
      el("rect", { x: x(60), y, width: Math.max(0, x(r.score) - x(60)), height: rowH - 8, fill: "#1f4e79" }, s);
      el("line", { x1: x(r.median), x2: x(r.median), y1: y - 2, y2: y + rowH - 6, stroke: "#d62728", "stroke-width": 2 }, s);
    });
    return s;
  }
  // Bubble scatter: x, y pillar scores, radius from the third, colour by mode.
  function modesScatter(points, labels) {
    const w = 760, h = 520, m = 55;
    const s = svg(w, h, labels.title);
    const xs = points.map(p => p.x), ys = points.map(p => p.y);
    const lo = v => Math.floor(Math.min(...v) - 2), hi = v => Math.ceil(Math.max(...v) + 2);
    const [x0, x1, y0, y1] = [lo(xs), hi(xs), lo(ys), hi(ys)];
    const X = v => m + (v - x0) / (x1 - x0) * (w - 2 * m), Y = v => h - m - (v - y0) / (y1 - y0) * (h - 2 * m);
    el("line", { x1: m, x2: w - m, y1: h - m, y2: h - m, class: "axis" }, s);
    el("line", { x1: m, x2: m, y1: m, y2: h - m, class: "axis" }, s);
    text(s, w / 2, h - 12, labels.x, "middle");
    text(s, 14, h / 2, labels.y, "middle", { transform: `rotate(-90 14 ${h / 2})` });
    for (let v = Math.ceil(x0 / 5) * 5; v <= x1; v += 5) text(s, X(v), h - m + 16, String(v), "middle");
    for (let v = Math.ceil(y0 / 5) * 5; v <= y1; v += 5) text(s, m - 6, Y(v) + 4, String(v), "end");
    for (const p of points) {
      el("circle", { cx: X(p.x), cy: Y(p.y), r: 4 + (p.r - 60) / 40 * 14, fill: COLORS[p.group % COLORS.length], "fill-opacity": 0.55, stroke: "#333" }, s);
      text(s, X(p.x) + 6, Y(p.y) - 6, p.label);
    }
    return s;
  }
  // Box plots of ranks per continent (rank 1 at the top).
  function rankBoxes(rows, worstRank, labels) {
    const w = 760, rowH = 46, left = 150, h = rows.length * rowH + 45;
    const s = svg(w, h, labels.title);
    const X = v => left + (v - 1) / Math.max(1, worstRank - 1) * (w - left - 30);
    for (const v of [1, 20, 40, 60, 80, 100].filter(v => v <= worstRank)) {
      el("line", { x1: X(v), x2: X(v), y1: 10, y2: h - 28, class: "grid" }, s);
      text(s, X(v), h - 12, String(v), "middle");
    }
    rows.forEach((r, i) => {
      const y = 18 + i * rowH, mid = y + 12;
      text(s, left - 8, mid + 4, `${r.label} (${r.cities})`, "end");
      el("line", { x1: X(r.best), x2: X(r.worst), y1: mid, y2: mid, stroke: "#555" }, s);
      el("rect", { x: X(r.q1), y, width: Math.max(1, X(r.q3) - X(r.q1)), height: 24, fill: "#9ecae1", stroke: "#1f4e79" }, s);
      el("line", { x1: X(r.median), x2: X(r.median), y1: y, y2: y + 24, stroke: "#d62728", "stroke-width": 2 }, s);
    });
    return s;
  }
  // A network on a circle: cities ordered by continent then size, node area by size, the
  // heaviest `maxEdges` links drawn with width and opacity by weight.
  function network(net, labelOf, maxEdges, labels) {
    const w = 900, h = 900, cx = w / 2, cy = h / 2, R = 290;  // room for the longest names
    const s = svg(w, h, labels.title);
    const conts = [...new Set(net.nodes.map(n => n.city.continent))];
    const nodes = net.nodes.slice().sort((a, b) => conts.indexOf(a.city.continent) - conts.indexOf(b.city.continent) || b.size - a.size || (a.city.id < b.city.id ? -1 : 1));
    const pos = {};
    nodes.forEach((n, i) => { const t = 2 * Math.PI * i / nodes.length - Math.PI / 2; pos[n.city.id] = [cx + R * Math.cos(t), cy + R * Math.sin(t), t]; });
    const edges = net.edges.filter(e => pos[e.a] && pos[e.b]).slice(0, maxEdges);
    const wmax = Math.max(1e-9, ...edges.map(e => e.weight));
    for (const e of edges) {
      const [x1, y1] = pos[e.a], [x2, y2] = pos[e.b];
      el("path", { d: `M${x1},${y1} Q${cx},${cy} ${x2},${y2}`, fill: "none", stroke: "#1f4e79", "stroke-opacity": 0.15 + 0.6 * e.weight / wmax, "stroke-width": 0.5 + 3 * e.weight / wmax }, s);
    }
    const smax = Math.max(1e-9, ...nodes.map(n => n.size));
    nodes.forEach(n => {
      const [x, y, t] = pos[n.city.id];
      el("circle", { cx: x, cy: y, r: 2 + 8 * Math.sqrt(Math.max(0, n.size) / smax), fill: COLORS[conts.indexOf(n.city.continent) % COLORS.length] }, s);
      const lx = cx + (R + 14) * Math.cos(t), ly = cy + (R + 14) * Math.sin(t);
      const deg = t * 180 / Math.PI, flip = Math.cos(t) < 0;
      text(s, lx, ly + 3, labelOf(n.city), flip ? "end" : "start", { transform: `rotate(${flip ? deg + 180 : deg} ${lx} ${ly})`, class: "small" });
    });
    return s;
  }
  return { profileBars, modesScatter, rankBoxes, network, COLORS };
})();
