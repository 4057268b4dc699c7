// The search page: query Pagefind's index and narrow the results to one briefing.
const form = document.querySelector(".search-form");
const input = document.getElementById("search-query");
const briefing = document.getElementById("search-briefing");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const pagefind = await import(form.dataset.bundle);
await pagefind.options({ excerptLength: 24 });

async function run() {
  const query = input.value.trim();
  const params = new URLSearchParams();
  if (query) { params.set("q", query); }
  if (briefing.value) { params.set("briefing", briefing.value); }
  history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
  list.replaceChildren();
  if (!query) { status.textContent = ""; return; }
  const search = await pagefind.debouncedSearch(query);
  if (search === null) { return; }  // a newer query replaced this one
  const found = await Promise.all(search.results.slice(0, 50).map((r) => r.data()));
  const wanted = briefing.value ? "|" + briefing.value + "|" : "";
  const shown = found.filter((d) => !wanted || (d.meta.briefings || "").includes(wanted));
  status.textContent = shown.length + " / " + found.length;
  for (const data of shown) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    // Pagefind knows pages by their path in the output; the site may live under a prefix.
    link.href = form.dataset.base + data.url.replace(/^\//, "");
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
form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
input.addEventListener("input", run);
briefing.addEventListener("change", run);
run();
