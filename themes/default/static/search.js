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

  // The ranking's weights come with the index (`w` in meta.json, set in search.rs).
  // How many completions of a half-typed last word a query fetches at most.
  var MAX_PREFIX_TERMS = 40;

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
      if (!meta || meta.v !== 2) throw new Error("search index version");
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

  // Terms of the shard of `prefix` that start with it (excluding itself), most frequent
  // first: single words, or with `pairs` the adjacent-word pairs ("doc th" → "doc than").
  Engine.prototype.expand = function (prefix, pairs) {
    var spaces = pairs ? 1 : 0;
    return this.shard(prefix).then(function (shard) {
      var found = [];
      for (var t in shard) {
        if (t !== prefix && t.lastIndexOf(prefix, 0) === 0 && t.charAt(0) !== "=" && t.split(" ").length - 1 === spaces) {
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

  // How well a procedure matches, best first. A name or code typed exactly; the words
  // side by side in a name or keyword (a phrase); every word in a name or keyword; every
  // word somewhere (field, documents); some of the words.
  var TIER_EXACT = 0;
  var TIER_PHRASE = 1;
  var TIER_TITLE = 2;
  var TIER_WORDS = 3;
  var TIER_SOME = 4;
  var TITLE = { n: true, k: true, o: true };

  // Run a query. Resolves to {level, total, results, approxTotal, approx, highlight}:
  // `results` are the procedures that hold every word (the best tier group found, best
  // first), `approx` those that hold only some, shown behind a button. `level` says which
  // group `results` is: "full" (in names), "words" (anywhere), "some" (nothing holds
  // every word: `results` are the partial matches and `approx` is empty).
  Engine.prototype.search = function (query, limit) {
    var self = this;
    limit = limit || 20;
    return self.ready().then(function (meta) {
      var WEIGHT = meta.w.cls;
      var WHOLE_NAME = meta.w.whole;
      var PREFIX_FACTOR = meta.w.prefix;
      var PAIR_SCORE = meta.w.pair;
      var CODE_SCORE = meta.w.code;
      var qterms = terms(query);
      var highlight = { terms: new Set(), prefix: null };
      var empty = { level: "full", total: 0, results: [], approxTotal: 0, approx: [], highlight: highlight };
      if (qterms.length === 0) return empty;
      var cs = concepts(qterms, meta.syn || []);
      var last = cs[cs.length - 1];
      var lastTerm = qterms[qterms.length - 1];
      var wantPrefix = last.alts.length === 1 && last.size === 1 && lastTerm.length >= 2;
      var codeKeys = codeCandidates(query, qterms);
      var variants = phraseVariants(cs);

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
      variants.forEach(function (v) {
        pairsOf(v).forEach(function (p) {
          needed.add(p);
        });
      });
      var postings = new Map();
      var fetchAll = function (list) {
        return Promise.all(
          list.map(function (t) {
            return self.postings(t).then(function (p) {
              postings.set(t, p);
            });
          })
        );
      };
      jobs.push(fetchAll(Array.from(needed)));
      var prefixTerms = [];
      // Pairs whose second word is the half-typed last word: "doc th" → "doc than".
      var prefixPairs = [];
      if (wantPrefix) {
        // Two letters mark too many words; the prefix is still searched.
        if (lastTerm.length >= 3) highlight.prefix = lastTerm;
        jobs.push(
          self.expand(lastTerm).then(function (list) {
            prefixTerms = list;
            return fetchAll(list);
          })
        );
        if (qterms.length >= 2) {
          var head = qterms[qterms.length - 2] + " " + lastTerm;
          jobs.push(
            self.expand(head, true).then(function (list) {
              prefixPairs = list;
              return fetchAll(list);
            })
          );
        }
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
        // Per procedure, per concept: the best place its word was found.
        var found = new Map();
        var n = meta.n || 1;
        var termScore = function (t, factor, into, classes) {
          var p = postings.get(t);
          if (!p) return;
          var idf = Math.log(1 + n / p.size);
          p.forEach(function (cls, id) {
            var s = WEIGHT[cls] * idf * factor;
            if (!(into.get(id) >= s)) into.set(id, s);
            if (!(WEIGHT[classes.get(id)] >= WEIGHT[cls])) classes.set(id, cls);
          });
        };
        cs.forEach(function (c, ci) {
          var best = new Map();
          c.alts.forEach(function (alt) {
            var sum = new Map();
            // The worst place any word of this alternative was found, per procedure.
            var placed = new Map();
            var hits = new Map();
            alt.forEach(function (t) {
              var one = new Map();
              var where = new Map();
              termScore(t, 1, one, where);
              if (c === last && wantPrefix && ci === cs.length - 1) {
                prefixTerms.forEach(function (pt) {
                  termScore(pt, PREFIX_FACTOR, one, where);
                });
              }
              one.forEach(function (s, id) {
                sum.set(id, (sum.get(id) || 0) + s);
                hits.set(id, (hits.get(id) || 0) + 1);
                var cls = where.get(id);
                if (!placed.has(id) || WEIGHT[cls] < WEIGHT[placed.get(id)]) placed.set(id, cls);
              });
            });
            sum.forEach(function (s, id) {
              var v = (s / alt.length) * c.size;
              if (!(best.get(id) >= v)) best.set(id, v);
              // The concept is found only where every word of an alternative is.
              if (hits.get(id) === alt.length) {
                var f = found.get(id) || [];
                var cls = placed.get(id);
                if (!f[ci] || WEIGHT[cls] > WEIGHT[f[ci]]) f[ci] = cls;
                found.set(id, f);
              }
            });
          });
          best.forEach(function (s, id) {
            scores.set(id, (scores.get(id) || 0) + s);
          });
        });
        var exact = new Set();
        wholes.forEach(function (t) {
          var p = postings.get(t);
          if (!p) return;
          p.forEach(function (cls, id) {
            scores.set(id, (scores.get(id) || 0) + WEIGHT[cls] * WHOLE_NAME);
            exact.add(id);
          });
        });
        codeHits.forEach(function (s, id) {
          scores.set(id, (scores.get(id) || 0) + s);
          exact.add(id);
        });
        // Words side by side in a name count: each adjacent pair found adds to the score,
        // and holding at least half of the query's pairs makes a phrase match.
        var phrase = phraseMatches(variants, postings, prefixPairs, wantPrefix && qterms.length >= 2, WEIGHT);
        phrase.forEach(function (m, id) {
          scores.set(id, (scores.get(id) || 0) + PAIR_SCORE * m.weight);
        });
        // A variant of one word has no pairs to find: its words are a phrase.
        var single = variants.some(function (v) {
          return v.length < 2;
        });
        var tierOf = function (id) {
          if (exact.has(id)) return TIER_EXACT;
          var f = found.get(id) || [];
          var all = true;
          var title = true;
          for (var ci = 0; ci < cs.length; ci++) {
            if (!f[ci]) all = false;
            else if (!TITLE[f[ci]]) title = false;
          }
          var m = phrase.get(id);
          var adjacent = single || (m && m.found * 2 >= m.of);
          if (all && title) return adjacent ? TIER_PHRASE : TIER_TITLE;
          return all ? TIER_WORDS : TIER_SOME;
        };
        var ranked = [];
        scores.forEach(function (s, id) {
          ranked.push([id, s, tierOf(id)]);
        });
        ranked.sort(function (a, b) {
          return a[2] - b[2] || b[1] - a[1] || a[0] - b[0];
        });
        // The best group that exists is the answer; what holds only some words waits
        // behind a button (or is the answer, said to be approximate, when nothing better).
        var cut = function (maxTier) {
          var i = 0;
          while (i < ranked.length && ranked[i][2] <= maxTier) i++;
          return i;
        };
        var level = "some";
        var split = ranked.length;
        if (cut(TIER_PHRASE) > 0) {
          level = "full";
          split = cut(TIER_PHRASE);
        } else if (cut(TIER_TITLE) > 0) {
          level = "full";
          split = cut(TIER_TITLE);
        } else {
          // Nothing holds the words in a name: every match, best score first, all said
          // to be approximate (a word in a document list is a weak sign).
          ranked.sort(function (a, b) {
            return b[1] - a[1] || a[0] - b[0];
          });
        }
        var main = ranked.slice(0, split);
        var rest = ranked.slice(split);
        var top = main.slice(0, limit);
        var more = rest.slice(0, limit);
        var ids = top.concat(more).map(function (r) {
          return r[0];
        });
        return self.docs(ids).then(function (docs) {
          var row = function (r, i) {
            return { id: r[0], score: r[1], tier: r[2], doc: docs[i] };
          };
          return {
            level: level,
            total: main.length,
            results: top.map(row),
            approxTotal: rest.length,
            approx: more.map(function (r, i) {
              return row(r, top.length + i);
            }),
            highlight: highlight
          };
        });
      });
    });
  };

  // The query's words as typed, and with each synonym put in its place: the phrases a
  // name may hold.
  function phraseVariants(cs) {
    var out = [];
    var seen = new Set();
    var add = function (list) {
      var k = list.join(" ");
      if (!seen.has(k)) {
        seen.add(k);
        out.push(list);
      }
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
    return out;
  }

  function pairsOf(list) {
    var out = [];
    for (var i = 0; i + 1 < list.length; i++) out.push(list[i] + " " + list[i + 1]);
    return out;
  }

  // Per procedure, the adjacent pairs of the best variant it holds: Map id → {found (in a
  // name or keyword), of (pairs in the variant), weight (each pair by where it is
  // found, 1 in a name)}. With a half-typed last word, its pair may be any pair it
  // begins.
  function phraseMatches(variants, postings, prefixPairs, lastIsPrefix, WEIGHT) {
    var out = new Map();
    variants.forEach(function (v) {
      var pairs = pairsOf(v);
      if (pairs.length === 0) return;
      // Per procedure: pairs found in a name or keyword, and their weight wherever found.
      var count = new Map();
      pairs.forEach(function (p, i) {
        var best = new Map();
        var take = function (t) {
          var post = postings.get(t);
          if (post) post.forEach(function (cls, id) { if (!(WEIGHT[best.get(id)] >= WEIGHT[cls])) best.set(id, cls); });
        };
        take(p);
        if (lastIsPrefix && i === pairs.length - 1) prefixPairs.forEach(take);
        best.forEach(function (cls, id) {
          var c = count.get(id) || { found: 0, weight: 0 };
          if (TITLE[cls]) c.found += 1;
          c.weight += WEIGHT[cls] / WEIGHT.n;
          count.set(id, c);
        });
      });
      count.forEach(function (c, id) {
        var best = out.get(id);
        if (!best || c.weight > best.weight) out.set(id, { found: c.found, of: pairs.length, weight: c.weight });
      });
    });
    return out;
  }

  // Whole-name keys: the query as typed, and with each synonym put in its place.
  function wholeKeys(cs) {
    return phraseVariants(cs).map(function (v) {
      return "=" + v.join(" ");
    });
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
          levelClass: self.meta.level_class[r[4]] || "",
          fee: r[5],
          time: r[6],
          url: self.meta.url + r[7] + "/"
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
  // For the browser suite, which runs every name and code through the real engine.
  window.niemyetSearch = api;

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

  // A result as the theme's card: the page's <template> (the `card` macro of
  // templates/macros.html) cloned, its data-slot elements filled; a slot left empty goes
  // with its data-line element.
  function card(doc, root, hl, template) {
    var li;
    if (template && template.content.firstElementChild) {
      li = template.content.firstElementChild.cloneNode(true);
    } else {
      li = document.createElement("li");
      li.className = "card";
      var bare = document.createElement("a");
      bare.setAttribute("data-slot", "plain");
      li.appendChild(bare);
    }
    var fill = function (slot, text, marked) {
      var el = li.querySelector('[data-slot="' + slot + '"]');
      if (!el) return null;
      if (!text) {
        (el.closest("[data-line]") || el).remove();
        return null;
      }
      el.textContent = "";
      if (marked) appendMarked(el, text, hl);
      else el.textContent = text;
      return el;
    };
    var title = fill("plain", doc.plain, true);
    if (title) title.setAttribute("href", root + doc.url);
    fill("official", doc.official, true);
    fill("field", doc.field, true);
    var badge = fill("level", doc.levelLabel);
    if (badge) badge.className = "badge badge-" + doc.levelClass;
    fill("time", doc.time);
    fill("fee", doc.fee);
    fill("code", doc.code);
    return li;
  }

  // How many results a phone shows before "Xem thêm".
  var FIRST = 10;
  // How many a query fetches at most.
  var LIMIT = 60;

  // A list of cards, the first `first` shown, the rest behind a button.
  function cardList(list, root, hl, first, moreLabel, template) {
    var frag = document.createDocumentFragment();
    var ol = document.createElement("ol");
    ol.className = "cards results";
    list.forEach(function (x, i) {
      var li = card(x.doc, root, hl, template);
      if (i >= first) li.hidden = true;
      ol.appendChild(li);
    });
    frag.appendChild(ol);
    if (list.length > first) {
      var more = document.createElement("button");
      more.type = "button";
      more.className = "button-secondary more";
      more.textContent = moreLabel(list.length - first);
      more.addEventListener("click", function () {
        var hidden = ol.querySelectorAll("li[hidden]");
        hidden.forEach(function (li) {
          li.hidden = false;
        });
        more.remove();
        var next = hidden[0] && hidden[0].querySelector("a");
        if (next) next.focus();
      });
      frag.appendChild(more);
    }
    return frag;
  }

  function setup(form) {
    var input = form.querySelector("input[name=q]");
    var results = document.getElementById(form.getAttribute("data-results") || "");
    var status = document.getElementById(form.getAttribute("data-status") || "");
    var hide = document.getElementById(form.getAttribute("data-hide") || "");
    var base = form.getAttribute("data-index") || "search/";
    var root = form.getAttribute("data-root") || "";
    var live = form.hasAttribute("data-live-url");
    var template = document.getElementById(form.getAttribute("data-card") || "");
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
      engine.search(query, LIMIT).then(
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
          h.textContent = r.level === "some" ? "Kết quả gần đúng" : "Kết quả tìm kiếm";
          results.appendChild(h);
          results.appendChild(
            cardList(r.results, root, r.highlight, FIRST, function (n) {
              return "Xem thêm " + n + " thủ tục";
            }, template)
          );
          if (r.approx.length) {
            var wrap = document.createElement("div");
            wrap.className = "approx";
            var open = document.createElement("button");
            open.type = "button";
            open.className = "button-secondary more";
            open.textContent = "Xem thêm kết quả gần đúng (" + r.approxTotal + ")";
            open.setAttribute("aria-expanded", "false");
            var box = document.createElement("div");
            box.hidden = true;
            var h3 = document.createElement("h3");
            h3.textContent = "Kết quả gần đúng: có một số từ đã gõ";
            box.appendChild(h3);
            box.appendChild(
              cardList(r.approx, root, r.highlight, FIRST, function (n) {
                return "Xem thêm " + n + " kết quả gần đúng";
              }, template)
            );
            open.addEventListener("click", function () {
              box.hidden = false;
              open.setAttribute("aria-expanded", "true");
              open.remove();
              var first = box.querySelector("a");
              if (first) first.focus();
            });
            wrap.appendChild(open);
            wrap.appendChild(box);
            results.appendChild(wrap);
          }
          results.hidden = false;
          if (hide) hide.hidden = true;
          var shown = r.total > r.results.length ? "; hiện " + r.results.length + " thủ tục phù hợp nhất" : "";
          status.textContent =
            r.level === "some"
              ? "Không có thủ tục nào có đủ các từ “" + query + "”; dưới đây là " + r.total + " thủ tục có một số từ đó" + shown + "."
              : r.level === "words"
              ? "Tìm thấy " + r.total + " thủ tục có đủ các từ “" + query + "” (trong lĩnh vực hoặc giấy tờ)" + shown + "."
              : "Tìm thấy " + r.total + " thủ tục cho “" + query + "”" + shown + ".";
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
