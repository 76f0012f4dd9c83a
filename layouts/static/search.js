// Search page: Pagefind's JavaScript API behind our own labelled form.
// Result excerpts are rebuilt from text and <mark> only, so no markup from
// the index can reach the page.
const script = document.currentScript || document.querySelector("script[data-bundle]");
const bundle = script.dataset.bundle;
const base = script.dataset.base;
const input = document.getElementById("cs-suche");
const status = document.getElementById("cs-suchstatus");
const list = document.getElementById("cs-treffer");
const more = document.getElementById("cs-mehr");

function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

const PAGE = 10; // results shown at a time: each costs the reader one request

function item(result) {
  const entry = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  heading.append(link);
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes(result.excerpt));
  entry.append(heading, excerpt);
  return entry;
}

// Shows the first results, and a button for the next ones while there are more.
async function show(found, query, ticket) {
  const count = found.length;
  let shown = 0;
  const next = async () => {
    const batch = await Promise.all(found.slice(shown, shown + PAGE).map((r) => r.data()));
    if (ticket !== latest) return;
    if (shown === 0) {
      list.replaceChildren();
      status.textContent = count === 1 ? `1 Treffer für „${query}“` : `${count} Treffer für „${query}“`;
    }
    list.append(...batch.map(item));
    shown += batch.length;
    more.hidden = shown >= count;
  };
  more.onclick = async () => {
    const first = shown;
    more.disabled = true; // one batch at a time
    await next();
    more.disabled = false;
    list.children[first]?.querySelector("a")?.focus(); // the reader goes on where the new ones start
  };
  await next();
}

// The index comes in bundles (see careersite's search.py): the first is
// loaded, the others merged into it, and the changes index after them, whose
// pages replace the bundles' results named stale. Resolves to null where
// there is none.
async function load() {
  try {
    const listing = await fetch(`${bundle}bundles.json`).then((response) => response.json());
    const names = listing.changes ? [...listing.bundles, listing.changes] : listing.bundles;
    const [first, ...others] = names.map((name) => new URL(`${bundle}${name}/`, document.baseURI).href);
    const pagefind = await import(`${first}pagefind.js`);
    await pagefind.options({ baseUrl: base });
    await Promise.all(others.map((url) => pagefind.mergeIndex(url, { baseUrl: base })));
    return { pagefind, stale: new Set(listing.stale || []) };
  } catch {
    status.textContent = "Die Suche ist hier nicht verfügbar (der Suchindex entsteht bei careersite build).";
    return null;
  }
}

// Listen at once: what is typed while the index loads is searched when it is ready.
const ready = load();
let latest = 0;

async function run(query) {
  const ticket = ++latest;
  const index = await ready;
  if (!index || ticket !== latest) return;
  if (!query.trim()) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    return;
  }
  const search = await index.pagefind.search(query);
  if (ticket !== latest) return;
  // A page in the changes index and unchanged in its text has one id in both.
  const seen = new Set();
  const found = search.results.filter((r) => !index.stale.has(r.id) && !seen.has(r.id) && seen.add(r.id));
  await show(found, query, ticket);
}

const query = new URLSearchParams(location.search).get("q") || "";
input.value = query;
input.addEventListener("input", () => run(input.value));
input.form.addEventListener("submit", (event) => {
  event.preventDefault();
  history.replaceState(null, "", `?q=${encodeURIComponent(input.value)}`);
  run(input.value);
});
run(query);
