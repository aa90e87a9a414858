// Real-browser checks of a built site (Chromium via playwright-core, axe-core, Nu HTML
// checker). Builds nothing: give the built folder as SITE_DIR or the first argument.
//
//   SITE_DIR=target/browser/site node --test test.mjs
//
// Screenshots and reports go to ARTIFACTS (default: target/browser/ of the repository).
// Nothing here skips: a missing Chromium, Java or site folder is a failure.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

const SITE = path.resolve(process.env.SITE_DIR || process.argv[2] || path.join(repo, "target/browser/site"));
const ARTIFACTS = path.resolve(process.env.ARTIFACTS || path.join(repo, "target/browser"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".pdf": "application/pdf",
  ".woff2": "font/woff2",
};

let server;
let origin;
let browser;

// A tiny static server: pretty URLs (folder → index.html), 404.html for the rest.
function serve(root) {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
      let file = path.join(root, rel);
      if (!file.startsWith(root)) {
        res.writeHead(403).end();
        return;
      }
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
      let status = 200;
      if (!fs.existsSync(file)) {
        status = 404;
        file = path.join(root, "404.html");
      }
      res.writeHead(status, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
      fs.createReadStream(file).pipe(res);
    });
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

function htmlFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith(".html")) out.push(p);
  }
  return out.sort();
}

const urlOf = (file) => {
  const rel = path.relative(SITE, file).split(path.sep).join("/");
  return "/" + rel.replace(/index\.html$/, "");
};

const procedurePages = () => htmlFiles(path.join(SITE, "thu-tuc")).filter((f) => path.relative(path.join(SITE, "thu-tuc"), f) !== "index.html");
// Procedures on the board: not the pages kept at the address of a retired one.
const livePages = () => procedurePages().filter((f) => !fs.readFileSync(f, "utf8").includes('<meta name="robots" content="noindex">'));
const fieldPages = () => htmlFiles(path.join(SITE, "linh-vuc"));
// Form pages (bieu-mau/): the index and one page per form, when the site has forms.
const formPages = () => (fs.existsSync(path.join(SITE, "bieu-mau")) ? htmlFiles(path.join(SITE, "bieu-mau")) : []);
// The procedure the search test looks for: "Đăng ký khai sinh", code 1.001193.
const BIRTH = "/thu-tuc/dang-ky-khai-sinh/";

// A page that records every request leaving the local server.
async function newPage(width = 1280, height = 900) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "vi-VN" });
  const page = await context.newPage();
  page.external = [];
  page.errors = [];
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:")) page.external.push(u);
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
  });
  return page;
}

async function done(page) {
  assert.deepEqual(page.external, [], "requests outside the site");
  assert.deepEqual(page.errors.filter((e) => !/404/.test(e)), [], "script errors");
  await page.context().close();
}

async function searchFor(page, text) {
  await page.goto(origin + "/tim-kiem/");
  await page.locator("#q").click();
  await page.keyboard.type(text, { delay: 15 });
  await page.locator("#ket-qua .card").first().waitFor();
  // Let the last keystroke's search win.
  await page.waitForFunction(() => /Tìm thấy/.test(document.getElementById("trang-thai").textContent));
  await page.waitForTimeout(300);
}

async function axe(page, label) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    WCAG_TAGS
  );
  const lines = result.violations.map(
    (v) => `${label}: ${v.id} (${v.impact}) ${v.help}\n    ` + v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n    ")
  );
  return { count: result.violations.length, lines, passes: result.passes?.length };
}

before(async () => {
  assert.ok(fs.existsSync(path.join(SITE, "index.html")), `no built site at ${SITE}`);
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  fs.mkdirSync(path.join(ARTIFACTS, "screenshots"), { recursive: true });
  server = await serve(SITE);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
});

