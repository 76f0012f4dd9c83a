// Search page: careersite's own index (see its search.py) behind a labelled form.
// A query loads index.json, the shard of each of its words, and one small
// file for each result shown. Results are built from text nodes and <mark>
// only, so nothing from the index is read as markup.
const script = document.currentScript || document.querySelector("script[data-bundle]");
const root = new URL(script.dataset.bundle, document.baseURI).href;
const base = script.dataset.base;
const input = document.getElementById("cs-suche");
const status = document.getElementById("cs-suchstatus");
const list = document.getElementById("cs-treffer");
const more = document.getElementById("cs-mehr");

const PAGE = 10; // results shown at a time: each costs the reader one request
const FORMAT = 1; // the index layout this script reads
const SHORTER = 3; // a query word also finds the words it begins with up to this many letters less
const SHORTEST = 4; // ... but none shorter than this
const EXCERPT = [12, 20]; // words shown before and after the first match
const BEGUN = 200; // at most this many words found for a query word by their beginning

// As search.py's fold() and words_of(): lower case, accents off, "ß" as "ss".
const fold = (text) => text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/ß/g, "ss");
const words = (text) => (fold(text).match(/[\p{L}\p{N}_]+/gu) || []).filter((word) => word.length <= 40);

const fetched = new Map();
function json(path) {
  if (!fetched.has(path)) {
    fetched.set(
      path,
      fetch(new URL(path, root)).then((response) => {
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        return response.json();
      }),
    );
  }
  return fetched.get(path);
}

// The shard that holds where word sorts: the last one starting at or before it.
function shardAt(index, word) {
  let low = 0;
  let high = index.shards.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (index.shards[middle][0] <= word) low = middle;
    else high = middle - 1;
  }
  return low;
}

async function shard(index, number) {
  const data = await json(`w/${index.shards[number][1]}.json`);
  if (!data.lookup) data.lookup = new Map(data.w.map((entry, at) => [entry[0], at]));
  return data;
}

// The index's words a query word finds, each with how well it matches (1 exact).
async function matches(index, term) {
  if (!index.shards.length) return [];
  const found = [];
  // Words it begins: from its place on, across shards while they go on with it.
  for (let number = shardAt(index, term); number < index.shards.length; number++) {
    if (number > shardAt(index, term) && !index.shards[number][0].startsWith(term)) break;
    const data = await shard(index, number);
    let at = data.lookup.get(term);
    if (at === undefined) at = data.w.findIndex((entry) => entry[0] > term);
    if (at < 0) continue;
    for (; at < data.w.length && data.w[at][0].startsWith(term); at++) {
      const entry = data.w[at];
      if (entry[0] === term || (term.length >= 2 && found.length < BEGUN)) found.push([entry, entry[0] === term ? 1 : 0.7]);
    }
    if (found.length >= BEGUN) break;
    if (at < data.w.length) break;
  }
  // Words that begin it, a few letters shorter: "gehalt" for "gehälter".
  for (let length = term.length - 1; length >= Math.max(SHORTEST, term.length - SHORTER); length--) {
    const stem = term.slice(0, length);
    const data = await shard(index, shardAt(index, stem));
    const at = data.lookup.get(stem);
    if (at !== undefined) found.push([data.w[at], 0.8]);
  }
  return found;
}

// Pages for one query word: id -> score, and whether every page it is in is listed.
function postings(index, found) {
  const scores = new Map();
  let whole = true;
  for (const [[, count, flat], match] of found) {
    const idf = Math.log(1 + (index.pages - count + 0.5) / (count + 0.5));
    whole &&= flat.length / 2 === count;
    let page = 0;
    for (let at = 0; at < flat.length; at += 2) {
      page += flat[at];
      const score = idf * match * flat[at + 1];
      if (!(scores.get(page) >= score)) scores.set(page, score);
    }
  }
  return { scores, whole };
}

// The pages with every query word, best first. A word whose list was cut to
// its best pages (it is in most of them) adds to the score but filters none,
// unless every word was cut.
function rank(lists) {
  const filters = lists.some((list) => list.whole) ? lists.filter((list) => list.whole) : lists;
  const score = (page) => lists.reduce((sum, list) => sum + (list.scores.get(page) || 0), 0);
  const scored = [...filters[0].scores.keys()]
    .filter((page) => filters.every((list) => list.scores.has(page)))
    .map((page) => [page, score(page)]);
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return scored.map(([page]) => page);
}

// The excerpt: the text around the first word the query found, matches marked.
function excerpt(text, marked) {
  const tokens = [...text.matchAll(/[\p{L}\p{N}\p{M}_]+/gu)];
  const hits = tokens.map((token) => marked(fold(token[0])));
  const first = Math.max(0, hits.indexOf(true));
  const from = Math.max(0, first - EXCERPT[0]);
  const to = Math.min(tokens.length, first + EXCERPT[1]);
  const nodes = [];
  let at = from ? tokens[from].index : 0;
  if (from) nodes.push(document.createTextNode("… "));
  for (let number = from; number < to; number++) {
    const token = tokens[number];
    if (!hits[number]) continue;
    nodes.push(document.createTextNode(text.slice(at, token.index)));
    const mark = document.createElement("mark");
    mark.textContent = token[0];
    nodes.push(mark);
    at = token.index + token[0].length;
  }
  const end = to < tokens.length ? tokens[to - 1].index + tokens[to - 1][0].length : text.length;
  nodes.push(document.createTextNode(text.slice(at, end) + (end < text.length ? " …" : "")));
  return nodes;
}

function item(page, marked) {
  const entry = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = base + page.u;
  link.textContent = page.t || base + page.u;
  heading.append(link);
  const text = document.createElement("p");
  text.append(...excerpt(page.x, marked));
  entry.append(heading, text);
  return entry;
}

// Shows the first results, and a button for the next ones while there are more.
async function show(pages, cut, query, marked, ticket) {
  let shown = 0;
  const next = async () => {
    const batch = await Promise.all(pages.slice(shown, shown + PAGE).map((page) => json(`p/${page}.json`)));
    if (ticket !== latest) return;
    if (shown === 0) {
      list.replaceChildren();
      // Cut lists hold a common word's best pages only: say these are the best, not all.
      const found = pages.length === 1 ? "1 Treffer" : `${pages.length} ${cut ? "beste " : ""}Treffer`;
      status.textContent = `${found} für „${query}“`;
    }
    list.append(...batch.map((page) => item(page, marked)));
    shown += batch.length;
    more.hidden = shown >= pages.length;
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

async function load() {
  try {
    const index = await json("index.json");
    if (index.format !== FORMAT) throw new Error(`index format ${index.format}`);
    return index;
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
  if (!words(query).length) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    return;
  }
  const terms = [...new Set(words(query))];
  const found = await Promise.all(terms.map((term) => matches(index, term)));
  if (ticket !== latest) return;
  const lists = found.map((entries) => postings(index, entries));
  const pages = rank(lists);
  const known = new Set(found.flat().map(([entry]) => entry[0]));
  const cut = !lists.some((list) => list.whole);
  await show(pages, cut, query.trim(), (word) => known.has(word), ticket);
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
