//! The live preview: after any sequence of saves its folder is byte for byte what a build
//! writes, and the real `niemyet serve` binary reloads pages, reports errors and serves
//! only its own folder.

use crate::util::*;
use niemyet::model::Date;
use niemyet::Preview;
use niemyet::{Project, Source};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FIELDS: [&str; 3] = ["Hộ tịch", "Chứng thực", "Bảo trợ xã hội"];
const NAMES: [&str; 6] = [
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Chứng thực bản sao từ bản chính",
    "Trợ cấp xã hội hằng tháng",
    "Đăng ký khai tử",
    "Cấp bản sao trích lục hộ tịch",
];
const KEYWORDS: [&str; 4] = ["làm giấy tờ", "hộ khẩu", "bản sao", "khai sinh cho con"];
const DOCUMENTS: [&str; 4] = ["Tờ khai", "Căn cước", "Giấy chứng sinh", "Sổ hộ khẩu"];

/// Deterministic pseudo-random numbers (no dependency): the same seed, the same edits.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// One record of the test board, as the edits leave it.
#[derive(Clone)]
struct Rec {
    /// An abolition announced for after the build date: the procedure stays, with a
    /// notice, and the "coming" page lists it.
    abolish: bool,
    name: usize,
    field: usize,
    day: u32,
    related: Vec<u32>,
    body: String,
    keyword: usize,
    documents: usize,
    fee: u32,
}

impl Rec {
    fn text(&self, code: u32) -> String {
        let related: Vec<String> = self.related.iter().map(|c| format!("1.{c:06}")).collect();
        let related: Vec<&str> = related.iter().map(String::as_str).collect();
        let mut r = Record::new(
            &format!("1.{code:06}"),
            &format!("Thủ tục {} {code}", NAMES[self.name].to_lowercase()),
        )
        .plain(&format!("{} ({code})", NAMES[self.name]))
        .field(FIELDS[self.field])
        .updated(&format!("2026-10-{:02}", self.day))
        .related(&related)
        .keywords(&[KEYWORDS[self.keyword]])
        .documents(&DOCUMENTS[..=self.documents])
        .fee(self.fee)
        .life_events(&["Có con mới sinh"])
        .body(&self.body);
        if self.abolish {
            r = r.yaml(
                "quyet_dinh_cong_bo: [{ so_hieu: \"9/QĐ-UBND\", ngay_ban_hanh: 01/11/2026, loai: bãi bỏ, ngay_hieu_luc: 01/01/2027 }]",
            );
        }
        r.text()
    }
}

/// Record 1 of the test board with `body` as its guidance.
fn first_record(body: &str) -> String {
    Rec {
        abolish: false,
        name: 0,
        field: 0,
        day: 10,
        related: Vec::new(),
        body: body.to_owned(),
        keyword: 0,
        documents: 0,
        fee: 5000,
    }
    .text(1)
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.expect("walk");
        if e.file_type().is_file() && e.file_name() != ".niemyet-output" {
            let rel = e.path().strip_prefix(dir).expect("rel");
            files.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            );
        }
    }
    files
}

fn as_of() -> Date {
    Date::parse("15/11/2026").expect("date")
}

fn assert_same_as_full_build(
    preview: &mut Preview,
    dir: &Path,
    content: &Path,
    full: &Path,
    step: &str,
) {
    let settled = preview.settle();
    assert!(settled.error.is_none(), "{step}: {:?}", settled.error);
    assert!(!preview.pending(), "{step}: settled");
    let mut project = Project::load(Source::Dir(content.to_path_buf()), as_of()).expect("load");
    let report = project.build(full).expect("full build");
    assert!(report.summary.is_some(), "{step}: full build wrote nothing");
    let want = tree(full);
    let got = tree(dir);
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{step}: missing {missing:?}, extra {extra:?}"
    );
    for (k, v) in &want {
        assert!(got[k] == *v, "{step}: {k} differs from a full build");
    }
}

