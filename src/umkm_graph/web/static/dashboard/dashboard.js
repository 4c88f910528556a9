// The city dashboard: signs in through the public GraphQL API (the login mutation), keeps the token in this tab only,
// and asks /graphql for each view with it, as any client would; the API's own rules (roles, k-anonymity) decide what
// it may show. Every figure cell carries data-figure (what it is) and data-value (the API's raw number).
"use strict";
(function () {
  const TOKEN_KEY = "umkm-dashboard-token";
  const MONTHS_SHOWN = 6;
  const rupiah = (value) => "Rp" + Math.round(value).toLocaleString("id-ID");
  const count = (value) => Number(value).toLocaleString("id-ID");
  const percent = (share) => (share * 100).toLocaleString("id-ID", { maximumFractionDigits: 1 }) + "%";
  const $ = (id) => document.getElementById(id);
  const esc = Charts.escape;

  async function graphql(query, variables) {
    const headers = { "Content-Type": "application/json", "Accept-Language": "id" };
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
    if (value == null) return `<td class="num hidden-figure" data-figure="${esc(key)}" data-value="">${missing || "disembunyikan"}</td>`;
    return `<td class="num" data-figure="${esc(key)}" data-value="${esc(value)}">${esc(format(value))}</td>`;
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
    const rows = series.map((p) => `<tr><td>${esc(p.period.month)}${p.period.closed ? "" : " (belum ditutup)"}</td>
      ${cell(`bulan:${p.period.month}:registeredAsn`, p.city.registeredAsn, count)}
      ${cell(`bulan:${p.period.month}:buyingAsn`, p.city.buyingAsn, count)}
      ${cell(`bulan:${p.period.month}:totalSpend`, p.city.totalSpend, rupiah)}
      ${cell(`bulan:${p.period.month}:complianceShare`, p.city.complianceShare, percent)}
      ${cell(`bulan:${p.period.month}:target`, p.target, rupiah, "belum ditetapkan")}</tr>`);
    const current = data.opds;
    const opdRows = current.opds.map((o) => `<tr><td>${esc(o.opd)}</td>
      ${cell(`opd:${o.opd}:registeredAsn`, o.registeredAsn, count)}
      ${cell(`opd:${o.opd}:buyingAsn`, o.buyingAsn, count)}
      ${cell(`opd:${o.opd}:totalSpend`, o.totalSpend, rupiah)}
      ${cell(`opd:${o.opd}:medianSpend`, o.medianSpend, rupiah)}
      ${cell(`opd:${o.opd}:complianceShare`, o.complianceShare, percent)}</tr>`);
    $("view-partisipasi").innerHTML = `<h2>Partisipasi ASN per bulan</h2>
      <p class="note">Berapa ASN membeli dari UMKM dan berapa yang mencapai target belanja bulanan. Angka tentang kurang
      dari ${current.minGroupSize} orang disembunyikan.</p>
      ${Charts.bars(series.map((p) => ({ label: p.period.month, value: p.city.complianceShare == null ? null : p.city.complianceShare * 100, limit: 100 })),
                    (v) => v.toLocaleString("id-ID", { maximumFractionDigits: 1 }) + "%", "ASN yang mencapai target per bulan")}
      <table><thead><tr><th>Bulan</th><th class="num">ASN terdaftar</th><th class="num">ASN membeli</th>
      <th class="num">Total belanja</th><th class="num">Mencapai target</th><th class="num">Target</th></tr></thead>
      <tbody>${rows.join("")}</tbody></table>
      <h3>Per OPD, ${esc(month)}</h3>
      ${Charts.bars(current.opds.map((o) => ({ label: o.opd, value: o.medianSpend, limit: current.target })), rupiah,
                    "Median belanja per OPD terhadap target")}
      <table><thead><tr><th>OPD</th><th class="num">ASN terdaftar</th><th class="num">ASN membeli</th>
      <th class="num">Total belanja</th><th class="num">Median belanja</th><th class="num">Mencapai target</th></tr></thead>
      <tbody>${opdRows.join("")}</tbody></table>`;
  }

  async function showPrices() {
    const data = await graphql(`{ sembakoPrices { asOf city { commodity per listings minPrice medianPrice maxPrice ceiling aboveCeiling } }
      priceFlags(first: 20) { totalCount edges { node { commodity kecamatan unitPrice per ceiling excessPercent product { name shop { name } } } } } }`);
    const prices = data.sembakoPrices.city;
    const rows = prices.map((p) => `<tr class="${p.aboveCeiling ? "flagged" : ""}"><td>${esc(p.commodity)} (per ${esc(p.per)})</td>
      ${cell(`harga:${p.commodity}:${p.per}:listings`, p.listings, count)}
      ${cell(`harga:${p.commodity}:${p.per}:minPrice`, p.minPrice, rupiah)}
      ${cell(`harga:${p.commodity}:${p.per}:medianPrice`, p.medianPrice, rupiah)}
      ${cell(`harga:${p.commodity}:${p.per}:maxPrice`, p.maxPrice, rupiah)}
      ${cell(`harga:${p.commodity}:${p.per}:ceiling`, p.ceiling, rupiah, "belum ditetapkan")}
      ${cell(`harga:${p.commodity}:${p.per}:aboveCeiling`, p.aboveCeiling, count)}</tr>`);
    const flags = data.priceFlags.edges.map(({ node: f }, i) => `<tr class="flagged"><td>${esc(f.product.name)}</td>
      <td>${esc(f.product.shop.name)}</td><td>${esc(f.kecamatan)}</td>
      ${cell(`flag:${i}:unitPrice`, f.unitPrice, rupiah)}${cell(`flag:${i}:ceiling`, f.ceiling, rupiah)}
      ${cell(`flag:${i}:excessPercent`, f.excessPercent, (v) => v.toLocaleString("id-ID", { maximumFractionDigits: 1 }) + "%")}</tr>`);
    $("view-harga").innerHTML = `<h2>Harga sembako terhadap HET</h2>
      <p class="note">Harga per kg atau liter dari produk aktif, per ${esc(data.sembakoPrices.asOf)}; garis putus-putus: HET.</p>
      ${Charts.bars(prices.map((p) => ({ label: `${p.commodity} /${p.per}`, value: p.medianPrice, limit: p.ceiling })), rupiah,
                    "Median harga terhadap HET")}
      <table><thead><tr><th>Komoditas</th><th class="num">Produk</th><th class="num">Terendah</th><th class="num">Median</th>
      <th class="num">Tertinggi</th><th class="num">HET</th><th class="num">Di atas HET</th></tr></thead>
      <tbody>${rows.join("")}</tbody></table>
      <h3>Produk di atas HET (<span data-figure="flags:totalCount" data-value="${data.priceFlags.totalCount}">${count(data.priceFlags.totalCount)}</span>)</h3>
      <table><thead><tr><th>Produk</th><th>Toko</th><th>Kecamatan</th><th class="num">Harga</th><th class="num">HET</th>
      <th class="num">Kelebihan</th></tr></thead><tbody>${flags.join("")}</tbody></table>`;
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
      ${cell(`umkm:${s.rank}:averageRating`, s.averageRating, (v) => v.toLocaleString("id-ID", { maximumFractionDigits: 2 }))}</tr>`);
    $("view-peringkat").innerHTML = `<h2>Sepuluh UMKM teratas menurut GMV, ${esc(month)}</h2>
      ${Charts.bars(shops.map((s) => ({ label: s.shop.name, value: s.gmv })), rupiah, "GMV per UMKM")}
      <table><thead><tr><th>#</th><th>Toko</th><th>Kecamatan</th><th class="num">GMV</th><th class="num">Pesanan</th>
      <th class="num">Selesai</th><th class="num">Terpenuhi</th><th class="num">Rating</th></tr></thead>
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
    $("view-penjualan").innerHTML = `<h2>Penjualan: COD terhadap nontunai per bulan</h2>
      <p class="note">Pesanan selesai, bernilai barangnya (tanpa ongkir).</p>
      ${Charts.bars(rows.map((r) => ({ label: `${r.start.slice(0, 7)} ${r.paymentKind}`, value: r.gmv })), rupiah, "GMV per bulan dan cara bayar")}
      <table><thead><tr><th>Bulan</th><th>Cara bayar</th><th class="num">Pesanan</th><th class="num">GMV</th>
      <th class="num">Pembeli</th></tr></thead><tbody>${table.join("")}</tbody></table>`;
  }

  function lastDay(month) {
    const [year, mon] = month.split("-").map(Number);
    return new Date(Date.UTC(year, mon, 0)).toISOString().slice(0, 10);
  }

  const VIEWS = { partisipasi: showParticipation, harga: showPrices, peringkat: showLeaderboard, penjualan: showSales };
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
      $("error-dasbor").textContent = "Gagal memuat: " + error.message;
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
      const data = await graphql("{ me { name role } }");
      if (!data.me || !["CITY_OFFICER", "ANALYST"].includes(data.me.role)) {
        sessionStorage.removeItem(TOKEN_KEY);
        $("error-masuk").textContent = data.me ? "Dasbor ini hanya untuk akun CITY_OFFICER dan ANALYST." : "";
        return;
      }
      $("who").textContent = `${data.me.name} (${data.me.role})`;
      $("bulan").value = await latestClosedMonth();
      $("masuk").hidden = true;
      $("dasbor").hidden = false;
      await open(currentView);
    } catch (error) {
      $("error-masuk").textContent = "Gagal: " + error.message;
    }
  }

  $("form-masuk").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    $("error-masuk").textContent = "";
    try {
      const data = await graphql("mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token errors { message } } }",
                                 { email: form.get("email"), password: form.get("password") });
      if (!data.login.token) {
        $("error-masuk").textContent = data.login.errors.map((e) => e.message).join("; ");
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, data.login.token);
      await start();
    } catch (error) {
      $("error-masuk").textContent = "Gagal: " + error.message;
    }
  });
  document.querySelectorAll("nav button[data-view]").forEach((b) => b.addEventListener("click", () => open(b.dataset.view)));
  $("bulan").addEventListener("change", () => open(currentView));
  $("keluar").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); location.reload(); });
  if (sessionStorage.getItem(TOKEN_KEY)) start();
})();
