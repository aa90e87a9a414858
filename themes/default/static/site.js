// niemyet: small, dependency-free enhancements. Every page works without this file.
(function () {
  "use strict";
  // Opened from disk (file://): pretty links end in "/" and would show a folder listing.
  if (location.protocol === "file:") {
    document.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (!/^[a-z]+:/i.test(href) && !href.startsWith("#") && (href === "" || href.endsWith("/"))) {
        a.setAttribute("href", href + "index.html");
      }
    });
  }
})();
