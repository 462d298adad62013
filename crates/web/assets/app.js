// The GIHI explorer: every view is drawn from /api/v1 (nothing else is fetched) and every
// view is a URL (path + query), so any state can be linked; `lang` is kept in the URL.
"use strict";
(() => {
  const T = {
    zh: {
      rankings: "排名", city: "城市", compare: "比较", whatif: "假设分析", maps: "图表", audit: "审计",
      level: "层级", continent: "大洲", country: "国家", search: "搜索", all: "全部", rank: "排名",
      score: "得分", earlier: "往年排名", name: "城市", download: "下载", median: "组中位数",
      relative: "相对综合排名", strengths: "相对优势", weaknesses: "相对劣势", peers: "相近城市",
      mode: "发展模式", none: "无（非前20）", indicators: "指标", value: "数值", z: "z 值",
      provenance: "来源标记", go: "查看", cities: "城市（2–4 个，逗号分隔）", apply: "重新计算",
      weights: "支柱与子支柱权重", changes: "指标变动（如 +20%、+3、12.5）", before: "原排名",
      after: "新排名", targetRank: "目标排名", target: "达到目标需要什么", single: "单一指标",
      needed: "所需值", greedy: "贪心组合", notFound: "未找到", modes: "发展模式（前20）",
      boxes: "各大洲排名分布", findings: "审计发现", synthetic: "合成数据：虚构数值，仅用于演示与测试，不是真实的 GIHI 结果",
      notRecomputable: "已出版的报告只印有得分，没有指标数值，无法重新计算。请用 gihi serve --results DIR 打开一次计算结果。",
      profileOf: "城市概况", composite: "综合", group: "组", of: "共", moved: "排名变化的城市数",
      open: "打开", cityPick: "选择城市", currentValue: "当前值", footer: "数据来源", interval: "排名区间（5%–95%，中位数）", networks: "城市网络", main: "主评价组", mini: "迷你枢纽组", printed: "报告印出", computed: "附录6聚类计算", networkNote: "节点大小", edgesShown: "条最强连接",
    },
    en: {
      rankings: "Rankings", city: "City", compare: "Compare", whatif: "What-if", maps: "Maps", audit: "Audit",
      level: "Level", continent: "Continent", country: "Country", search: "Search", all: "All", rank: "Rank",
      score: "Score", earlier: "Earlier ranks", name: "City", download: "Download", median: "Group median",
      relative: "vs composite rank", strengths: "Strengths", weaknesses: "Weaknesses", peers: "Nearest peers",
      mode: "Development mode", none: "none (not in the top 20)", indicators: "Indicators", value: "Value", z: "z-score",
      provenance: "Provenance", go: "Show", cities: "Cities (2–4, comma-separated)", apply: "Recompute",
      weights: "Pillar and sub-pillar weights", changes: "Indicator changes (e.g. +20%, +3, 12.5)", before: "Rank before",
      after: "Rank after", targetRank: "Target rank", target: "What it takes to reach the target", single: "One indicator alone",
      needed: "Needed", greedy: "Greedy combination", notFound: "not found", modes: "Development modes (top 20)",
      boxes: "Ranks by continent", findings: "Audit findings", synthetic: "SYNTHETIC DATA: invented values for demos and tests, not real GIHI results",
      notRecomputable: "The published edition prints scores, not indicator values, so nothing can be recomputed. Open a computed run with gihi serve --results DIR.",
      profileOf: "City profile", composite: "Composite", group: "group", of: "of", moved: "Cities whose rank changed",
      open: "Open", cityPick: "Choose a city", currentValue: "Current", footer: "Source", interval: "Rank interval (p05–p95, median)", networks: "Networks between cities", main: "main group", mini: "mini-hub group", printed: "printed in the report", computed: "Appendix 6 clustering of this run", networkNote: "Node size", edgesShown: "strongest links shown",
    },
  };
  const params = new URLSearchParams(location.search);
  const lang = params.get("lang") === "en" ? "en" : "zh";
  const t = k => T[lang][k] || k;
  const nm = o => (lang === "en" ? o.name_en : o.name_zh) || o.id;
  const $ = id => document.getElementById(id);
  const main = $("main");
  let META = null;
  let CITIES = [];

  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  // Replaces (or, with append, extends) an element's children: nested arrays are flattened
  // and null/undefined left out (the DOM would print them as text).
  function fill(e, ...kids) { e.replaceChildren(...kids.flat(Infinity).filter(k => k !== null && k !== undefined)); }
  function add(e, ...kids) { e.append(...kids.flat(Infinity).filter(k => k !== null && k !== undefined)); }
  // A link inside the explorer, keeping the language.
  function href(path, q) {
    const u = new URLSearchParams(q || {});
    if (lang === "en") u.set("lang", "en");
    const s = u.toString();
    return path + (s ? "?" + s : "");
  }
  function go(path, q) { history.pushState(null, "", href(path, q)); route(); }
  function link(path, q, text) {
    return h("a", { href: href(path, q), onclick: ev => { ev.preventDefault(); go(path, q); } }, text);
  }
  async function api(path, body) {
    const opts = body ? { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {};
    const r = await fetch("/api/v1/" + path, opts);
    const j = await r.json();
    if (!r.ok) throw new Error(j.error ? j.error.message : r.statusText);
    return j;
  }
  const fmt = (x, d = 2) => (x === null || x === undefined ? "—" : Number(x).toFixed(d));
  const num = x => (x === null || x === undefined ? "—" : Number(x).toLocaleString(lang === "en" ? "en" : "zh-CN", { maximumFractionDigits: 4 }));
  function levelName(id) {
    const l = META.levels.find(l => l.id === id);
    return l ? `${l.id} ${nm(l)}` : id;
  }
  function levelSelect(value, onchange, group) {
    return h("select", { id: "level", onchange },
      META.levels.filter(l => !group || l.group === group).map(l => h("option", { value: l.id, selected: l.id === value }, `${l.id} · ${nm(l)}`)));
  }
  function downloads(table, q) {
    return h("p", { class: "downloads" }, t("download") + ": ",
      ["csv", "xlsx"].map(f => h("a", { href: "/api/v1/download?" + new URLSearchParams(Object.assign({ table, format: f }, q)), download: "" }, f.toUpperCase())));
  }
  function fail(e) { fill(main, h("p", { class: "error" }, e.message)); }
  const interval = i => (i ? `${fmt(i.p05, 0)}–${fmt(i.p95, 0)} (${fmt(i.median, 1)})` : "");
  function cityName(c) { return lang === "en" ? c.name_en : c.name_zh; }
  function cityLink(c) { return link("/city", { id: c.id }, cityName(c)); }

  // ---- Rankings ----
  async function rankings() {
    const level = params.get("level") || "composite";
    const q = { level };
    for (const k of ["continent", "country", "search"]) if (params.get(k)) q[k] = params.get(k);
    const r = await api("rankings?" + new URLSearchParams(q));
    const sort = params.get("sort") || "rank";
    const desc = params.get("desc") === "1";
    const key = { rank: x => x.rank, city: x => cityName(x.city), country: x => x.city.country, continent: x => x.city.continent, score: x => x.score }[sort] || (x => x.rank);
    const rows = r.rows.slice().sort((a, b) => { const A = key(a), B = key(b); return (A < B ? -1 : A > B ? 1 : 0) * (desc ? -1 : 1); });
    const set = (k, v) => { const n = Object.fromEntries(params); delete n.lang; if (v) n[k] = v; else delete n[k]; go("/rankings", n); };
    const continents = [...new Set(CITIES.map(c => c.continent))];
    const countries = [...new Set(CITIES.map(c => c.country))].sort();
    const th = (k, label, cls) => h("th", { class: `sortable ${cls || ""} ${sort === k ? (desc ? "sorted-desc" : "sorted-asc") : ""}`, "data-sort": k,
      onclick: () => { const n = Object.fromEntries(params); delete n.lang; n.sort = k; n.desc = sort === k && !desc ? "1" : "0"; go("/rankings", n); } }, label);
    const hasHistory = rows.some(x => x.history.length);
    const hasInterval = rows.some(x => x.interval);
    fill(main, 
      h("h1", {}, `${t("rankings")} · ${levelName(r.level.id)}`),
      h("div", { class: "controls" },
        h("label", {}, t("level"), levelSelect(level, ev => set("level", ev.target.value))),
        h("label", {}, t("continent"), h("select", { id: "continent", onchange: ev => set("continent", ev.target.value) },
          h("option", { value: "" }, t("all")), continents.map(c => h("option", { value: c, selected: params.get("continent") === c }, lang === "en" ? c : CITIES.find(x => x.continent === c).continent_zh)))),
        h("label", {}, t("country"), h("select", { id: "country", onchange: ev => set("country", ev.target.value) },
          h("option", { value: "" }, t("all")), countries.map(c => h("option", { value: c, selected: params.get("country") === c }, c)))),
        h("label", {}, t("search"), h("input", { id: "search", type: "search", value: params.get("search") || "", onchange: ev => set("search", ev.target.value) }))),
      h("p", { class: "muted" }, `${r.rows.length} / ${r.group_size}` + (r.level.ranks_derived ? (lang === "en" ? " · ranks derived from printed scores" : " · 排名由印出的得分推出") : "")),
      h("table", { id: "ranking" },
        h("thead", {}, h("tr", {}, th("rank", t("rank"), "num"), th("city", t("name")), th("country", t("country")), th("continent", t("continent")), th("score", t("score"), "num"), hasHistory ? h("th", {}, t("earlier")) : null, hasInterval ? h("th", { class: "num" }, t("interval")) : null)),
        h("tbody", {}, rows.map(x => h("tr", { "data-city": x.city.id },
          h("td", { class: "num" }, x.rank), h("td", {}, cityLink(x.city)), h("td", {}, x.city.country),
          h("td", {}, lang === "en" ? x.city.continent : x.city.continent_zh), h("td", { class: "num" }, fmt(x.score)),
          hasHistory ? h("td", {}, x.history.map(p => `${p.year}: ${p.rank}`).join(" · ")) : null,
          hasInterval ? h("td", { class: "num interval" }, interval(x.interval)) : null)))),
      downloads("ranking", q));
  }

  // ---- City profile ----
  function cityPicker(onpick, value) {
    const id = "cities-list";
    return h("span", {},
      h("input", { id: "city-input", list: id, placeholder: t("cityPick"), value: value || "",
        onchange: ev => { const v = ev.target.value.trim(); const c = CITIES.find(c => c.id === v || c.name_en === v || c.name_zh === v); onpick(c ? c.id : v); } }),
      h("datalist", { id }, CITIES.map(c => h("option", { value: c.id }, `${c.name_zh} ${c.name_en}`))));
  }
  async function city() {
    const id = params.get("id");
    const head = h("div", { class: "controls" }, h("label", {}, t("city"), cityPicker(v => go("/city", { id: v }), id)));
    if (!id) { fill(main, h("h1", {}, t("profileOf")), head); return; }
    const p = await api("profile?" + new URLSearchParams({ city: id }));
    const subs = p.positions.filter(x => x.kind === "sub-pillar");
    const bars = (subs.length ? subs : p.positions.filter(x => x.kind === "pillar")).map(x => ({ label: `${x.node} ${nm(x)}`, score: x.score, median: x.group_median }));
    const composite = p.positions.find(x => x.kind === "composite");
    fill(main, 
      head,
      h("h1", { id: "profile-title" }, `${cityName(p.city)} · ${lang === "en" ? p.city.name_zh : p.city.name_en}`),
      h("p", {}, `${p.city.country} · ${lang === "en" ? p.city.continent : p.city.continent_zh} · ${t(p.city.group)} (${p.group_size})`,
        composite ? ` · ${t("composite")} ${t("rank")} ${composite.rank}` : ""),
      h("p", {}, link("/compare", { cities: [p.city.id, ...p.peers.slice(0, 1).map(x => x.city.id)].join(",") }, `→ ${t("compare")}`), " · ",
        link("/whatif", { city: p.city.id }, `→ ${t("whatif")}`)),
      h("div", { class: "cards" },
        h("div", { class: "card" }, h("h3", {}, t("strengths")), p.strengths.map(s => h("span", { class: "pill" }, levelName(s)))),
        h("div", { class: "card" }, h("h3", {}, t("weaknesses")), p.weaknesses.map(s => h("span", { class: "pill" }, levelName(s)))),
        h("div", { class: "card" }, h("h3", {}, t("mode")), p.mode ? `${nm(p.mode)} (${t(p.mode.origin)})` : t("none")),
        h("div", { class: "card" }, h("h3", {}, t("peers")), p.peers.map(x => h("span", { class: "pill" }, cityLink(x.city), ` ${fmt(x.distance, 1)}`)))),
      h("h2", {}, `${t("score")} vs ${t("median")}`),
      Charts.profileBars(bars, { title: t("profileOf") }),
      h("table", { id: "positions" },
        h("thead", {}, h("tr", {}, h("th", {}, t("level")), h("th", { class: "num" }, t("score")), h("th", { class: "num" }, t("rank")), h("th", { class: "num" }, t("median")), h("th", { class: "num" }, t("relative")), h("th", {}, t("earlier")),
          p.positions.some(x => x.interval) ? h("th", { class: "num" }, t("interval")) : null)),
        h("tbody", {}, p.positions.map(x => h("tr", {},
          h("td", {}, link("/rankings", { level: x.level }, `${x.level} · ${nm(x)}`)), h("td", { class: "num" }, fmt(x.score)),
          h("td", { class: "num" }, `${x.rank}${x.ranks_derived ? "*" : ""} / ${x.of}`), h("td", { class: "num" }, fmt(x.group_median)),
          h("td", { class: `num ${x.relative > 0 ? "up" : x.relative < 0 ? "down" : ""}` }, x.relative > 0 ? `+${x.relative}` : x.relative),
          h("td", {}, x.history.map(r => `${r.year}: ${r.rank}`).join(" · ")),
          p.positions.some(x => x.interval) ? h("td", { class: "num" }, interval(x.interval)) : null)))),
      p.indicators.length ? [h("h2", {}, t("indicators")), h("table", { id: "indicators" },
        h("thead", {}, h("tr", {}, h("th", {}, "id"), h("th", {}, t("indicators")), h("th", { class: "num" }, t("value")), h("th", { class: "num" }, t("z")), h("th", { class: "num" }, t("rank")), h("th", {}, t("provenance")))),
        h("tbody", {}, p.indicators.map(i => h("tr", {}, h("td", {}, i.id), h("td", {}, nm(i)), h("td", { class: "num" }, num(i.value)), h("td", { class: "num" }, fmt(i.z, 3)), h("td", { class: "num" }, i.rank), h("td", {}, i.provenance)))))] : null,
      downloads("profile", { cities: p.city.id }));
  }

  // ---- Compare ----
  async function compare() {
    const list = params.get("cities") || "";
    const input = h("input", { id: "compare-input", value: list, size: 50 });
    const head = h("div", { class: "controls" }, h("label", {}, t("cities"), input),
      h("button", { id: "compare-go", onclick: () => go("/compare", { cities: input.value }) }, t("go")));
    if (!list) { fill(main, h("h1", {}, t("compare")), head); return; }
    const ps = await api("compare?" + new URLSearchParams({ cities: list }));
    const levels = ps[0].positions.map(x => x.level);
    fill(main, h("h1", {}, t("compare")), head,
      h("table", { id: "compare" },
        h("thead", {}, h("tr", {}, h("th", {}, t("level")), ps.map(p => h("th", { class: "num" }, cityLink(p.city))))),
        h("tbody", {}, levels.map(l => h("tr", {}, h("td", {}, levelName(l)), ps.map(p => {
          const x = p.positions.find(y => y.level === l);
          return h("td", { class: "num" }, x ? `${fmt(x.score)} (${x.rank})` : "—");
        }))),
          h("tr", {}, h("td", {}, t("mode")), ps.map(p => h("td", { class: "num" }, p.mode ? nm(p.mode) : "—"))))),
      downloads("compare", { cities: ps.map(p => p.city.id).join(",") }));
  }

  // ---- What-if ----
  async function whatif() {
    fill(main, h("h1", {}, t("whatif")));
    if (!META.recomputable) { add(main, h("p", { class: "error", id: "not-recomputable" }, t("notRecomputable"))); return; }
    const cityId = params.get("city") || "";
    const level = params.get("level") || "composite";
    let state = { changes: {}, weights: {} };
    try { state = Object.assign(state, JSON.parse(params.get("state") || "{}")); } catch (_) { /* a hand-edited URL: start afresh */ }
    const profile = cityId ? await api("profile?" + new URLSearchParams({ city: cityId })) : null;
    const out = h("div", { id: "whatif-out" });
    const weights = h("div", { class: "weights" }, META.weights.map(w => h("label", {}, `${w.node} ${nm(w)}`,
      h("input", { type: "number", min: 0, max: 100, step: "any", "data-node": w.node, value: state.weights[w.node] ?? w.weight, onchange: run }))));
    const changes = profile && profile.indicators.length ? h("div", { class: "changes" }, profile.indicators.map(i => h("label", { title: nm(i) },
      `${i.id} (${t("currentValue")} ${num(i.value)})`, h("input", { "data-ind": i.id, placeholder: "+20%", value: state.changes[i.id] || "", onchange: run })))) : null;
    const levelSel = levelSelect(level, run, profile ? profile.city.group : "main");
    async function run() {
      const req = { changes: {}, weights: {}, level: levelSel.value };
      if (cityId) req.city = cityId;
      for (const inp of weights.querySelectorAll("input")) {
        const base = META.weights.find(w => w.node === inp.dataset.node).weight;
        if (inp.value !== "" && Number(inp.value) !== base) req.weights[inp.dataset.node] = Number(inp.value);
      }
      if (changes) for (const inp of changes.querySelectorAll("input")) if (inp.value.trim()) req.changes[inp.dataset.ind] = inp.value.trim();
      const q = Object.fromEntries(params); delete q.lang; q.level = req.level;
      q.state = JSON.stringify({ changes: req.changes, weights: req.weights });
      history.replaceState(null, "", href("/whatif", q));
      try {
        const r = await api("whatif", req);
        const byId = Object.fromEntries(CITIES.map(c => [c.id, c]));
        fill(out, 
          h("p", {}, `${t("moved")}: ${r.cities_moved}`),
          r.city_shifts.length ? h("table", { id: "whatif-city" }, h("thead", {}, h("tr", {}, h("th", {}, t("level")), h("th", { class: "num" }, t("score")), h("th", { class: "num" }, t("before")), h("th", { class: "num" }, t("after")))),
            h("tbody", {}, r.city_shifts.map(s => h("tr", {}, h("td", {}, levelName(s.level)), h("td", { class: "num" }, `${fmt(s.score_before)} → ${fmt(s.score_after)}`), h("td", { class: "num" }, s.rank_before), h("td", { class: `num ${s.rank_after < s.rank_before ? "up" : s.rank_after > s.rank_before ? "down" : ""}` }, s.rank_after))))) : null,
          h("h2", {}, `${t("rankings")} · ${levelName(r.level)}`),
          h("table", { id: "whatif-ranking" }, h("thead", {}, h("tr", {}, h("th", { class: "num" }, t("after")), h("th", { class: "num" }, t("before")), h("th", {}, t("name")), h("th", { class: "num" }, t("score")))),
            h("tbody", {}, r.ranking.map(s => h("tr", { "data-city": s.city }, h("td", { class: `num ${s.rank_after < s.rank_before ? "up" : s.rank_after > s.rank_before ? "down" : ""}` }, s.rank_after), h("td", { class: "num" }, s.rank_before),
              h("td", {}, byId[s.city] ? cityLink(byId[s.city]) : s.city), h("td", { class: "num" }, `${fmt(s.score_before)} → ${fmt(s.score_after)}`))))));
      } catch (e) { fill(out, h("p", { class: "error" }, e.message)); }
    }
    const targetOut = h("div", { id: "target-out" });
    const rankInput = h("input", { id: "target-rank", type: "number", min: 1, value: 1 });
    const targetBox = cityId ? h("div", {}, h("h2", {}, t("target")), h("div", { class: "controls" }, h("label", {}, t("targetRank"), rankInput),
      h("button", { id: "target-go", onclick: async () => {
        try {
          const r = await api("target?" + new URLSearchParams({ city: cityId, level: levelSel.value, rank: rankInput.value }));
          fill(targetOut, h("p", {}, `${r.current_rank} → ${r.goal}`),
            h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("single")), h("th", { class: "num" }, t("currentValue")), h("th", { class: "num" }, t("needed")))),
              h("tbody", {}, r.single.map(s => h("tr", {}, h("td", {}, s.indicator), h("td", { class: "num" }, num(s.current)), h("td", { class: "num" }, s.needed === null ? t("notFound") : `${num(s.needed)} (${fmt(s.change_percent, 1)}%)`))))),
            r.greedy ? h("p", {}, `${t("greedy")}: `, r.greedy.map(s => h("span", { class: "pill" }, `${s.indicator} ${num(s.from)} → ${num(s.to)}`))) : null);
        } catch (e) { fill(targetOut, h("p", { class: "error" }, e.message)); }
      } }, t("go"))), targetOut) : null;
    add(main, 
      h("div", { class: "controls" }, h("label", {}, t("city"), cityPicker(v => go("/whatif", { city: v }), cityId)), h("label", {}, t("level"), levelSel),
        h("button", { id: "whatif-go", onclick: run }, t("apply"))),
      h("h2", {}, t("weights")), weights,
      changes ? [h("h2", {}, t("changes")), changes] : null,
      out, targetBox);
    await run();
  }

  // ---- Maps ----
  async function maps() {
    const level = params.get("level") || "composite";
    const [m, r] = await Promise.all([api("modes"), api("regions?" + new URLSearchParams({ level }))]);
    const modeIds = [...new Set(m.cities.map(c => c.mode.id))];
    const pill = i => META.levels.find(l => l.id === m.pillars[i]);
    const pts = m.cities.map(c => ({ x: c.scores[0], y: c.scores[1], r: c.scores[2], group: modeIds.indexOf(c.mode.id), label: cityName(c.city) }));
    const worst = Math.max(...r.continents.map(c => c.worst));
    fill(main, 
      h("h1", {}, t("maps")),
      h("h2", {}, t("modes")),
      h("p", { class: "legend" }, modeIds.map((id, i) => h("span", {}, h("i", { class: `m${i}` }), nm(m.cities.find(c => c.mode.id === id).mode)))),
      Charts.modesScatter(pts, { title: t("modes"), x: pill(0) ? nm(pill(0)) : m.pillars[0], y: pill(1) ? nm(pill(1)) : m.pillars[1] }),
      h("p", { class: "muted" }, lang === "en" ? `Bubble size: ${pill(2) ? nm(pill(2)) : m.pillars[2]}` : `气泡大小：${pill(2) ? nm(pill(2)) : m.pillars[2]}`),
      downloads("modes", {}),
      h("h2", {}, `${t("boxes")} · ${levelName(level)}`),
      h("div", { class: "controls" }, h("label", {}, t("level"), levelSelect(level, ev => go("/maps", { level: ev.target.value })))),
      Charts.rankBoxes(r.continents.map(c => Object.assign({ label: lang === "en" ? c.continent : c.continent_zh }, c)), worst, { title: t("boxes") }),
      downloads("regions", { level }));
    for (const id of META.networks) {
      const n = await api("network?" + new URLSearchParams({ id }));
      const shown = Math.min(150, n.edges.length);
      add(main, h("h2", { id: `network-${id}` }, (lang === "en" ? n.title_en : n.title_zh) + (n.synthetic ? " — SYNTHETIC" : "")),
        h("p", { class: "muted" }, `${t("networkNote")}: ${lang === "en" ? n.size_en : n.size_zh} · ${shown} ${t("edgesShown")}`),
        Charts.network(n, cityName, shown, { title: lang === "en" ? n.title_en : n.title_zh }));
    }
  }

  // ---- Audit ----
  async function audit() {
    if (META.source !== "edition") { fill(main, h("h1", {}, t("audit")), h("p", { class: "muted" }, lang === "en" ? "The audit checks a published edition's printed tables; this is a computed run." : "审计检查已出版报告的印刷表格；这是一次计算结果。")); return; }
    const a = await api("audit");
    fill(main, h("h1", {}, `${t("findings")} (${a.findings.length})`),
      h("table", { id: "audit" }, h("thead", {}, h("tr", {}, ["table", "city", "column", "published", "expected", "kind", "severity", "evidence"].map(k => h("th", {}, k)))),
        h("tbody", {}, a.findings.map(f => h("tr", {}, h("td", {}, f.table), h("td", {}, f.city), h("td", {}, f.column), h("td", {}, f.published), h("td", {}, f.expected), h("td", {}, f.kind), h("td", {}, f.severity), h("td", {}, `${f.evidence} (${f.file}:${f.line})`))))),
      downloads("audit", {}));
  }

  const VIEWS = { "/": rankings, "/rankings": rankings, "/city": city, "/compare": compare, "/whatif": whatif, "/maps": maps, "/audit": audit };
  async function route() {
    for (const k of [...params.keys()]) params.delete(k);
    for (const [k, v] of new URLSearchParams(location.search)) params.set(k, v);
    const path = VIEWS[location.pathname] ? location.pathname : "/";
    $("nav").replaceChildren(...["rankings", "city", "compare", "whatif", "maps", "audit"].map(v =>
      h("a", { href: href("/" + v), class: path === "/" + v || (path === "/" && v === "rankings") ? "active" : null, onclick: ev => { ev.preventDefault(); go("/" + v); } }, t(v))));
    const other = new URLSearchParams(location.search);
    if (lang === "en") other.delete("lang"); else other.set("lang", "en");
    $("lang").setAttribute("href", location.pathname + (other.toString() ? "?" + other : ""));
    try { await VIEWS[path](); } catch (e) { fail(e); }
    document.title = `GIHI · ${t(path.slice(1) || "rankings")}`;
  }
  async function start() {
    document.documentElement.lang = lang === "en" ? "en" : "zh";
    $("lang").textContent = lang === "en" ? "中文" : "English";
    try {
      [META, CITIES] = await Promise.all([api("meta"), api("cities")]);
    } catch (e) { fail(e); return; }
    const banner = $("banner");
    banner.hidden = false;
    banner.textContent = (META.synthetic ? `${META.label} — ${t("synthetic")}` : META.label) + (META.uncertainty ? ` · ${META.uncertainty}` : "");
    if (META.synthetic) banner.classList.add("synthetic");
    $("footer").textContent = `${t("footer")}: ${META.label} · ${META.framework} · API /api/v1/openapi.json`;
    window.addEventListener("popstate", route);
    await route();
  }
  start();
})();
