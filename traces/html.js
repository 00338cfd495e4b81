// The trace page's script: draws only the rows in view (so that 10,000
// steps by 100 actors open at once), folds lanes, follows links between
// events and moves the selection by keyboard. Data: see htmlData in html.go.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var H = 18, HEAD = 24, W = 230, WC = 14, NW = 56, TW = D.time ? 96 : 0, MARKW = 110;
  var rows = D.rows, n = rows.length, L = D.lanes.length;
  var view = document.getElementById("view"), head = document.getElementById("head");
  var canvas = document.getElementById("canvas"), detail = document.getElementById("detail");
  var folded = [], left = [], width = 0, sel = -1, causeAt = -1, pending = false;
  var isCause = {};
  D.cause.forEach(function (r) { isCause[r] = true; });
  for (var l = 0; l < L; l++) folded.push(false);

  function esc(s) {
    return String(s).split("&").join("&amp;").split("<").join("&lt;").split(">").join("&gt;").split('"').join("&quot;");
  }
  function lw(l) { return folded[l] ? WC : W; }
  function layout() { // lanes share the window's width, 230 to 420 px each
    W = Math.max(230, Math.min(420, Math.floor((view.clientWidth - NW - TW - MARKW) / Math.max(L, 1))));
    var x = NW + TW;
    for (var l = 0; l < L; l++) { left[l] = x; x += lw(l); }
    width = x + MARKW;
    var h = '<div class="hc n" id="corner" style="left:' + view.scrollLeft + "px;width:" + (NW + TW) + 'px">step' + (TW ? " · time" : "") + "</div>";
    for (l = 0; l < L; l++) {
      var ln = D.lanes[l], cls = "hc" + (l === D.finding ? " fa" : "") + (folded[l] ? " col" : "");
      h += '<div class="' + cls + '" data-lane="' + l + '" style="left:' + left[l] + "px;width:" + lw(l) + 'px" title="' +
        esc(ln.name + " (" + ln.events + " events): click to " + (folded[l] ? "expand" : "fold")) + '">' + (folded[l] ? "" : esc(ln.name)) + "</div>";
    }
    head.innerHTML = h;
    head.style.width = width + "px";
    canvas.style.width = width + "px";
    canvas.style.height = n * H + "px";
  }
  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; render(); }); }
  }
  function range() {
    var top = Math.max(0, view.scrollTop - HEAD);
    return [Math.max(0, Math.floor(top / H) - 15), Math.min(n, Math.ceil((top + view.clientHeight) / H) + 15)];
  }
  function render() {
    var rg = range(), first = rg[0], last = rg[1], h = [], i, top = first * H, ht = (last - first) * H, sl = view.scrollLeft;
    document.getElementById("corner").style.left = sl + "px";
    for (var l = 0; l < L; l++) {
      h.push('<div class="lanebg' + (l === D.finding ? " fa" : "") + '" style="left:' + left[l] + "px;width:" + lw(l) + "px;top:" + top + "px;height:" + ht + 'px"></div>');
    }
    D.waits.forEach(function (w) {
      if (w[2] < first || w[1] >= last) return;
      var a = Math.max(w[1], first), b = Math.min(w[2], last - 1);
      h.push('<div class="w" title="' + esc(D.lanes[w[0]].name + " waits on " + D.objects[w[3]]) + '" style="left:' + left[w[0]] + "px;width:" + lw(w[0]) +
        "px;top:" + a * H + "px;height:" + (b - a + 1) * H + 'px"></div>');
    });
    D.holds.forEach(function (m) {
      if (m[2] < first || m[1] >= last) return;
      var a = Math.max(m[1], first), b = Math.min(m[2], last - 1), x = left[m[0]] + 1 + (folded[m[0]] ? 0 : Math.min(m[4], 2) * 5);
      h.push('<div class="b m' + m[3] + '" title="' + esc(D.lanes[m[0]].name + " holds " + D.mutexes[m[3]]) + '" style="left:' + x + "px;top:" + a * H + "px;height:" + (b - a + 1) * H + 'px"></div>');
    });
    for (i = first; i < last; i++) {
      var r = rows[i], f = folded[r.l], off = f ? 0 : 16;
      var cls = "r" + (r.e ? " ev" : "") + (r.f ? " fs" : "") + (isCause[i] ? " cause" : "") + (i === sel ? " sel" : "") + (i === D.mark ? " mk" : "");
      h.push('<div class="' + cls + '" data-i="' + i + '" style="top:' + i * H + "px;width:" + width + 'px"><span class="n" style="left:' + sl + "px;width:" + (NW + TW) + 'px"><span class="sn">' + r.s + "</span>" + (TW ? esc(r.tm) : "") + "</span>");
      h.push('<span class="t ' + r.k + '" title="' + esc(r.d) + '" style="left:' + (left[r.l] + off) + "px;width:" + (lw(r.l) - off) + 'px">' + (f ? "" : esc(r.t)) + "</span>");
      if (i === D.mark) h.push('<span class="mark" style="left:' + (width - MARKW + 4) + 'px">' + esc(D.marker) + "</span>");
      h.push("</div>");
    }
    canvas.innerHTML = h.join("");
  }
  function show(i) { // scroll row i into the middle of the view unless it is in view
    var y = HEAD + i * H;
    if (y < view.scrollTop + HEAD || y + H > view.scrollTop + view.clientHeight) view.scrollTop = Math.max(0, y - view.clientHeight / 2);
    var r = rows[i], x = left[r.l];
    if (x < view.scrollLeft + NW + TW || x + lw(r.l) > view.scrollLeft + view.clientWidth) view.scrollLeft = Math.max(0, x - NW - TW - 40);
  }
  function select(i) {
    if (i < 0 || i >= n) return;
    sel = i;
    var r = rows[i];
    if (folded[r.l]) { folded[r.l] = false; layout(); }
    show(i);
    var h = "<b>step " + r.s + "</b>" + (r.tm ? " (" + esc(r.tm) + ")" : "") + (isCause[i] ? ' <b style="color:#ef6c00">cause</b>' : "") +
      ' <span class="full">' + esc(r.d) + "</span>";
    if (r.x) {
      h += "<div>";
      r.x.forEach(function (k) { h += '<a href="#" data-go="' + k.r + '">→ ' + esc(k.label) + "</a>"; });
      h += "</div>";
    }
    detail.innerHTML = h;
    render();
  }
  function seek(dir, same) {
    if (sel < 0) { select(0); return; }
    for (var i = sel + dir; i >= 0 && i < n; i += dir) if (same(rows[i], rows[sel])) { select(i); return; }
  }
  function cause(dir) {
    var c = D.cause.length ? D.cause : (D.mark >= 0 ? [D.mark] : []);
    if (!c.length) return;
    causeAt = (causeAt + dir + c.length) % c.length;
    select(c[causeAt]);
  }
  function foldIdle() { // fold the lanes with no event near the view
    var rg = range(), busy = [];
    for (var i = Math.max(0, rg[0] - 200); i < Math.min(n, rg[1] + 200); i++) busy[rows[i].l] = true;
    if (sel >= 0) busy[rows[sel].l] = true;
    for (var l = 0; l < L; l++) folded[l] = !busy[l] && l !== D.finding;
    layout(); render();
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-go],[data-lane],[data-i]");
    if (!t) return;
    if (t.hasAttribute("data-go")) { ev.preventDefault(); select(+t.getAttribute("data-go")); view.focus(); }
    else if (t.hasAttribute("data-lane")) { var l = +t.getAttribute("data-lane"); folded[l] = !folded[l]; layout(); render(); }
    else select(+t.getAttribute("data-i"));
  });
  document.getElementById("idle").addEventListener("click", foldIdle);
  document.getElementById("expand").addEventListener("click", function () { for (var l = 0; l < L; l++) folded[l] = false; layout(); render(); });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var sameLane = function (a, b) { return a.l === b.l; }, sameObj = function (a, b) { return a.o >= 0 && a.o === b.o; };
    switch (ev.key) {
      case "ArrowDown": case "j": seek(1, function () { return true; }); break;
      case "ArrowUp": case "k": seek(-1, function () { return true; }); break;
      case "a": seek(1, sameLane); break;
      case "A": seek(-1, sameLane); break;
      case "o": seek(1, sameObj); break;
      case "O": seek(-1, sameObj); break;
      case "c": cause(1); break;
      case "C": cause(-1); break;
      case "Enter": if (sel >= 0 && rows[sel].x) select(rows[sel].x[0].r); break;
      default: return;
    }
    ev.preventDefault();
  });
  view.addEventListener("scroll", schedule);
  window.addEventListener("resize", schedule);
  layout();
  if (L > 12) { // many actors: fold those idle around the cause
    var c0 = D.cause.length ? D.cause[0] : Math.max(D.mark, 0);
    view.scrollTop = Math.max(0, HEAD + c0 * H - view.clientHeight / 2);
    foldIdle();
  }
  if (D.cause.length || D.mark >= 0) cause(1); else render();
  document.body.setAttribute("data-ready", "1");
})();
