// The search page: query Pagefind's indexes and narrow the results to one briefing and to
// one entity (a person, organization…).
const form = document.querySelector(".search-form");
const input = document.getElementById("search-query");
const briefing = document.getElementById("search-briefing");
const entity = document.getElementById("search-entity");  // absent on a site without entities
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const base = form.dataset.base;  // the site's path prefix, e.g. "/" or "/ko/"

// One index per year, newest first (pagefind/shards.json, written with them): the newest
// one is loaded, and the others are merged into it.
async function load() {
  // Revalidated on each visit: the list changes when a year gets its first article.
  const response = await fetch(form.dataset.shards, { cache: "no-cache" });
  if (!response.ok) { throw new Error(form.dataset.shards + ": HTTP " + response.status); }
  const { shards } = await response.json();
  if (!shards.length) {  // a site without articles
    return { debouncedSearch: async () => ({ results: [] }) };
  }
  const folder = (key) => new URL("pagefind/" + key + "/", location.origin + base).pathname;
  const pagefind = await import(folder(shards[0]) + "pagefind.js");
  // Result URLs are the pages' paths under the prefix: Pagefind adds it (baseUrl), so the
  // links below use them as they are.
  await pagefind.options({ basePath: folder(shards[0]), baseUrl: base, excerptLength: 24 });
  await pagefind.init();
  await Promise.all(shards.slice(1).map(
    (key) => pagefind.mergeIndex(folder(key), { baseUrl: base })));
  return pagefind;
}
const pagefind = await load();

async function run() {
  const query = input.value.trim();
  const params = new URLSearchParams();
  if (query) { params.set("q", query); }
  if (briefing.value) { params.set("briefing", briefing.value); }
  if (entity && entity.value) { params.set("entity", entity.value); }
  history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
  list.replaceChildren();
  if (!query) { status.textContent = ""; return; }
  const search = await pagefind.debouncedSearch(query);
  if (search === null) { return; }  // a newer query replaced this one
  const found = await Promise.all(search.results.slice(0, 50).map((r) => r.data()));
  // Each article lists its briefings' and entities' slugs as "|a|b|" in its Pagefind
  // metadata (Pagefind's own filters are not byte-reproducible between builds).
  const has = (slugs, slug) => !slug || (slugs || "").includes("|" + slug + "|");
  const shown = found.filter((d) => has(d.meta.briefings, briefing.value)
                                    && has(d.meta.entities, entity ? entity.value : ""));
  status.textContent = shown.length + " / " + found.length;
  for (const data of shown) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.url;  // already under the site's prefix
    link.className = "search-result-link";
    link.textContent = data.meta.title || data.url;
    const excerpt = document.createElement("p");
    excerpt.className = "summary";
    excerpt.innerHTML = data.excerpt;  // Pagefind escapes the text and adds only <mark>
    item.append(link, excerpt);
    list.append(item);
  }
}

const start = new URLSearchParams(location.search);
input.value = start.get("q") || "";
briefing.value = start.get("briefing") || "";
if (entity) { entity.value = start.get("entity") || ""; }
form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
input.addEventListener("input", run);
briefing.addEventListener("change", run);
if (entity) { entity.addEventListener("change", run); }
run();
