// Horizontal bar charts drawn as SVG in the page (no chart library to ship): one bar per item, an optional dashed
// line per item for its limit (a target or a ceiling). Values that are null (withheld) draw no bar.
"use strict";
const Charts = (function () {
  function escape(text) {
    return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  }
  function bars(items, format, title, withheld) {
    const rowHeight = 22, labelWidth = 220, width = 760, barSpace = width - labelWidth - 110;
    const top = Math.max(1, ...items.map((i) => Math.max(i.value || 0, i.limit || 0)));
    const rows = items.map((item, index) => {
      const y = index * rowHeight;
      const length = item.value == null ? 0 : (item.value / top) * barSpace;
      const limit = item.limit == null ? "" :
        `<line class="limit" x1="${labelWidth + (item.limit / top) * barSpace}" x2="${labelWidth + (item.limit / top) * barSpace}" y1="${y + 2}" y2="${y + rowHeight - 2}"></line>`;
      const shown = item.value == null ? (withheld || "") : format(item.value);
      return `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escape(item.label)}</text>` +
        `<rect class="bar" x="${labelWidth}" y="${y + 4}" width="${length}" height="${rowHeight - 8}"></rect>${limit}` +
        `<text x="${labelWidth + length + 6}" y="${y + 15}">${escape(shown)}</text>`;
    });
    const height = Math.max(rowHeight, items.length * rowHeight);
    return `<svg class="chart" role="img" aria-label="${escape(title)}" viewBox="0 0 ${width} ${height}">${rows.join("")}</svg>`;
  }
  return { bars: bars, escape: escape };
})();
