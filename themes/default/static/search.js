// niemyet search client: no dependencies, no build step. Pages work without it; with it,
// a search box shows ranked results as the citizen types. The index (built by
// `src/render/search.rs`) is fetched only when a search box is used.
//
// fold / variantKey / terms / compact / shardKey mirror src/text.rs and
// src/render/search.rs exactly; a Rust test runs them through node to keep them equal.
// Record text is put in the page with textContent only.
(function () {
  "use strict";

  var MARK = /\p{M}/u;
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var WORD = /[\p{Alphabetic}\p{N}\p{M}]+/gu;

  // Lower case, marks stripped (NFD), đ → d, every other character a word break.
  function fold(input) {
    var out = "";
    var pending = false;
    for (var ch of String(input).normalize("NFD")) {
      if (MARK.test(ch)) continue;
      if (ch === "đ" || ch === "Đ") ch = "d";
      if (ALNUM.test(ch)) {
        if (pending && out !== "") out += " ";
        pending = false;
        out += ch.toLowerCase();
      } else {
        pending = true;
      }
    }
    return out;
  }

  // A final y after a consonant (or after "qu") is written i: ký = kí, quy = qui.
  function variantKey(word) {
    if (word.slice(-1) !== "y") return word;
    var stem = word.slice(0, -1);
    var last = stem.slice(-1);
    if (/qu$/.test(stem) || (last !== "" && "bcdghklmnpqrstvx".indexOf(last) >= 0)) {
      return stem + "i";
    }
    return word;
  }

  function terms(input) {
    var f = fold(input);
    return f === "" ? [] : f.split(" ").map(variantKey);
  }

  function compact(input) {
    return fold(input).replace(/ /g, "");
  }

  function shardKey(term, len) {
    if (!len) return "all";
    if (term.charAt(0) === "=") len += 1;
    var out = "";
    var n = 0;
    for (var c of term) {
      if (n++ >= len) break;
      out += /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
    }
    return out;
  }

  // Weight of each place a term can occur (see CLASSES in search.rs).
  var WEIGHT = { n: 10, k: 9, o: 8, f: 3, d: 1.5 };
  // A query equal to a whole name or keyword adds WHOLE_NAME times the place's weight.
  var WHOLE_NAME = 6;
  var PREFIX_FACTOR = 0.7;
  var MAX_PREFIX_TERMS = 40;
  var CODE_SCORE = 1000;

  // `load(path)` returns a promise of the parsed JSON file at `search/<path>`.
  function Engine(load) {
    this.load = load;
    this.cache = {};
    this.meta = null;
  }

  Engine.prototype.get = function (path, versioned) {
    var self = this;
    var key = path;
    if (!self.cache[key]) {
      var p = versioned && self.meta ? path + "?v=" + self.meta.h : path;
      self.cache[key] = Promise.resolve(self.load(p)).catch(function (e) {
        delete self.cache[key];
        throw e;
      });
    }
    return self.cache[key];
  };

  Engine.prototype.ready = function () {
    var self = this;
    return self.get("meta.json").then(function (meta) {
      if (!meta || meta.v !== 1) throw new Error("search index version");
      self.meta = meta;
      return meta;
    });
  };

  // The shard holding `term` ({} when no shard has that key).
  Engine.prototype.shard = function (term) {
    var key = shardKey(term, this.meta.shard);
    if (this.meta.keys && this.meta.keys.indexOf(key) < 0) return Promise.resolve({});
    return this.get("t/" + key + ".json", true);
  };

  // Postings of one term: Map id → class letter (or null when absent).
  Engine.prototype.postings = function (term) {
    return this.shard(term).then(function (shard) {
      return decode(Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null);
    });
  };

  function decode(entry) {
    if (!entry) return null;
    var classes = entry[0];
    var deltas = entry[1];
    var map = new Map();
    var id = 0;
    for (var i = 0; i < deltas.length; i++) {
      id += deltas[i];
      map.set(id, classes.charAt(i));
    }
    return map;
  }

  // Terms of the shard of `prefix` that start with it (excluding itself), most frequent first.
  Engine.prototype.expand = function (prefix) {
    return this.shard(prefix).then(function (shard) {
      var found = [];
      for (var t in shard) {
        if (t !== prefix && t.lastIndexOf(prefix, 0) === 0 && t.indexOf(" ") < 0) {
          found.push([t, shard[t][0].length]);
        }
      }
      found.sort(function (a, b) {
        return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
      });
      return found.slice(0, MAX_PREFIX_TERMS).map(function (x) {
        return x[0];
      });
    });
  };

  // Split query terms into concepts. A run of terms equal to a synonym-group member
  // becomes one concept whose alternatives are all members; other terms stand alone.
  function concepts(qterms, groups) {
    var out = [];
    var i = 0;
    while (i < qterms.length) {
      var best = null;
      var bestLen = 0;
      for (var g = 0; g < groups.length; g++) {
        for (var m = 0; m < groups[g].length; m++) {
          var member = groups[g][m];
          if (member.length > bestLen && startsWithSeq(qterms, i, member)) {
            best = groups[g];
            bestLen = member.length;
          }
        }
      }
      if (best) {
        out.push({ alts: best, size: bestLen, orig: qterms.slice(i, i + bestLen) });
        i += bestLen;
      } else {
        out.push({ alts: [[qterms[i]]], size: 1, orig: [qterms[i]] });
        i += 1;
      }
    }
    return out;
  }

  function startsWithSeq(list, at, seq) {
    if (at + seq.length > list.length) return false;
    for (var j = 0; j < seq.length; j++) if (list[at + j] !== seq[j]) return false;
    return true;
  }

  // Run a query. Resolves to {total, results: [{id, score, doc}], highlight}.
  Engine.prototype.search = function (query, limit) {
    var self = this;
    limit = limit || 20;
    return self.ready().then(function (meta) {
      var qterms = terms(query);
      var highlight = { terms: new Set(), prefix: null };
      if (qterms.length === 0) return { total: 0, results: [], highlight: highlight };
      var cs = concepts(qterms, meta.syn || []);
      var last = cs[cs.length - 1];
      var lastTerm = qterms[qterms.length - 1];
      var wantPrefix = last.alts.length === 1 && last.size === 1 && lastTerm.length >= 2;
      var codeKeys = codeCandidates(query, qterms);

      var jobs = [];
      var needed = new Set();
      cs.forEach(function (c) {
        c.alts.forEach(function (alt) {
          alt.forEach(function (t) {
            needed.add(t);
            highlight.terms.add(t);
          });
        });
      });
      var wholes = wholeKeys(cs);
      wholes.forEach(function (t) {
        needed.add(t);
      });
      var postings = new Map();
      needed.forEach(function (t) {
        jobs.push(
          self.postings(t).then(function (p) {
            postings.set(t, p);
          })
        );
      });
      var prefixTerms = [];
      if (wantPrefix) {
        // Two letters mark too many words; the prefix is still searched.
        if (lastTerm.length >= 3) highlight.prefix = lastTerm;
        jobs.push(
          self.expand(lastTerm).then(function (list) {
            prefixTerms = list;
            return Promise.all(
              list.map(function (t) {
                return self.postings(t).then(function (p) {
                  postings.set(t, p);
                });
              })
            );
          })
        );
      }
      var codeHits = new Map();
      if (codeKeys.length) {
        jobs.push(
          self.get("ma.json", true).then(function (codes) {
            codeKeys.forEach(function (k) {
              (codes[k] || []).forEach(function (id) {
                codeHits.set(id, CODE_SCORE);
              });
            });
          })
        );
      }
      return Promise.all(jobs).then(function () {
        var scores = new Map();
        var n = meta.n || 1;
        var termScore = function (t, factor, into) {
          var p = postings.get(t);
          if (!p) return;
          var idf = Math.log(1 + n / p.size);
          p.forEach(function (cls, id) {
            var s = WEIGHT[cls] * idf * factor;
            if (!(into.get(id) >= s)) into.set(id, s);
          });
        };
        cs.forEach(function (c, ci) {
          var best = new Map();
          c.alts.forEach(function (alt) {
            var sum = new Map();
            alt.forEach(function (t) {
              var one = new Map();
              termScore(t, 1, one);
              if (c === last && wantPrefix && ci === cs.length - 1) {
                prefixTerms.forEach(function (pt) {
                  termScore(pt, PREFIX_FACTOR, one);
                });
              }
              one.forEach(function (s, id) {
                sum.set(id, (sum.get(id) || 0) + s);
              });
            });
            sum.forEach(function (s, id) {
              var v = (s / alt.length) * c.size;
              if (!(best.get(id) >= v)) best.set(id, v);
            });
          });
          best.forEach(function (s, id) {
            scores.set(id, (scores.get(id) || 0) + s);
          });
        });
        wholes.forEach(function (t) {
          var p = postings.get(t);
          if (!p) return;
          p.forEach(function (cls, id) {
            scores.set(id, (scores.get(id) || 0) + WEIGHT[cls] * WHOLE_NAME);
          });
        });
        codeHits.forEach(function (s, id) {
          scores.set(id, (scores.get(id) || 0) + s);
        });
        var ranked = [];
        scores.forEach(function (s, id) {
          ranked.push([id, s]);
        });
        ranked.sort(function (a, b) {
          return b[1] - a[1] || a[0] - b[0];
        });
        if (ranked.length) {
          var floor = ranked[0][1] * 0.25;
          ranked = ranked.filter(function (r) {
            return r[1] >= floor;
          });
        }
        var top = ranked.slice(0, limit);
        return self.docs(top.map(function (r) { return r[0]; })).then(function (docs) {
          return {
            total: ranked.length,
            results: top.map(function (r, i) {
              return { id: r[0], score: r[1], doc: docs[i] };
            }),
            highlight: highlight
          };
        });
      });
    });
  };

  // Whole-name keys: the query as typed, and with each synonym put in its place.
  function wholeKeys(cs) {
    var keys = [];
    var add = function (list) {
      var k = "=" + list.join(" ");
      if (keys.indexOf(k) < 0) keys.push(k);
    };
    var orig = [];
    cs.forEach(function (c) {
      orig = orig.concat(c.orig);
    });
    add(orig);
    cs.forEach(function (c, ci) {
      if (c.alts.length < 2) return;
      c.alts.forEach(function (alt) {
        var list = [];
        cs.forEach(function (d, di) {
          list = list.concat(di === ci ? alt : d.orig);
        });
        add(list);
      });
    });
    return keys;
  }

  // Exact code keys a query may be: the whole query, and each space-separated piece,
  // when it has a digit ("1.001193", "CT01", "TP-HT-2020-TKKS").
  function codeCandidates(query, qterms) {
    var keys = [];
    var add = function (k) {
      if (k.length >= 3 && /[0-9]/.test(k) && keys.indexOf(k) < 0) keys.push(k);
    };
    add(compact(query));
    String(query).split(/\s+/).forEach(function (piece) {
      add(compact(piece));
    });
    qterms.forEach(add);
    return keys;
  }

  // Display rows of documents, in the order asked.
  Engine.prototype.docs = function (ids) {
    var self = this;
    var chunk = self.meta.chunk;
    var need = [];
    ids.forEach(function (id) {
      var c = Math.floor(id / chunk);
      if (need.indexOf(c) < 0) need.push(c);
    });
    return Promise.all(
      need.map(function (c) {
        return self.get("d/" + c + ".json", true);
      })
    ).then(function (chunks) {
      return ids.map(function (id) {
        var rows = chunks[need.indexOf(Math.floor(id / chunk))];
        var r = rows[id % chunk];
        return {
          code: r[0],
          plain: r[1],
          official: r[2],
          field: self.meta.fields[r[3]] || "",
          level: r[4],
          levelLabel: self.meta.levels[r[4]] || "",
          fee: r[5],
          time: r[6],
          url: "thu-tuc/" + r[7] + "/"
        };
      });
    });
  };

  var api = {
    fold: fold,
    variantKey: variantKey,
    terms: terms,
    compact: compact,
    shardKey: shardKey,
    Engine: Engine
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  // ---------------------------------------------------------------- page behaviour

  // Append `text` to `parent`, wrapping words that match the query in <mark>.
  function appendMarked(parent, text, hl) {
    var at = 0;
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      var w = m[0];
      var keys = terms(w);
      var hit = keys.some(function (k) {
        return hl.terms.has(k) || (hl.prefix !== null && k.lastIndexOf(hl.prefix, 0) === 0);
      });
      if (!hit) continue;
      if (m.index > at) parent.appendChild(document.createTextNode(text.slice(at, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = w;
      parent.appendChild(mark);
      at = m.index + w.length;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function line(cls, label, text, hl) {
    var p = document.createElement("p");
    p.className = cls;
    if (label) p.appendChild(document.createTextNode(label));
    if (hl) appendMarked(p, text, hl);
    else p.appendChild(document.createTextNode(text));
    return p;
  }

  function card(doc, root, hl) {
    var li = document.createElement("li");
    li.className = "card";
    var a = document.createElement("a");
    a.className = "card-title";
    a.href = root + doc.url;
    appendMarked(a, doc.plain, hl);
    li.appendChild(a);
    if (doc.official) li.appendChild(line("card-official", "", doc.official, hl));
    li.appendChild(line("card-line", "Lĩnh vực: ", doc.field, hl));
    li.appendChild(line("card-line" + (doc.level < 2 ? " card-online" : ""), "", doc.levelLabel));
    if (doc.fee) li.appendChild(line("card-line", "Phí, lệ phí: ", doc.fee));
    if (doc.time) li.appendChild(line("card-line", "Thời hạn: ", doc.time));
    li.appendChild(line("card-line card-code", "Mã thủ tục: ", doc.code));
    return li;
  }

  function setup(form) {
    var input = form.querySelector("input[name=q]");
    var results = document.getElementById(form.getAttribute("data-results") || "");
    var status = document.getElementById(form.getAttribute("data-status") || "");
    var hide = document.getElementById(form.getAttribute("data-hide") || "");
    var base = form.getAttribute("data-index") || "search/";
    var root = form.getAttribute("data-root") || "";
    var live = form.hasAttribute("data-live-url");
    if (!input || !results || !status) return;
    var engine = new Engine(function (path) {
      return fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + path);
        return r.json();
      });
    });
    var seq = 0;
    var timer = null;

    function show(q) {
      var mine = ++seq;
      var query = q.trim();
      if (live) {
        var url = new URL(location.href);
        if (query) url.searchParams.set("q", query);
        else url.searchParams.delete("q");
        history.replaceState(null, "", url.pathname + url.search + url.hash);
      }
      if (!query) {
        results.textContent = "";
        results.hidden = true;
        status.textContent = "";
        if (hide) hide.hidden = false;
        return;
      }
      engine.search(query, 20).then(
        function (r) {
          if (mine !== seq) return;
          results.textContent = "";
          if (r.results.length === 0) {
            status.textContent =
              "Không tìm thấy thủ tục nào cho “" + query + "”. Thử từ khác, hoặc xem danh sách bên dưới.";
            results.hidden = true;
            if (hide) hide.hidden = false;
            return;
          }
          var h = document.createElement("h2");
          h.textContent = "Kết quả tìm kiếm";
          results.appendChild(h);
          var ol = document.createElement("ol");
          ol.className = "cards results";
          r.results.forEach(function (x) {
            ol.appendChild(card(x.doc, root, r.highlight));
          });
          results.appendChild(ol);
          results.hidden = false;
          if (hide) hide.hidden = true;
          status.textContent =
            r.total > r.results.length
              ? "Tìm thấy " + r.total + " thủ tục cho “" + query + "”; hiện " + r.results.length + " thủ tục phù hợp nhất."
              : "Tìm thấy " + r.total + " thủ tục cho “" + query + "”.";
        },
        function () {
          if (mine !== seq) return;
          results.textContent = "";
          results.hidden = true;
          if (hide) hide.hidden = false;
          status.textContent = "Chưa tải được dữ liệu tìm kiếm. Mời xem danh sách thủ tục bên dưới.";
        }
      );
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        show(input.value);
      }, 120);
    });
    input.addEventListener("focus", function () {
      engine.ready().catch(function () {});
    });
    if (live) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        clearTimeout(timer);
        show(input.value);
      });
      var q = new URLSearchParams(location.search).get("q");
      if (q) {
        input.value = q;
        show(q);
      }
    }
  }

  document.querySelectorAll("form[data-index]").forEach(setup);
})();
