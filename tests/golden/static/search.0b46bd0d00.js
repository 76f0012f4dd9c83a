// Search page: Pagefind's JavaScript API behind our own labelled form.
// Result excerpts are rebuilt from text and <mark> only, so no markup from
// the index can reach the page.
const script = document.currentScript || document.querySelector("script[data-bundle]");
const bundle = script.dataset.bundle;
const base = script.dataset.base;
const input = document.getElementById("cs-suche");
const status = document.getElementById("cs-suchstatus");
const list = document.getElementById("cs-treffer");

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

function show(results, query) {
  list.replaceChildren();
  for (const result of results) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(result.excerpt));
    item.append(heading, excerpt);
    list.append(item);
  }
  const count = results.length;
  status.textContent = count === 1 ? `1 Treffer für „${query}“` : `${count} Treffer für „${query}“`;
}

// The index comes in bundles (see careersite's search.py): the first is
// loaded, the others merged into it. Resolves to null where there is none.
async function load() {
  try {
    const listing = await fetch(`${bundle}bundles.json`).then((response) => response.json());
    const [first, ...others] = listing.bundles.map(
      (name) => new URL(`${bundle}${name}/`, document.baseURI).href,
    );
    const pagefind = await import(`${first}pagefind.js`);
    await pagefind.options({ baseUrl: base });
    await Promise.all(others.map((url) => pagefind.mergeIndex(url, { baseUrl: base })));
    return pagefind;
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
  const pagefind = await ready;
  if (!pagefind || ticket !== latest) return;
  if (!query.trim()) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const search = await pagefind.search(query);
  const results = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  if (ticket === latest) show(results, query);
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
