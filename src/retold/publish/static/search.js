// Retold site search: Pagefind's index, loaded from this site only. Results show each
// article's label, so a reader sees how far it can be trusted before opening it.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var selects = {
    topic: document.getElementById("search-topic"),
    source: document.getElementById("search-source"),
    month: document.getElementById("search-month")
  };
  // One bundle per month (so a rebuild re-indexes only the month that changed), merged here
  var bundles = (form.getAttribute("data-bundles") || "").split(" ").filter(Boolean);
  var pagefind = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function fill(select, counts) {
    Object.keys(counts || {}).sort().forEach(function (name) {
      var o = document.createElement("option");
      o.value = name;
      o.textContent = name + " (" + counts[name] + ")";
      select.appendChild(o);
    });
  }

  function chosen() {
    var filters = {};
    Object.keys(selects).forEach(function (k) {
      if (selects[k].value) filters[k] = selects[k].value;
    });
    return filters;
  }

  function show(items, total) {
    list.textContent = "";
    items.forEach(function (d) {
      var li = el("li");
      var h = el("h2");
      var a = el("a", "", d.meta.title);
      a.href = d.url;
      h.appendChild(a);
      li.appendChild(h);
      if (d.meta.standfirst) li.appendChild(el("p", "standfirst", d.meta.standfirst));
      var excerpt = document.createElement("div");
      excerpt.innerHTML = d.excerpt;  // Pagefind's excerpt: escaped text with <mark>
      li.appendChild(el("p", "excerpt", excerpt.textContent));
      var meta = el("p", "meta", "Published " + d.meta.date + " · ");
      meta.appendChild(el("span", "entry-label", d.meta.label));
      li.appendChild(meta);
      list.appendChild(li);
    });
    status.textContent = total === 0 ? "No articles found." :
      total + " article" + (total === 1 ? "" : "s") + " found" +
      (total > items.length ? ", showing the first " + items.length + "." : ".");
  }

  async function run() {
    var q = input.value.trim();
    var filters = chosen();
    if (!q && !Object.keys(filters).length) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    var search = await pagefind.search(q || null, { filters: filters, sort: q ? undefined : { date: "desc" } });
    var items = await Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    show(items, search.results.length);
    list.setAttribute("data-searched", JSON.stringify({ q: q, filters: filters }));
  }

  async function start() {
    if (!bundles.length) {
      status.textContent = "Nothing to search yet.";
      return;
    }
    pagefind = await import(bundles[0] + "pagefind.js");
    await pagefind.options({ bundlePath: bundles[0] });
    for (var i = 1; i < bundles.length; i++) {
      await pagefind.mergeIndex(bundles[i]);
    }
    var filters = await pagefind.filters();
    fill(selects.topic, filters.topic);
    fill(selects.source, filters.source);
    fill(selects.month, filters.month);
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
    form.setAttribute("data-ready", "true");
    if (q) await run();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();  // the page searches in place: nothing is sent anywhere
    if (pagefind) run();
  });
  Object.keys(selects).forEach(function (k) {
    selects[k].addEventListener("change", function () { if (pagefind) run(); });
  });
  start().catch(function () {
    status.textContent = "Search could not load.";
  });
})();
