// Retold share bar: progressive enhancement only. Without this script every control still
// works: the network links are plain links and "Copy link" opens a field holding the URL.
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "sr-only";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  var timer = 0;
  function announce(summary, text) {
    var original = summary.getAttribute("data-label") || summary.textContent;
    summary.setAttribute("data-label", original);
    summary.textContent = text;
    status.textContent = text;
    // one timer for the page, so a second copy within two seconds isn't reset by the first
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      document.querySelectorAll("summary[data-label]").forEach(function (s) {
        s.textContent = s.getAttribute("data-label");
      });
      status.textContent = "";
    }, 2000);
  }

  document.querySelectorAll("details.copy").forEach(function (details) {
    var summary = details.querySelector("summary");
    var input = details.querySelector("input");
    if (!summary || !input) { return; }
    input.addEventListener("focus", function () { input.select(); });
    summary.addEventListener("click", function (event) {
      if (details.open || !navigator.clipboard || !window.isSecureContext) { return; }
      event.preventDefault();
      navigator.clipboard.writeText(input.value).then(
        function () { announce(summary, "Link copied"); },
        function () { details.open = true; input.focus(); }  // fall back to the visible field
      );
    });
  });

  if (typeof navigator.share === "function") {
    document.querySelectorAll(".share").forEach(function (bar) {
      var input = bar.querySelector("details.copy input");
      var heading = document.querySelector("h1");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "native-share";
      button.textContent = "Share…";
      button.addEventListener("click", function () {
        navigator.share({ title: heading ? heading.textContent : document.title,
                          url: input ? input.value : location.href })
          .catch(function () { /* the reader closed the share sheet */ });
      });
      bar.appendChild(button);
    });
  }
})();