/// The seed of the random edits: `NIEMYET_SEED` to replay a run, else a new one each run.
fn seed() -> u64 {
    std::env::var("NIEMYET_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(7, |d| d.as_nanos() as u64)
        })
}

#[test]
fn preview_after_random_edits_equals_a_full_build() {
    let seed = seed();
    // Straight to the terminal, so a failing run can be replayed.
    let _ = writeln!(
        std::io::stderr(),
        "serve: random edits with NIEMYET_SEED={seed}"
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[]);
    // Two procedures a list page: adding, deleting and moving records between fields
    // makes lists and fields gain and lose pages, which must come and go as in a full build.
    add_to_site_yaml(&content, "so_thu_tuc_moi_trang: 2");
    let dir = content.join("thu-tuc");
    let write = |code: u32, r: &Rec| -> PathBuf {
        let p = dir.join(format!("tt-{code}.md"));
        std::fs::write(&p, r.text(code)).expect("write");
        p
    };
    let mut recs: BTreeMap<u32, Rec> = BTreeMap::new();
    for code in 1..=6u32 {
        let r = Rec {
            abolish: false,
            name: code as usize % NAMES.len(),
            field: code as usize % FIELDS.len(),
            day: 10,
            related: if code > 1 { vec![code - 1] } else { vec![] },
            body: format!("Hướng dẫn số {code}."),
            keyword: code as usize % KEYWORDS.len(),
            documents: code as usize % DOCUMENTS.len(),
            fee: 5000,
        };
        write(code, &r);
        recs.insert(code, r);
    }
    let preview_dir = tmp.path().join("preview");
    let full = tmp.path().join("full");
    let (mut preview, first) = Preview::open(&content, &preview_dir, as_of(), "").expect("open");
    assert!(
        first.rendered && !first.failed(),
        "{:?}",
        first.diagnostics.0
    );
    assert_same_as_full_build(&mut preview, &preview_dir, &content, &full, "first build");
    let files = tree(&preview_dir).len();

    let mut rng = Lcg(seed);
    let mut next_code = 100u32;
    let mut small = 0;
    for step in 0..40 {
        let codes: Vec<u32> = recs.keys().copied().collect();
        let code = codes[rng.next(codes.len())];
        let op = rng.next(13);
        let path = dir.join(format!("tt-{code}.md"));
        let mut edit = |f: &dyn Fn(&mut Rec)| {
            let r = recs.get_mut(&code).expect("rec");
            f(r);
            write(code, r);
            vec![path.clone()]
        };
        let (what, touched) = match op {
            0 => ("rename", edit(&|r| r.name = (r.name + 1) % NAMES.len())),
            1 => (
                "move to another field",
                edit(&|r| r.field = (r.field + 1) % FIELDS.len()),
            ),
            2 => {
                let target = codes[rng.next(codes.len())];
                let related = if target == code { vec![] } else { vec![target] };
                ("relate", edit(&|r| r.related = related.clone()))
            }
            3 => (
                "edit guidance",
                edit(&|r| r.body = format!("Hướng dẫn mới ở bước {step}: **mang bản chính**.")),
            ),
            4 => ("review date", edit(&|r| r.day = 11 + step as u32 % 15)),
            10 => (
                "keywords",
                edit(&|r| r.keyword = (r.keyword + 1) % KEYWORDS.len()),
            ),
            11 => (
                "documents",
                edit(&|r| r.documents = (r.documents + 1) % DOCUMENTS.len()),
            ),
            12 => (
                "fee",
                edit(&|r| r.fee = if r.fee == 5000 { 0 } else { 5000 }),
            ),
            9 => {
                // A site template override (Zola's rule) appears or changes: every page
                // using it is rendered again.
                let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
                let text = std::fs::read_to_string(theme.join("contact.html")).expect("template");
                let dir = tmp.path().join("templates");
                std::fs::create_dir_all(&dir).expect("mkdir");
                let file = dir.join("contact.html");
                let edited = text.replacen(
                    "{% block content %}",
                    &format!("{{% block content %}}<p>Lần sửa {step}</p>"),
                    1,
                );
                assert_ne!(edited, text, "template has a content block");
                std::fs::write(&file, edited).expect("write template");
                ("template", vec![file])
            }
            8 => (
                "announce or withdraw an abolition",
                edit(&|r| r.abolish = !r.abolish),
            ),
            5 if recs.len() > 3 => {
                // Related codes pointing at it must go first, or the content is invalid.
                recs.remove(&code);
                let mut touched = vec![path.clone()];
                for (c, r) in recs.iter_mut() {
                    if r.related.contains(&code) {
                        r.related.clear();
                        touched.push(write(*c, r));
                    }
                }
                std::fs::remove_file(&path).expect("rm");
                ("delete", touched)
            }
            6 => {
                let r = Rec {
                    abolish: false,
                    name: rng.next(NAMES.len()),
                    field: rng.next(FIELDS.len()),
                    day: 10,
                    related: vec![code],
                    body: "Thủ tục mới.".into(),
                    keyword: rng.next(KEYWORDS.len()),
                    documents: rng.next(DOCUMENTS.len()),
                    fee: 5000,
                };
                let p = write(next_code, &r);
                recs.insert(next_code, r);
                next_code += 1;
                ("add", vec![p])
            }
            _ => {
                // Break the record: nothing is rendered and the preview keeps the last good
                // pages; then fix it.
                std::fs::write(&path, "---\nma_thu_tuc: [\n---\n").expect("break");
                let before = tree(&preview_dir);
                let o = preview.update(std::slice::from_ref(&path));
                assert!(
                    o.failed() && !o.rendered,
                    "seed {seed} step {step}: broken record must fail"
                );
                assert!(
                    o.diagnostics
                        .0
                        .iter()
                        .any(|d| d.file.ends_with(format!("tt-{code}.md"))),
                    "error names the file"
                );
                assert!(
                    tree(&preview_dir) == before,
                    "seed {seed} step {step}: last good pages kept"
                );
                write(code, &recs[&code]);
                ("fix", vec![path.clone()])
            }
        };
        let o = preview.update(&touched);
        assert!(
            !o.failed(),
            "seed {seed} step {step} {what}: {:?} {:?}",
            o.error,
            o.diagnostics.0
        );
        match op {
            // Guidance shows on the procedure's own page only.
            3 => assert!(
                o.changed.len() == 1 && o.changed[0].starts_with("thu-tuc/"),
                "seed {seed} step {step}: {:?}",
                o.changed
            ),
            9 => assert!(
                o.changed.iter().any(|c| c == "lien-he/index.html"),
                "seed {seed} step {step}: {:?}",
                o.changed
            ),
            _ => {}
        }
        // An edit of one record leaves most of the folder alone.
        if o.changed.len() * 4 < files {
            small += 1;
        }
        assert_same_as_full_build(
            &mut preview,
            &preview_dir,
            &content,
            &full,
            &format!("seed {seed} step {step} {what}"),
        );
    }
    assert!(
        small >= 10,
        "seed {seed}: only {small} of 40 saves left most files alone"
    );

    // A new preview starts from the records the builds kept (and from the pieces of the
    // search index and open data): still what a full build writes.
    drop(preview);
    assert!(
        content
            .parent()
            .expect("root")
            .join(".niemyet-cache/ban-ghi.bin")
            .is_file(),
        "the builds kept their records"
    );
    let (mut preview, reopened) =
        Preview::open(&content, &preview_dir, as_of(), "").expect("reopen");
    assert!(reopened.rendered && !reopened.failed());
    assert_same_as_full_build(&mut preview, &preview_dir, &content, &full, "reopened");
}