test("typing 'dang ky khai sinh' shows Đăng ký khai sinh first, with the words marked", async () => {
  const page = await newPage(390, 844);
  await searchFor(page, "dang ky khai sinh");
  const first = page.locator("#ket-qua .card").first();
  const href = await first.locator("a.card-title").getAttribute("href");
  assert.equal(new URL(href, origin + "/tim-kiem/").pathname, BIRTH);
  assert.match((await first.innerText()).toLowerCase(), /đăng ký khai sinh/);
  assert.ok((await first.locator("mark").count()) >= 2, "matched words are highlighted");
  assert.equal(await page.locator("#tat-ca").isHidden(), true, "full list hidden while a query is active");
  assert.match(page.url(), /\?q=dang\+ky\+khai\+sinh$/, "the query is kept in the address");
  await page.screenshot({ path: path.join(ARTIFACTS, "screenshots/search-390.png"), fullPage: true });
  // Clearing the box brings the full list back.
  await page.locator("#q").fill("");
  await page.locator("#q").dispatchEvent("input");
  await page.locator("#tat-ca").waitFor({ state: "visible" });
  await done(page);
});

test("/tim-kiem/?q= works as a link, by code and by form code", async () => {
  const page = await newPage();
  for (const [q, want] of [
    ["1.001193", BIRTH],
    ["xac nhan doc than", null],
  ]) {
    await page.goto(origin + "/tim-kiem/?q=" + encodeURIComponent(q));
    await page.locator("#ket-qua .card").first().waitFor();
    assert.equal(await page.locator("#q").inputValue(), q);
    if (want) {
      const href = await page.locator("#ket-qua .card a.card-title").first().getAttribute("href");
      assert.equal(new URL(href, origin + "/tim-kiem/").pathname, want);
    }
  }
  await page.goto(origin + "/tim-kiem/?q=zzzzqqq");
  await page.waitForFunction(() => /Không tìm thấy/.test(document.getElementById("trang-thai").textContent));
  assert.equal(await page.locator("#tat-ca").isVisible(), true, "no result: the full list stays");
  await done(page);
});

