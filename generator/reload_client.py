"""The script injected into previewed pages, and the page shown before any good build."""

# Reload on a new version; swap stylesheets in place when only CSS changed; show the
# build's errors in an overlay over the page the editor is looking at.
CLIENT_JS = r"""(function () {
  "use strict";
  var me = document.currentScript;
  var version = Number(me && me.getAttribute("data-version"));
  var overlayId = "briefings-error-overlay";
  function overlay(errors) {
    var box = document.getElementById(overlayId);
    if (!errors.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = overlayId;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#fff;font:15px/1.5 ui-monospace,monospace;" +
        "padding:2rem;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "The build failed; showing the last good version underneath.\n\n";
    title.style.color = "#ff8a80";
    box.appendChild(title);
    errors.forEach(function (line) {
      var item = document.createElement("div");
      item.className = "briefings-error";
      item.textContent = line;
      box.appendChild(item);
    });
  }
  function swapCss() {
    // Stylesheet names carry a content hash: read the new names from the rebuilt page,
    // then swap each link in place, so the page restyles without reloading.
    fetch(location.href, {cache: "no-store"}).then(function (response) {
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var next = fresh.querySelectorAll('link[rel="stylesheet"]');
      var old = document.querySelectorAll('link[rel="stylesheet"]');
      if (next.length !== old.length) { location.reload(); return; }
      old.forEach(function (link, i) {
        var replacement = link.cloneNode();
        replacement.href = next[i].href;
        replacement.onload = function () { link.remove(); };
        link.after(replacement);
      });
    }).catch(function () { location.reload(); });
  }
  var source = new EventSource("/__briefings__/events");
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    overlay(state.errors);
    if (state.version === version) { return; }
    if (state.cssOnly && state.version === version + 1) {
      version = state.version;
      swapCss();
      return;
    }
    source.close();
    location.reload();
  };
})();
"""

FALLBACK_404 = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>Nothing is built at this address yet.</p></body></html>
"""
