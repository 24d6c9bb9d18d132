// Idea form: show similar published ideas while the citizen writes, and submit only once.
(function () {
  "use strict";
  var form = document.getElementById("idea-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    var button = form.querySelector("[data-once]");
    if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
  });
  var box = document.getElementById("similar-ideas");
  var title = document.getElementById("id_title");
  var body = document.getElementById("id_body");
  if (!box || !title || !body) return;
  var timer = null, last = "";
  function firstParagraph(text) { return text.split(/\n\s*\n/)[0].slice(0, 1500); }
  function lookup() {
    var t = title.value.trim(), b = firstParagraph(body.value.trim());
    // The title alone is enough to look (the box sits right under it); the body, once written, sharpens it.
    if (t.length < 4) { box.hidden = true; return; }
    var key = t + "\u0000" + b;
    if (key === last) return;
    last = key;
    var url = form.dataset.similarUrl + "?" + new URLSearchParams({ title: t, body: b, contest: form.dataset.contest });
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        var list = box.querySelector("ul");
        list.textContent = "";
        (data.results || []).slice(0, 5).forEach(function (item) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = item.url; a.textContent = item.title; a.target = "_blank"; a.rel = "noopener";
          li.appendChild(a);
          list.appendChild(li);
        });
        box.hidden = list.children.length === 0;
      })
      .catch(function () { box.hidden = true; });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(lookup, 500); }
  title.addEventListener("input", schedule);
  body.addEventListener("input", schedule);
})();