// What a citizen reads: no page shows markup as text (a literal "<br>", "&lt;"), on any
// page the build writes, including the printable ones.
test("no page shows markup as text", async () => {
  const page = await newPage(1280, 900);
  const bad = [];
  // Short addresses (m/<code>/) send the browser on at once: their page is never read
  // (the next test follows them).
  const files = htmlFiles(SITE).filter((f) => !urlOf(f).startsWith("/m/"));
  for (const f of files) {
    await page.goto(origin + urlOf(f));
    const t = await page.evaluate(() => document.body.innerText);
    const m = t.match(/<\/?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?\/?>|&(lt|gt|amp|quot|#x?[0-9a-f]+);/);
    if (m) bad.push(`${urlOf(f)}: ${JSON.stringify(t.slice(Math.max(0, m.index - 40), m.index + 40))}`);
  }
  console.log(`markup-as-text check: ${files.length} pages`);
  assert.deepEqual(bad, []);
  // Multi-line record text keeps its structure: the khai sinh step is a list with a sub-list.
  await page.goto(origin + BIRTH);
  const step = await page.evaluate(() => {
    const li = document.querySelector(".steps > li");
    return { items: li.querySelectorAll(".prose > ul > li").length, sub: li.querySelectorAll(".prose ul ul li").length, paras: li.querySelectorAll(".prose > p").length };
  });
  assert.deepEqual(step, { items: 3, sub: 2, paras: 2 }, "the first step's lines, list and sub-list");
  await done(page);
});

// A printed QR code holds the short address; a phone's browser must land on the page.
test("a QR code's short address opens the procedure's page, with no script", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(origin + "/m/1.001193/");
  await page.waitForURL(origin + BIRTH);
  assert.match(await page.locator("h1").innerText(), /khai sinh/i);
  const shorts = htmlFiles(path.join(SITE, "m"));
  assert.equal(shorts.length, livePages().length, "one short address per procedure on the board");
  await context.close();
});

// The summary list (GOV.UK pattern) on every procedure page: these rows, in this order,
// none empty; on a phone it starts on the first screen.
const SUMMARY_ROWS = ["Nộp ở đâu", "Thời hạn", "Phí, lệ phí", "Làm trực tuyến được không", "Kết quả nhận được"];
test("every procedure page opens with the summary list, in order, on the first screen of a phone", async () => {
  const page = await newPage(390, 844);
  const wrong = [];
  for (const f of livePages()) {
    const u = urlOf(f);
    await page.goto(origin + u);
    const r = await page.evaluate(() => {
      const list = document.querySelector(".summary-list");
      if (!list) return null;
      const rows = [...list.querySelectorAll(".summary-row")].map((row) => [row.querySelector("dt").innerText.trim(), row.querySelector("dd").innerText.trim()]);
      const first = list.querySelector("dt").getBoundingClientRect().top + scrollY;
      const masthead = document.querySelector(".masthead").getBoundingClientRect().height;
      return { rows, first, masthead };
    });
    if (!r) {
      wrong.push(`${u}: no summary list`);
      continue;
    }
    const labels = r.rows.map((x) => x[0]);
    if (JSON.stringify(labels.slice(0, SUMMARY_ROWS.length)) !== JSON.stringify(SUMMARY_ROWS)) wrong.push(`${u}: rows ${labels.join(" | ")}`);
    for (const [k, v] of r.rows) if (!v) wrong.push(`${u}: "${k}" is empty`);
    if (r.first > 844) wrong.push(`${u}: summary starts at ${Math.round(r.first)} px`);
    if (r.masthead > 100) wrong.push(`${u}: header ${Math.round(r.masthead)} px high`);
  }
  assert.deepEqual(wrong, []);
  // Khai sinh: fees keep their cases; a document to show never reads as "0 bản".
  await page.goto(origin + BIRTH);
  const fee = await page.locator('.summary-row[data-row="phi"] dd').innerText();
  assert.match(fee, /đúng hạn[^;]*: không thu/i, fee);
  assert.match(fee, /quá hạn: 5\.000 đồng/, fee);
  const docs = await page.locator("table.docs").allInnerTexts();
  assert.ok(!docs.some((t) => /\b0 bản/.test(t) || /\t0\t|\t0$/m.test(t)), "no 0 copies");
  assert.ok(docs.some((t) => /Xuất trình bản chính để đối chiếu/.test(t)));
  await page.screenshot({ path: path.join(ARTIFACTS, "screenshots/procedure-first-screen-390.png") });
  // The menu opens without script and holds every section.
  await page.locator(".menu summary").click();
  assert.ok(await page.locator('.menu a[href$="tim-kiem/"]').isVisible());
  await done(page);
});

test("home at 1280 px: the opening-hours column is wide enough to read", async () => {
  const page = await newPage(1280, 900);
  await page.goto(origin + "/");
  const widths = await page.evaluate(() => [...document.querySelectorAll(".panel .hours dd")].map((d) => d.getBoundingClientRect().width));
  assert.ok(widths.length > 0);
  assert.ok(Math.min(...widths) >= 200, `hours text ${widths.map(Math.round).join(", ")} px wide`);
  await done(page);
});

test("every procedure's exact name and code find it first", async () => {
  const page = await newPage(1280, 900);
  await page.goto(origin + "/tim-kiem/");
  const wanted = [];
  for (const f of livePages()) {
    const html = fs.readFileSync(f, "utf8");
    const name = html.match(/<h1>([^<]*)<\/h1>/)[1].replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'");
    const code = html.match(/Mã thủ tục: <strong>([^<]*)<\/strong>/)[1];
    wanted.push({ url: urlOf(f), name, code });
  }
  const misses = await page.evaluate(async (wanted) => {
    const s = window.niemyetSearch;
    const engine = new s.Engine((p) => fetch("/search/" + p).then((r) => r.json()));
    const out = [];
    for (const w of wanted) {
      for (const q of [w.name, w.code]) {
        const r = await engine.search(q, 3);
        const first = r.results[0] && "/" + r.results[0].doc.url;
        if (first !== w.url) out.push(`${q} → ${first}`);
      }
    }
    return out;
  }, wanted);
  console.log(`exact name and code queries: ${wanted.length * 2 - misses.length}/${wanted.length * 2} first`);
  assert.deepEqual(misses, []);
  await done(page);
});

test("with JavaScript off the search page says why it cannot filter and offers fields and life events", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(origin + "/tim-kiem/?q=khai+sinh");
  const text = await page.locator("main").innerText();
  assert.match(text, /Tìm kiếm cần JavaScript/);
  assert.match(text, /mọi thủ tục, xếp theo tên \(A–Z\)/);
  assert.ok((await page.locator('main a[href*="linh-vuc/"]').count()) >= fieldPages().length - 1, "links to the field pages");
  assert.ok((await page.locator('main a[href*="su-kien/"]').count()) >= 1, "links to the life events");
  await page.screenshot({ path: path.join(ARTIFACTS, "screenshots/search-nojs-390.png"), fullPage: false });
  await context.close();
});

