// The dashboard's language: Bahasa Indonesia unless English is asked for: by ?lang=en, by the switch (kept in this
// browser), or, before any choice here, by the signed-in person's own language (updateProfile). Not by the browser's
// locale: an office PC set up in English is still read by Indonesian staff. The texts come from the server's gettext
// catalogue (/dashboard/texts/<language>.json), never from strings in this code.
"use strict";
const Texts = (function () {
  const CHOICE_KEY = "umkm-dashboard-language";
  const LANGUAGES = ["id", "en"];
  let language = "id";
  let texts = {};

  function initial() {
    const asked = new URLSearchParams(location.search).get("lang");
    if (LANGUAGES.includes(asked)) return asked;
    const chosen = localStorage.getItem(CHOICE_KEY);
    return LANGUAGES.includes(chosen) ? chosen : "id";
  }

  async function use(next) {
    const response = await fetch(`/dashboard/texts/${next}.json`);
    if (!response.ok) throw new Error(`no texts for ${next}`);
    texts = await response.json();
    language = next;
    document.documentElement.lang = next;
    document.querySelectorAll("[data-text]").forEach((node) => { node.textContent = t(node.dataset.text); });
  }

  // The person's own language, when they have not chosen here: the API's me.language (ID or EN).
  async function follow(personLanguage) {
    const theirs = (personLanguage || "").toLowerCase();
    if (!localStorage.getItem(CHOICE_KEY) && LANGUAGES.includes(theirs) && theirs !== language) await use(theirs);
  }

  async function choose(next) {
    localStorage.setItem(CHOICE_KEY, next);
    await use(next);
  }

  // The text of a key, with {name} filled from values; the key itself when the catalogue lacks it.
  function t(key, values) {
    const text = texts[key] === undefined ? key : texts[key];
    return text.replace(/\{(\w+)\}/g, (whole, name) => (values && name in values ? String(values[name]) : whole));
  }

  return {
    start: () => use(initial()), follow: follow, choose: choose, t: t,
    get language() { return language; },
    get other() { return language === "id" ? "en" : "id"; },
    // Counts and shares in the reader's habit; money is always Rp15.700, the Indonesian way.
    get locale() { return language === "en" ? "en-GB" : "id-ID"; },
  };
})();
