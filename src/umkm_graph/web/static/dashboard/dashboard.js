// The city dashboard: signs in through the public GraphQL API (the login mutation), keeps the token in this tab only,
// and asks /graphql for each view with it, as any client would; the API's own rules (roles, k-anonymity) decide what
// it may show. Every figure cell carries data-figure (what it is) and data-value (the API's raw number). Every text
// comes from Texts (texts.js), in the reader's language.
"use strict";
(function () {
  const TOKEN_KEY = "umkm-dashboard-token";
  const MONTHS_SHOWN = 6;
  const t = Texts.t;
  const rupiah = (value) => "Rp" + Math.round(value).toLocaleString("id-ID");
  const count = (value) => Number(value).toLocaleString(Texts.locale);
  const decimal = (digits) => (value) => value.toLocaleString(Texts.locale, { maximumFractionDigits: digits });
  const percent = (share) => decimal(1)(share * 100) + "%";
  const $ = (id) => document.getElementById(id);
  const esc = Charts.escape;
  const head = (...keys) => keys.map((key) => {
    const [name, numeric] = key.split("|");
    return `<th${numeric ? ' class="num"' : ""}>${esc(t(name))}</th>`;
  }).join("");

  async function graphql(query, variables) {
    const headers = { "Content-Type": "application/json", "Accept-Language": Texts.language };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch("/graphql", { method: "POST", headers: headers,
                                               body: JSON.stringify({ query: query, variables: variables || {} }) });
    const body = await response.json();
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join("; "));
    return body.data;
  }

  // A null figure is withheld (k-anonymity) unless `missing` says what else it means (no ceiling or target set).
  function cell(key, value, format, missing) {
    if (value == null) return `<td class="num hidden-figure" data-figure="${esc(key)}" data-value="">${esc(t(missing || "figure.withheld"))}</td>`;
    return `<td class="num" data-figure="${esc(key)}" data-value="${esc(value)}">${esc(format(value))}</td>`;
  }

  function bars(items, format, titleKey) {
    return Charts.bars(items, format, t(titleKey), t("figure.withheld"));
  }

  function monthsEndingAt(month, n) {
    const [year, mon] = month.split("-").map(Number);
    const months = [];
    for (let back = n - 1; back >= 0; back--) {
      const d = new Date(Date.UTC(year, mon - 1 - back, 1));
      months.push(d.toISOString().slice(0, 7));
    }
    return months;
  }

  const PARTICIPATION_FIELDS = "period { month closed } target minGroupSize " +
    "city { registeredAsn buyingAsn totalSpend medianSpend complianceShare } ";

  async function showParticipation(month) {
    const months = monthsEndingAt(month, MONTHS_SHOWN);
    const aliases = months.map((m, i) => `m${i}: asnParticipation(period: { month: "${m}" }) { ${PARTICIPATION_FIELDS} }`);
    const data = await graphql(`{ ${aliases.join(" ")} opds: asnParticipation(period: { month: "${month}" }) {
      ${PARTICIPATION_FIELDS} opds { opd suppressed registeredAsn buyingAsn totalSpend medianSpend complianceShare } } }`);
    const series = months.map((m, i) => data["m" + i]);
    const rows = series.map((p) => `<tr><td>${esc(p.period.closed ? p.period.month : t("period.open", { month: p.period.month }))}</td>
      ${cell(`bulan:${p.period.month}:registeredAsn`, p.city.registeredAsn, count)}
      ${cell(`bulan:${p.period.month}:buyingAsn`, p.city.buyingAsn, count)}
      ${cell(`bulan:${p.period.month}:totalSpend`, p.city.totalSpend, rupiah)}
      ${cell(`bulan:${p.period.month}:complianceShare`, p.city.complianceShare, percent)}
      ${cell(`bulan:${p.period.month}:target`, p.target, rupiah, "figure.not_set")}</tr>`);
    const current = data.opds;
    const opdRows = current.opds.map((o) => `<tr><td>${esc(o.opd)}</td>
      ${cell(`opd:${o.opd}:registeredAsn`, o.registeredAsn, count)}
      ${cell(`opd:${o.opd}:buyingAsn`, o.buyingAsn, count)}
      ${cell(`opd:${o.opd}:totalSpend`, o.totalSpend, rupiah)}
      ${cell(`opd:${o.opd}:medianSpend`, o.medianSpend, rupiah)}
      ${cell(`opd:${o.opd}:complianceShare`, o.complianceShare, percent)}</tr>`);
    $("view-partisipasi").innerHTML = `<h2>${esc(t("participation.heading"))}</h2>
      <p class="note">${esc(t("participation.note", { k: current.minGroupSize }))}</p>
      ${bars(series.map((p) => ({ label: p.period.month, value: p.city.complianceShare == null ? null : p.city.complianceShare * 100, limit: 100 })),
             (v) => decimal(1)(v) + "%", "participation.chart")}
      <table><thead><tr>${head("column.month", "column.registered_asn|n", "column.buying_asn|n", "column.total_spend|n",
                                "column.reached_target|n", "column.target|n")}</tr></thead>
      <tbody>${rows.join("")}</tbody></table>
      <h3>${esc(t("participation.by_opd", { month: month }))}</h3>
      ${bars(current.opds.map((o) => ({ label: o.opd, value: o.medianSpend, limit: current.target })), rupiah,
             "participation.opd_chart")}
      <table><thead><tr>${head("column.opd", "column.registered_asn|n", "column.buying_asn|n", "column.total_spend|n",
                                "column.median_spend|n", "column.reached_target|n")}</tr></thead>
      <tbody>${opdRows.join("")}</tbody></table>`;
  }

  async function showPrices() {
    const data = await graphql(`{ sembakoPrices { asOf city { commodity per listings minPrice medianPrice maxPrice ceiling aboveCeiling } }
      priceFlags(first: 20) { totalCount edges { node { commodity kecamatan unitPrice per ceiling excessPercent product { name shop { name } } } } } }`);
    const prices = data.sembakoPrices.city;
    const rows = prices.map((p) => `<tr class="${p.aboveCeiling ? "flagged" : ""}"><td>${esc(t("prices.commodity", { commodity: p.commodity, unit: p.per }))}</td>
      ${cell(`harga:${p.commodity}:${p.per}:listings`, p.listings, count)}
      ${cell(`harga:${p.commodity}:${p.per}:minPrice`, p.minPrice, rupiah)}
      ${cell(`harga:${p.commodity}:${p.per}:medianPrice`, p.medianPrice, rupiah)}
      ${cell(`harga:${p.commodity}:${p.per}:maxPrice`, p.maxPrice, rupiah)}
      ${cell(`harga:${p.commodity}:${p.per}:ceiling`, p.ceiling, rupiah, "figure.not_set")}
      ${cell(`harga:${p.commodity}:${p.per}:aboveCeiling`, p.aboveCeiling, count)}</tr>`);
    const flags = data.priceFlags.edges.map(({ node: f }, i) => `<tr class="flagged"><td>${esc(f.product.name)}</td>
      <td>${esc(f.product.shop.name)}</td><td>${esc(f.kecamatan)}</td>
      ${cell(`flag:${i}:unitPrice`, f.unitPrice, rupiah)}${cell(`flag:${i}:ceiling`, f.ceiling, rupiah)}
      ${cell(`flag:${i}:excessPercent`, f.excessPercent, (v) => decimal(1)(v) + "%")}</tr>`);
    const flagged = `<span data-figure="flags:totalCount" data-value="${data.priceFlags.totalCount}">${count(data.priceFlags.totalCount)}</span>`;
    $("view-harga").innerHTML = `<h2>${esc(t("prices.heading"))}</h2>
      <p class="note">${esc(t("prices.note", { date: data.sembakoPrices.asOf }))}</p>
      ${bars(prices.map((p) => ({ label: `${p.commodity} /${p.per}`, value: p.medianPrice, limit: p.ceiling })), rupiah,
             "prices.chart")}
      <table><thead><tr>${head("column.commodity", "column.listings|n", "column.lowest|n", "column.median|n",
                                "column.highest|n", "column.ceiling|n", "column.above_ceiling|n")}</tr></thead>
      <tbody>${rows.join("")}</tbody></table>
      <h3>${esc(t("prices.flagged", { count: "\u0000" })).replace("\u0000", flagged)}</h3>
      <table><thead><tr>${head("column.product", "column.shop", "column.kecamatan", "column.price|n", "column.ceiling|n",
                                "column.excess|n")}</tr></thead><tbody>${flags.join("")}</tbody></table>`;
  }

  async function showLeaderboard(month) {
    const data = await graphql(`query ($month: String!) { shopLeaderboard(period: { month: $month }, sort: GMV, first: 10) {
      totalCount edges { node { rank shop { name kecamatan } gmv orders completedOrders fulfilmentRate averageRating } } } }`,
                               { month: month });
    const shops = data.shopLeaderboard.edges.map((e) => e.node);
    const rows = shops.map((s) => `<tr><td>${s.rank}</td><td>${esc(s.shop.name)}</td><td>${esc(s.shop.kecamatan)}</td>
      ${cell(`umkm:${s.rank}:gmv`, s.gmv, rupiah)}${cell(`umkm:${s.rank}:orders`, s.orders, count)}
      ${cell(`umkm:${s.rank}:completedOrders`, s.completedOrders, count)}
      ${cell(`umkm:${s.rank}:fulfilmentRate`, s.fulfilmentRate, percent)}
      ${cell(`umkm:${s.rank}:averageRating`, s.averageRating, decimal(2))}</tr>`);
    $("view-peringkat").innerHTML = `<h2>${esc(t("leaderboard.heading", { month: month }))}</h2>
      ${bars(shops.map((s) => ({ label: s.shop.name, value: s.gmv })), rupiah, "leaderboard.chart")}
      <table><thead><tr><th>#</th>${head("column.shop", "column.kecamatan", "column.gmv|n", "column.orders|n",
                                          "column.completed|n", "column.fulfilled|n", "column.rating|n")}</tr></thead>
      <tbody>${rows.join("")}</tbody></table>`;
  }

  async function showSales(month) {
    const months = monthsEndingAt(month, MONTHS_SHOWN);
    const data = await graphql(`query ($from: Date!, $to: Date!) { salesAggregates(period: { from: $from, to: $to },
      interval: MONTH, by: [PAYMENT_KIND]) { rows { start paymentKind suppressed orders gmv buyers } } }`,
                               { from: months[0] + "-01", to: lastDay(month) });
    const rows = data.salesAggregates.rows;
    const table = rows.map((r) => `<tr><td>${esc(r.start.slice(0, 7))}</td><td>${esc(r.paymentKind)}</td>
      ${cell(`jual:${r.start.slice(0, 7)}:${r.paymentKind}:orders`, r.orders, count)}
      ${cell(`jual:${r.start.slice(0, 7)}:${r.paymentKind}:gmv`, r.gmv, rupiah)}
      ${cell(`jual:${r.start.slice(0, 7)}:${r.paymentKind}:buyers`, r.buyers, count)}</tr>`);
    $("view-penjualan").innerHTML = `<h2>${esc(t("sales.heading"))}</h2>
      <p class="note">${esc(t("sales.note"))}</p>
      ${bars(rows.map((r) => ({ label: `${r.start.slice(0, 7)} ${r.paymentKind}`, value: r.gmv })), rupiah, "sales.chart")}
      <table><thead><tr>${head("column.month", "column.payment", "column.orders|n", "column.gmv|n", "column.buyers|n")}</tr></thead>
      <tbody>${table.join("")}</tbody></table>`;
  }

  async function showCash() {
    const data = await graphql(`{ cityCashOnDelivery { handedOver handedOverUnconfirmed unconfirmedShare
      byKecamatan { kecamatan orders rupiah } byShop { shopName kecamatan orders rupiah } } }`);
    const cash = data.cityCashOnDelivery;
    const byKecamatan = cash.byKecamatan.map((k) => `<tr><td>${esc(k.kecamatan)}</td>
      ${cell(`tunai:${k.kecamatan}:orders`, k.orders, count)}${cell(`tunai:${k.kecamatan}:rupiah`, k.rupiah, rupiah)}</tr>`);
    const byShop = cash.byShop.slice(0, 10).map((s, i) => `<tr><td>${esc(s.shopName)}</td><td>${esc(s.kecamatan)}</td>
      ${cell(`tunai-toko:${i}:orders`, s.orders, count)}${cell(`tunai-toko:${i}:rupiah`, s.rupiah, rupiah)}</tr>`);
    const note = t("cash.note", { handed: "\u0001", unconfirmed: "\u0002", share: "\u0003" });
    $("view-tunai").innerHTML = `<h2>${esc(t("cash.heading"))}</h2>
      <p class="note">${esc(note).replace("\u0001", figure("tunai:handedOver", cash.handedOver, count))
        .replace("\u0002", figure("tunai:handedOverUnconfirmed", cash.handedOverUnconfirmed, count))
        .replace("\u0003", figure("tunai:unconfirmedShare", cash.unconfirmedShare, percent))}</p>
      ${bars(cash.byKecamatan.map((k) => ({ label: k.kecamatan, value: k.rupiah })), rupiah, "cash.chart")}
      <table><thead><tr>${head("column.kecamatan", "column.orders|n", "column.outstanding|n")}</tr></thead>
      <tbody>${byKecamatan.join("")}</tbody></table>
      <h3>${esc(t("cash.by_shop"))}</h3>
      <table><thead><tr>${head("column.shop", "column.kecamatan", "column.orders|n", "column.outstanding|n")}</tr></thead>
      <tbody>${byShop.join("")}</tbody></table>`;
  }

  const COMPLAINT_KINDS = ["TOTAL", "OPEN", "REJECTED", "ESCALATED", "RESOLVED", "DECIDED", "REFUND", "REPLACE", "REJECT"];

  async function showComplaints() {
    const data = await graphql(`{ cityComplaintCounts { counts { kind count }
      byKecamatan { kecamatan counts { kind count } } } }`);
    const found = data.cityComplaintCounts;
    const of = (counts) => Object.fromEntries(counts.map((c) => [c.kind, c.count]));
    const city = of(found.counts);
    const kinds = COMPLAINT_KINDS.filter((kind) => kind in city);
    const rows = found.byKecamatan.map((k) => {
      const counts = of(k.counts);
      return `<tr><td>${esc(k.kecamatan)}</td>${kinds.map((kind) => cell(`aduan:${k.kecamatan}:${kind}`, counts[kind] || 0, count)).join("")}</tr>`;
    });
    const total = `<tr><td>${esc(t("complaints.kind.TOTAL"))}</td>${kinds.map((kind) => cell(`aduan:kota:${kind}`, city[kind], count)).join("")}</tr>`;
    $("view-pengaduan").innerHTML = `<h2>${esc(t("complaints.heading"))}</h2>
      <p class="note">${esc(t(found.counts.length ? "complaints.note" : "complaints.none"))}</p>
      ${bars(found.byKecamatan.map((k) => ({ label: k.kecamatan, value: of(k.counts).TOTAL || 0 })), count, "complaints.chart")}
      <table><thead><tr>${head("column.kecamatan", ...kinds.map((kind) => `complaints.kind.${kind}|n`))}</tr></thead>
      <tbody>${rows.join("")}${total}</tbody></table>`;
  }

  function figure(key, value, format) {
    return `<span data-figure="${esc(key)}" data-value="${esc(value)}">${esc(format(value))}</span>`;
  }

  function lastDay(month) {
    const [year, mon] = month.split("-").map(Number);
    return new Date(Date.UTC(year, mon, 0)).toISOString().slice(0, 10);
  }

  const VIEWS = { partisipasi: showParticipation, harga: showPrices, peringkat: showLeaderboard, penjualan: showSales,
                  tunai: showCash, pengaduan: showComplaints };
  let currentView = "partisipasi";

  async function open(view) {
    currentView = view;
    document.querySelectorAll("nav button[data-view]").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
    document.querySelectorAll(".view").forEach((s) => { s.hidden = s.id !== "view-" + view; });
    $("error-dasbor").textContent = "";
    const section = $("view-" + view);
    section.removeAttribute("data-loaded");
    try {
      await VIEWS[view]($("bulan").value);
      section.setAttribute("data-loaded", $("bulan").value);
    } catch (error) {
      $("error-dasbor").textContent = t("error.load", { reason: error.message });
    }
  }

  async function latestClosedMonth() {
    const now = new Date();
    const months = monthsEndingAt(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7), 3);
    const data = await graphql(`{ ${months.map((m, i) => `m${i}: asnParticipation(period: { month: "${m}" }) { period { month closed } }`).join(" ")} }`);
    const closed = months.map((m, i) => data["m" + i].period).filter((p) => p.closed);
    return closed.length ? closed[closed.length - 1].month : months[months.length - 1];
  }

  async function start() {
    try {
      const data = await graphql("{ me { name role language } }");
      if (!data.me || !["CITY_OFFICER", "ANALYST"].includes(data.me.role)) {
        sessionStorage.removeItem(TOKEN_KEY);
        $("error-masuk").textContent = data.me ? t("signin.only_city") : "";
        return;
      }
      await Texts.follow(data.me.language);
      $("who").textContent = `${data.me.name} (${data.me.role})`;
      $("bulan").value = await latestClosedMonth();
      $("masuk").hidden = true;
      $("dasbor").hidden = false;
      await open(currentView);
    } catch (error) {
      $("error-masuk").textContent = t("error.failed", { reason: error.message });
    }
  }

  $("form-masuk").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    $("error-masuk").textContent = "";
    try {
      const data = await graphql("mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token errors { summary } } }",
                                 { email: form.get("email"), password: form.get("password") });
      if (!data.login.token) {
        $("error-masuk").textContent = data.login.errors.map((e) => e.summary).join("; ");
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, data.login.token);
      await start();
    } catch (error) {
      $("error-masuk").textContent = t("error.failed", { reason: error.message });
    }
  });
  document.querySelectorAll("nav button[data-view]").forEach((b) => b.addEventListener("click", () => open(b.dataset.view)));
  $("bulan").addEventListener("change", () => open(currentView));
  $("keluar").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); location.reload(); });
  $("bahasa").addEventListener("click", async () => {
    await Texts.choose(Texts.other);
    if (!$("dasbor").hidden) await open(currentView);
  });
  Texts.start().then(() => { if (sessionStorage.getItem(TOKEN_KEY)) start(); });
})();