test("the 404 page finds the site's root when the site lives in a sub-folder", async () => {
  const page = await newPage(1280, 900);
  // The page as a host serving the site under /phuong-x/ answers a missing procedure.
  const html = fs.readFileSync(path.join(SITE, "404.html"), "utf8");
  const s404 = http.createServer((req, res) => {
    if (req.url.startsWith("/phuong-x/static/")) {
      res.writeHead(200, { "content-type": "text/css" });
      fs.createReadStream(path.join(SITE, req.url.slice("/phuong-x/".length))).pipe(res);
      return;
    }
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise((r) => s404.listen(0, "127.0.0.1", r));
  const o = `http://127.0.0.1:${s404.address().port}`;
  try {
    await page.goto(o + "/phuong-x/thu-tuc/khong-con/");
    const hrefs = await page.evaluate(() => [...document.querySelectorAll("main a")].map((a) => new URL(a.href).pathname));
    assert.deepEqual(hrefs, ["/phuong-x/", "/phuong-x/thu-tuc/"]);
    const action = await page.evaluate(() => new URL(document.querySelector("main form").action).pathname);
    assert.equal(action, "/phuong-x/tim-kiem/");
  } finally {
    s404.close();
  }
  await page.context().close();
});

test("life events: each page lists its procedures in order, linked from home", async () => {
  const page = await newPage(390, 844);
  await page.goto(origin + "/");
  const link = page.locator('a[href="su-kien/co-con-moi-sinh/"]');
  assert.equal(await link.count(), 1, "home links the event");
  await Promise.all([page.waitForURL(/su-kien\/co-con-moi-sinh\/$/), link.click()]);
  const names = await page.locator(".event-steps .card-title").allInnerTexts();
  assert.ok(names.length >= 5, names.join(" | "));
  assert.match(names[0], /khai sinh, nhập hộ khẩu, thẻ BHYT/, "the order of site.yaml");
  await done(page);
});

test("record text in results is text, never markup", async () => {
  const src = fs.readFileSync(path.join(SITE, "static/search.js"), "utf8");
  assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

test("keyboard only: skip link, search box, results, procedure page", async () => {
  const page = await newPage(1280, 900);
  await page.goto(origin + "/");
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.match(skip, /Bỏ qua/);
  const outline = await page.evaluate(() => {
    const cs = getComputedStyle(document.activeElement);
    return [cs.outlineStyle, cs.boxShadow];
  });
  assert.ok(outline[0] !== "none" || outline[1] !== "none", "focus is visible");
  await page.keyboard.press("Enter");
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement.id === "q");
  }
  assert.ok(reached, "Tab reaches the search box");
  await page.keyboard.type("xac nhan doc than", { delay: 15 });
  await page.locator("#ket-qua .card").first().waitFor();
  await page.waitForTimeout(400);
  let onResult = false;
  for (let i = 0; i < 10 && !onResult; i++) {
    await page.keyboard.press("Tab");
    onResult = await page.evaluate(() => !!document.activeElement.closest("#ket-qua a"));
  }
  assert.ok(onResult, "Tab reaches the first result");
  const target = await page.evaluate(() => document.activeElement.getAttribute("href"));
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith("/thu-tuc/")), page.keyboard.press("Enter")]);
  assert.equal(new URL(page.url()).pathname, new URL(target, origin + "/").pathname);
  await page.screenshot({ path: path.join(ARTIFACTS, "screenshots/home-search-keyboard-1280.png") });
  await done(page);
});

