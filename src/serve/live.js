// niemyet serve: reload on rebuild, show `niemyet check` errors over the page.
// Injected only by `niemyet serve`; a published site never carries it.
(function () {
  "use strict";
  var box = null;
  function hide() {
    if (box) { box.remove(); box = null; }
  }
  function show(report) {
    hide();
    box = document.createElement("div");
    box.id = "niemyet-loi";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "niemyet-loi-tieu-de");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 system-ui,sans-serif;padding:1.5rem";
    var h = document.createElement("h2");
    h.id = "niemyet-loi-tieu-de";
    h.style.cssText = "margin:0 0 .5rem;color:#ffb4a9;font-size:1.25rem";
    h.textContent = report.title;
    var p = document.createElement("p");
    p.style.margin = "0 0 1rem";
    p.textContent = "Trang dưới đây là lần dựng tốt gần nhất. Sửa tệp rồi lưu: trang tự tải lại.";
    var pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace;margin:0";
    // textContent, never innerHTML: messages quote the officer's text.
    pre.textContent = report.text;
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Ẩn";
    close.style.cssText = "position:absolute;top:1rem;right:1rem;font:inherit";
    close.onclick = hide;
    box.append(h, p, pre, close);
    document.body.append(box);
  }
  var es = new EventSource("/__niemyet/events");
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("errors", function (e) { show(JSON.parse(e.data)); });
  es.addEventListener("ok", hide);
})();
