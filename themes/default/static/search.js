// Start the Pagefind search box; results can be narrowed by briefing.
(function () {
  "use strict";
  var box = document.getElementById("search");
  var ui = new PagefindUI({
    element: "#search",
    showSubResults: true,
    showImages: false,
    baseUrl: box.getAttribute("data-base"),
    translations: { placeholder: box.getAttribute("data-placeholder") }
  });
  var query = new URLSearchParams(location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