test("390 px: no page scrolls sideways, touch targets are at least 44 px", async () => {
  const page = await newPage(390, 844);
  const pages = ["/", "/tim-kiem/", "/lien-he/", "/thu-tuc/", ...fieldPages().map(urlOf), ...procedurePages().map(urlOf), ...formPages().map(urlOf)];
  const wide = [];
  const small = [];
  for (const u of pages) {
    await page.goto(origin + u);
    const r = await page.evaluate(() => {
      const w = document.documentElement;
      const tiny = [];
      const sel = ".nav a, .crumbs a, .card-title, .fields a, .footer a, button, .button, input, .skip:focus";
      for (const el of document.querySelectorAll(sel)) {
        const b = el.getBoundingClientRect();
        if (b.width === 0 && b.height === 0) continue;
        if (b.height < 44) tiny.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${Math.round(b.height)}px`);
      }
      return { scroll: w.scrollWidth, client: w.clientWidth, tiny };
    });
    if (r.scroll > r.client) wide.push(`${u}: ${r.scroll} > ${r.client}`);
    small.push(...r.tiny.map((t) => `${u}: ${t}`));
  }
  assert.deepEqual(wide, [], "pages wider than the screen");
  assert.deepEqual(small, [], "touch targets under 44 px");
  await done(page);
});

test("no layout shift while pages load", async () => {
  const page = await newPage(390, 844);
  for (const u of ["/", BIRTH, "/tim-kiem/?q=khai+sinh"]) {
    await page.goto(origin + u, { waitUntil: "networkidle" });
    const cls = await page.evaluate(
      () =>
        new Promise((resolve) => {
          let sum = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
          }).observe({ type: "layout-shift", buffered: true });
          setTimeout(() => resolve(sum), 300);
        })
    );
    assert.ok(cls < 0.01, `${u}: cumulative layout shift ${cls}`);
  }
  await done(page);
});

test("axe-core: no WCAG 2.1 A/AA violation on home, field, procedure, search results, contact", async () => {
  const page = await newPage(1280, 900);
  const report = [];
  let total = 0;
  const targets = [
    ["home", "/"],
    ["field", urlOf(fieldPages()[0])],
    ["procedure", BIRTH],
    ["contact", "/lien-he/"],
    ["all procedures", "/thu-tuc/"],
    ...(formPages().length ? [["forms", "/bieu-mau/"], ["form with samples", "/bieu-mau/tp-ht-2020-tkks/"]] : []),
  ];
  for (const [label, u] of targets) {
    await page.goto(origin + u);
    const r = await axe(page, label);
    total += r.count;
    report.push(...r.lines);
  }
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(origin + "/tim-kiem/?q=chung+thuc+ban+sao");
    await page.locator("#ket-qua .card").first().waitFor();
    const r = await axe(page, `search results ${width}px`);
    total += r.count;
    report.push(...r.lines);
  }
  fs.writeFileSync(path.join(ARTIFACTS, "axe.txt"), report.join("\n") + `\nviolations: ${total}\n`);
  console.log(`axe-core: ${total} violations on ${targets.length + 2} pages (tags ${WCAG_TAGS.join(", ")})`);
  assert.equal(total, 0, report.join("\n"));
  await done(page);
});

test("screenshots at 390 and 1280 px", async () => {
  for (const width of [390, 1280]) {
    const page = await newPage(width, 900);
    for (const [name, u] of [
      ["home", "/"],
      ["procedure", BIRTH],
      ["field", urlOf(fieldPages()[0])],
      ["contact", "/lien-he/"],
    ]) {
      await page.goto(origin + u, { waitUntil: "networkidle" });
      await page.screenshot({ path: path.join(ARTIFACTS, `screenshots/${name}-${width}.png`), fullPage: true });
    }
    await page.goto(origin + "/tim-kiem/?q=photo+cong+chung");
    await page.locator("#ket-qua .card").first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, `screenshots/search-results-${width}.png`), fullPage: true });
    await done(page);
  }
});

test("procedure pages are under 30 KB gzip with their CSS and scripts", () => {
  const css = fs.readFileSync(path.join(SITE, "static/style.css"));
  const js = fs.readFileSync(path.join(SITE, "static/site.js"));
  const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
  let worst = ["", 0];
  for (const f of procedurePages()) {
    const total = gz(fs.readFileSync(f)) + gz(css) + gz(js);
    if (total > worst[1]) worst = [urlOf(f), total];
  }
  console.log(`largest procedure page with CSS and JS: ${worst[0]} ${worst[1]} bytes gzip`);
  assert.ok(worst[1] < 30 * 1024, `${worst[0]} is ${worst[1]} bytes gzip`);
});

test("Nu HTML checker: no error on any page, nor on search results as rendered", async () => {
  const java = spawnSync("java", ["-version"]);
  assert.equal(java.status, 0, "Java is needed for the Nu HTML checker");
  const page = await newPage(1280, 900);
  await page.goto(origin + "/tim-kiem/?q=dang+ky+khai+sinh");
  await page.locator("#ket-qua .card").first().waitFor();
  const dom = "<!doctype html>\n" + (await page.evaluate(() => document.documentElement.outerHTML));
  const extra = path.join(ARTIFACTS, "vnu");
  fs.mkdirSync(extra, { recursive: true });
  fs.writeFileSync(path.join(extra, "search-results-dom.html"), dom);
  await done(page);
  const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
  const files = [...htmlFiles(SITE), path.join(extra, "search-results-dom.html")];
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const messages = JSON.parse(r.stderr || "{\"messages\":[]}").messages || [];
  const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal");
  const lines = errors.map((m) => `${m.url?.replace(/^file:/, "")}:${m.lastLine}: ${m.message}`);
  fs.writeFileSync(path.join(ARTIFACTS, "vnu.txt"), lines.join("\n") + `\nerrors: ${errors.length} in ${files.length} files\n`);
  console.log(`Nu HTML checker: ${errors.length} errors in ${files.length} files`);
  assert.equal(errors.length, 0, lines.slice(0, 40).join("\n"));
});

// Long lists in pages: the sample built again at ten procedures a page (run.sh gives it
// as PAGED_DIR). The pager must work by keyboard, fit a phone, and pass axe and the Nu
// checker like every other page.
test("paged lists: keyboard through the pager, 44 px targets at 390 px, axe and Nu clean", async () => {
  const PAGED = process.env.PAGED_DIR;
  assert.ok(PAGED && fs.existsSync(path.join(PAGED, "thu-tuc/trang-2/index.html")), `no paged site at ${PAGED}`);
  const s2 = await serve(PAGED);
  const o2 = `http://127.0.0.1:${s2.address().port}`;
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "vi-VN" });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(o2 + "/thu-tuc/trang-2/");
    await page.locator('.pager a[rel="next"]').focus();
    await Promise.all([page.waitForURL((u) => u.pathname === "/thu-tuc/trang-3/"), page.keyboard.press("Enter")]);
    assert.equal((await page.locator('.pager a[aria-current="page"]').textContent()).trim(), "3");
    assert.equal(await page.locator(".cards .card").count(), 10);
    const layout = await page.evaluate(() => ({
      wide: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      small: [...document.querySelectorAll(".pager a")]
        .map((a) => [a.textContent.trim(), a.getBoundingClientRect()])
        .filter(([, b]) => b.height < 44 || b.width < 44)
        .map(([t, b]) => `${t}: ${Math.round(b.width)}x${Math.round(b.height)}`),
    }));
    assert.equal(layout.wide, false, "the pager makes the page scroll sideways");
    assert.deepEqual(layout.small, [], "pager links under 44 px");
    const r = await axe(page, "paged list");
    assert.equal(r.count, 0, r.lines.join("\n"));
    assert.deepEqual(errors, [], "script errors");
    await context.close();
  } finally {
    s2.close();
  }
  const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
  const lists = [
    ...htmlFiles(path.join(PAGED, "thu-tuc")).filter((f) => /thu-tuc\/(trang-\d+\/)?index\.html$/.test(f)),
    ...htmlFiles(path.join(PAGED, "truc-tuyen")),
    ...htmlFiles(path.join(PAGED, "linh-vuc")),
    path.join(PAGED, "tim-kiem/index.html"),
  ];
  assert.ok(lists.some((f) => /linh-vuc\/[^/]+\/trang-2\/index\.html$/.test(f)), "a field page 2");
  assert.ok(lists.length >= 6, `${lists.length} list pages`);
  const v = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...lists], { encoding: "utf8" });
  const errs = (JSON.parse(v.stderr || "{\"messages\":[]}").messages || []).filter((m) => m.type === "error" || m.subType === "fatal");
  assert.deepEqual(errs.map((m) => `${m.url}:${m.lastLine}: ${m.message}`), []);
});