// ---- the real binary -------------------------------------------------------------

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn start(site: &Path, port: u16) -> Server {
    let mut child = Command::new(bin())
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "serve did not start");
        match lines.next() {
            Some(Ok(l)) if l.contains("Bản xem trước:") => break,
            Some(Ok(_)) => continue,
            _ => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                panic!("serve exited: {err}");
            }
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, port }
}

/// A raw request, so that `..` reaches the server as typed (clients normalise it).
fn get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head[9..12].parse().expect("status");
    (status, head, raw[split + 4..].to_vec())
}

/// Open the event stream; returns a reader of `event:` names with their data.
fn events(port: u16) -> std::sync::mpsc::Receiver<(String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "GET /__niemyet/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .expect("send");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ") {
                if tx.send((event.clone(), d.to_owned())).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn wait_for(rx: &std::sync::mpsc::Receiver<(String, String)>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok((e, d)) if e == name => return d,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    panic!("no `{name}` event");
}

/// Save the way many editors do: write a temporary file, then rename it over the record.
fn save_atomically(path: &Path, text: &str) {
    let tmp = path.with_file_name(".tmp-save");
    std::fs::write(&tmp, text).expect("write tmp");
    std::fs::rename(&tmp, path).expect("rename");
}

#[test]
fn serve_reloads_pages_and_shows_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[("a.md", &first_record("Hướng dẫn."))]);
    std::fs::write(tmp.path().join("secret.txt"), "bí mật").expect("secret");
    let srv = start(tmp.path(), free_port());
    let port = srv.port;

    let (status, head, body) = get(port, "/thu-tuc/dang-ky-khai-sinh-1/");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("Content-Type: text/html; charset=utf-8"));
    assert!(head.contains("Cache-Control: no-store"));
    let page = String::from_utf8(body).expect("utf8");
    assert!(
        page.contains("src=\"/__niemyet/live.js\""),
        "serve pages carry the reload script"
    );
    assert!(page.contains("Đăng ký khai sinh (1)"));
    let (status, _, _) = get(port, "/thu-tuc/dang-ky-khai-sinh-1");
    assert_eq!(status, 301, "folder without slash redirects");
    let (status, head, js) = get(port, "/__niemyet/live.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript"));
    assert!(String::from_utf8_lossy(&js).contains("EventSource"));

    for bad in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/thu-tuc/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2fetc%2fpasswd",
        "/../../../../etc/passwd",
    ] {
        let (status, _, body) = get(port, bad);
        assert_eq!(status, 404, "{bad}");
        assert!(!String::from_utf8_lossy(&body).contains("bí mật"), "{bad}");
    }
    #[cfg(unix)]
    {
        let preview = tmp.path().join(".niemyet-cache/xem-truoc");
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), preview.join("ra-ngoai.txt"))
            .expect("symlink");
        assert_eq!(
            get(port, "/ra-ngoai.txt").0,
            404,
            "symlink out of the folder"
        );
    }
    #[cfg(feature = "pdf")]
    {
        let (status, head, pdf) = get(port, "/in/thu-tuc/dang-ky-khai-sinh-1/niem-yet.pdf");
        assert_eq!(status, 200);
        assert!(head.contains("Content-Type: application/pdf"), "{head}");
        assert!(pdf.starts_with(b"%PDF"));
    }
    let (_, head, _) = get(port, "/in/thu-tuc/dang-ky-khai-sinh-1/qr.svg");
    if cfg!(feature = "pdf") {
        assert!(head.contains("image/svg+xml"), "{head}");
    }
    let (_, head, _) = get(port, "/sitemap.xml");
    assert!(head.contains("application/xml"), "{head}");

    // An edit reloads the page with the new text.
    let rx = events(port);
    assert_eq!(wait_for(&rx, "ok"), "{}");
    let path = content.join("thu-tuc/a.md");
    save_atomically(&path, &first_record("Mang **sổ hộ khẩu** cũ."));
    wait_for(&rx, "reload");
    let (_, _, body) = get(port, "/thu-tuc/dang-ky-khai-sinh-1/");
    assert!(
        String::from_utf8_lossy(&body).contains("sổ hộ khẩu"),
        "new content served"
    );

    // A broken record: the error reaches the page; the last good page stays served.
    std::fs::write(
        &path,
        first_record("x").replace("ban_chinh: 1", "ban_chinh: -1"),
    )
    .expect("break");
    let data = wait_for(&rx, "errors");
    let v: serde_json::Value = serde_json::from_str(&data).expect("json");
    let first = &v["diagnostics"][0];
    assert_eq!(
        first["file"].as_str().map(|f| f.ends_with("a.md")),
        Some(true),
        "{data}"
    );
    assert!(first["line"].as_u64().unwrap_or(0) > 1, "{data}");
    assert!(
        v["text"].as_str().unwrap_or("").contains("a.md:"),
        "same text as check: {data}"
    );
    let (status, _, body) = get(port, "/thu-tuc/dang-ky-khai-sinh-1/");
    assert_eq!(status, 200);
    assert!(
        String::from_utf8_lossy(&body).contains("sổ hộ khẩu"),
        "last good page kept"
    );

    // Fixing it reloads; a page connecting now is told all is well.
    save_atomically(&path, &first_record("Đã sửa."));
    wait_for(&rx, "reload");
    assert_eq!(wait_for(&events(port), "ok"), "{}");

    // Output of `build` never carries the script.
    let o = run(&["build", "-q"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let built = read(
        &tmp.path()
            .join("output/thu-tuc/dang-ky-khai-sinh-1/index.html"),
    );
    assert!(!built.contains("__niemyet"));
}

#[test]
fn serve_says_which_port_to_use_when_taken() {
    let tmp = tempfile::tempdir().expect("tmp");
    content_tree(tmp.path(), &[("a.md", FULL_RECORD)]);
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let o = run(&["serve", "--port", &port.to_string()], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--port"), "{}", text(&o));
}

/// The raw answer to a request head written as given.
fn raw(port: u16, request: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.write_all(request.as_bytes()).expect("send");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn serve_refuses_foreign_hosts_keeps_redirects_home_and_survives_a_flood() {
    let tmp = tempfile::tempdir().expect("tmp");
    content_tree(tmp.path(), &[("a.md", FULL_RECORD)]);
    let srv = start(tmp.path(), free_port());
    let port = srv.port;

    // `//thu-tuc` once answered `Location: //thu-tuc/`: a link to a host named thu-tuc.
    let answer = raw(port, "GET //thu-tuc HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 301"), "{answer}");
    assert!(answer.contains("\r\nLocation: /thu-tuc/\r\n"), "{answer}");

    // DNS rebinding: a name that resolves to 127.0.0.1 is still not "localhost".
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "127.0.0.1.evil.example",
    ] {
        let answer = raw(port, &format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert!(answer.starts_with("HTTP/1.1 421"), "Host {host}: {answer}");
    }
    let answer = raw(port, "GET / HTTP/1.1\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 421"), "no Host: {answer}");
    let answer = raw(
        port,
        &format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Slowloris: 300 connections that never finish their head.
    let threads = || {
        std::fs::read_dir(format!("/proc/{}/task", srv.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let before = threads();
    let mut held = Vec::new();
    for _ in 0..300 {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n");
            held.push(s);
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let during = threads();
    if before > 0 {
        assert!(
            during <= before + 64 + 4,
            "{during} threads with 300 idle connections (was {before}): connections are not capped"
        );
    }
    // The deadline for a request head frees every slot, though the peers stay connected.
    std::thread::sleep(Duration::from_secs(6));
    let (status, head, _) = get(port, "/");
    assert_eq!(status, 200, "after the flood: {head}");
    drop(held);
}