// The live preview, in a real browser: `niemyet serve` on a copy of the sample (the
// binary comes from NIEMYET_BIN, as run.sh sets it). Saving a record reloads the open
// page; saving a broken one shows the errors over it; fixing it clears them.
test("niemyet serve: a save reloads the page, a broken record shows its error, fixing it clears it", async () => {
  const bin = process.env.NIEMYET_BIN;
  assert.ok(bin && fs.existsSync(bin), "NIEMYET_BIN must name the niemyet binary");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "niemyet-serve-"));
  fs.cpSync(path.join(repo, "content"), path.join(tmp, "content"), { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(bin, ["serve", "--port", String(port)], { cwd: tmp, stdio: ["ignore", "pipe", "pipe"] });
  try {
    await new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error("serve did not start: " + out)), 120000);
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("Bản xem trước:")) { clearTimeout(timer); resolve(); }
      });
      child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const file = path.join(tmp, "content/thu-tuc/ho-tich/dang-ky-khai-sinh.md");
    const original = fs.readFileSync(file, "utf8");
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/thu-tuc/dang-ky-khai-sinh/`);
    await page.waitForFunction(() => document.querySelector("script[src='/__niemyet/live.js']"));
    await page.waitForTimeout(300); // let the event stream connect

    // Edit: the page reloads by itself and shows the new text.
    fs.writeFileSync(file, original + "\nCâu mới thêm để thử tải lại.\n");
    await page.waitForFunction(() => document.body.innerText.includes("Câu mới thêm để thử tải lại."), null, { timeout: 15000 });

    // Break it: an overlay names the file and line; the last good page stays under it.
    fs.writeFileSync(file, original.replace(/^ma_thu_tuc: .*$/m, "ma_thu_tuc: [\"1.001193\""));
    const overlay = page.locator("#niemyet-loi");
    await overlay.waitFor({ state: "visible", timeout: 15000 });
    const text = await overlay.innerText();
    assert.match(text, /dang-ky-khai-sinh\.md:\d+/, text);
    assert.match(text, /Chưa dựng được/, text);
    assert.equal(await overlay.getAttribute("role"), "alertdialog");
    assert.ok((await page.content()).includes("Câu mới thêm để thử tải lại."), "last good page kept");
    await page.screenshot({ path: path.join(ARTIFACTS, "serve-loi.png") });

    // Fix it: the page reloads and the overlay is gone.
    fs.writeFileSync(file, original);
    await page.waitForFunction(() => !document.getElementById("niemyet-loi") && !document.body.innerText.includes("Câu mới thêm"), null, { timeout: 15000 });
    await page.close();
  } finally {
    child.kill("SIGINT");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
