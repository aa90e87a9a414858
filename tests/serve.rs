//! The live preview: incremental rebuilds equal a full build byte for byte, and the real
//! `niemyet serve` binary reloads pages, reports errors and serves only its own folder.

use crate::util::*;
use niemyet::build::{self, BuildOptions, Source};
use niemyet::incremental::Session;
use niemyet::model::Date;
use niemyet::serve::http::INJECT;
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

/// A valid record: FULL_RECORD with its identity, field, date, related codes and body changed.
fn record(code: u32, name: &str, field: &str, day: u32, related: &[u32], body: &str) -> String {
    let related: Vec<String> = related.iter().map(|c| format!("\"1.{c:06}\"")).collect();
    let rec = FULL_RECORD
        .replace(
            "ma_thu_tuc: \"1.001193\"",
            &format!("ma_thu_tuc: \"1.{code:06}\""),
        )
        .replace(
            "ten_thu_tuc: Thủ tục đăng ký khai sinh",
            &format!("ten_thu_tuc: Thủ tục {} {code}", name.to_lowercase()),
        )
        .replace(
            "ten_than_thien: Làm giấy khai sinh cho con",
            &format!("ten_than_thien: {name} ({code})"),
        )
        .replace("linh_vuc: Hộ tịch", &format!("linh_vuc: {field}"))
        .replace(
            "ngay_cap_nhat: 2026-10-31",
            &format!("ngay_cap_nhat: 2026-10-{day:02}"),
        )
        .replace(
            "su_kien_cuoc_song: [Có con mới sinh]",
            &format!(
                "su_kien_cuoc_song: [Có con mới sinh]\nthu_tuc_lien_quan: [{}]",
                related.join(", ")
            ),
        );
    let (front, _) = rec.rsplit_once("---\n").expect("front matter");
    format!("{front}---\n{body}\n")
}

/// Deterministic pseudo-random numbers (no dependency, same sequence every run).
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

fn assert_same_as_full_build(
    session: &mut Session,
    content: &Path,
    preview: &Path,
    full: &Path,
    step: &str,
) {
    let settled = session.settle();
    assert!(settled.error.is_none(), "{step}: {:?}", settled.error);
    assert!(!session.pending(), "{step}: settled");
    build::build(&BuildOptions {
        source: Source::Dir(content.to_path_buf()),
        output: full.to_path_buf(),
        as_of: Date::parse("15/11/2026").expect("date"),
    })
    .expect("full build");
    let want = tree(full);
    let got: BTreeMap<String, Vec<u8>> = tree(preview)
        .into_iter()
        .map(|(k, v)| {
            let v = if k.ends_with(".html") {
                String::from_utf8(v)
                    .expect("utf8")
                    .replace(INJECT, "")
                    .into_bytes()
            } else {
                v
            };
            (k, v)
        })
        .collect();
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

#[test]
fn incremental_rebuilds_equal_a_full_build() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[]);
    // Two procedures a list page: adding, deleting and moving records between fields
    // makes lists and fields gain and lose pages, which must come and go as in a full build.
    add_to_site_yaml(&content, "so_thu_tuc_moi_trang: 2");
    let dir = content.join("thu-tuc");
    let write = |code: u32, r: &Rec| -> PathBuf {
        let p = dir.join(format!("tt-{code}.md"));
        let text = record(
            code,
            NAMES[r.name],
            FIELDS[r.field],
            r.day,
            &r.related,
            &r.body,
        );
        std::fs::write(&p, text).expect("write");
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
        };
        write(code, &r);
        recs.insert(code, r);
    }
    let preview = tmp.path().join("preview");
    let full = tmp.path().join("full");
    let as_of = Date::parse("15/11/2026").expect("date");
    let cache = tmp.path().join(".niemyet-cache");
    let (mut session, first) =
        Session::open(&content, &preview, &cache, as_of, INJECT).expect("open");
    assert!(
        first.rendered && !first.failed(),
        "{:?}",
        first.diagnostics.0
    );
    assert_same_as_full_build(&mut session, &content, &preview, &full, "first build");

    let mut rng = Lcg(7);
    let mut next_code = 100u32;
    let mut partial = 0;
    for step in 0..40 {
        let codes: Vec<u32> = recs.keys().copied().collect();
        let code = codes[rng.next(codes.len())];
        let op = rng.next(10);
        let path = dir.join(format!("tt-{code}.md"));
        let (what, touched) = match op {
            0 => {
                let r = recs.get_mut(&code).expect("rec");
                r.name = (r.name + 1) % NAMES.len();
                write(code, r);
                ("rename", vec![path.clone()])
            }
            1 => {
                let r = recs.get_mut(&code).expect("rec");
                r.field = (r.field + 1) % FIELDS.len();
                write(code, r);
                ("move to another field", vec![path.clone()])
            }
            2 => {
                let target = codes[rng.next(codes.len())];
                let r = recs.get_mut(&code).expect("rec");
                r.related = if target == code { vec![] } else { vec![target] };
                write(code, r);
                ("relate", vec![path.clone()])
            }
            3 => {
                let r = recs.get_mut(&code).expect("rec");
                r.body = format!("Hướng dẫn mới ở bước {step}: **mang bản chính**.");
                write(code, r);
                ("edit guidance", vec![path.clone()])
            }
            4 => {
                let r = recs.get_mut(&code).expect("rec");
                r.day = 11 + step as u32 % 15;
                write(code, r);
                ("review date", vec![path.clone()])
            }
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
            8 => {
                let r = recs.get_mut(&code).expect("rec");
                r.abolish = !r.abolish;
                write(code, r);
                ("announce or withdraw an abolition", vec![path.clone()])
            }
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
                let before = tree(&preview);
                let o = session.update(std::slice::from_ref(&path));
                assert!(
                    o.failed() && !o.rendered,
                    "step {step}: broken record must fail"
                );
                assert!(
                    o.diagnostics
                        .0
                        .iter()
                        .any(|d| d.file.ends_with(format!("tt-{code}.md"))),
                    "error names the file"
                );
                assert!(
                    tree(&preview) == before,
                    "step {step}: last good pages kept"
                );
                write(code, &recs[&code]);
                ("fix", vec![path.clone()])
            }
        };
        let o = session.update(&touched);
        assert!(
            !o.failed(),
            "step {step} {what}: {:?} {:?}",
            o.error,
            o.diagnostics.0
        );
        match op {
            // Guidance shows on the procedure's own page only.
            3 => assert!(
                o.changed.len() == 1 && o.changed[0].starts_with("thu-tuc/"),
                "step {step}: {:?}",
                o.changed
            ),
            9 => {
                assert!(o.full, "step {step}: a template change renders everything");
                assert!(
                    o.changed.iter().any(|c| c == "lien-he/index.html"),
                    "step {step}: {:?}",
                    o.changed
                );
            }
            _ => {}
        }
        if op != 6 && op != 9 {
            partial += usize::from(!o.full);
        }
        assert_same_as_full_build(
            &mut session,
            &content,
            &preview,
            &full,
            &format!("step {step} {what}"),
        );
    }
    assert!(
        partial >= 5,
        "only {partial} rebuilds were partial: the test did not exercise them"
    );

    // A new session starts from the records the builds kept (and from the pieces of the
    // search index and open data): still what a full build writes.
    drop(session);
    assert!(
        cache.join("ban-ghi.bin").is_file(),
        "the builds kept their records"
    );
    let (mut session, reopened) =
        Session::open(&content, &preview, &cache, as_of, INJECT).expect("reopen");
    assert!(reopened.rendered && !reopened.failed());
    assert_same_as_full_build(&mut session, &content, &preview, &full, "reopened");
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
    let content = content_tree(
        tmp.path(),
        &[(
            "a.md",
            &record(1, NAMES[0], FIELDS[0], 10, &[], "Hướng dẫn."),
        )],
    );
    std::fs::write(tmp.path().join("secret.txt"), "bí mật").expect("secret");
    let srv = start(tmp.path(), free_port());
    let port = srv.port;

    let (status, head, body) = get(port, "/thu-tuc/dang-ky-khai-sinh-1/");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("Content-Type: text/html; charset=utf-8"));
    assert!(head.contains("Cache-Control: no-store"));
    let page = String::from_utf8(body).expect("utf8");
    assert!(page.contains(INJECT), "serve pages carry the reload script");
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
    save_atomically(
        &path,
        &record(1, NAMES[0], FIELDS[0], 10, &[], "Mang **sổ hộ khẩu** cũ."),
    );
    wait_for(&rx, "reload");
    let (_, _, body) = get(port, "/thu-tuc/dang-ky-khai-sinh-1/");
    assert!(
        String::from_utf8_lossy(&body).contains("sổ hộ khẩu"),
        "new content served"
    );

    // A broken record: the error reaches the page; the last good page stays served.
    std::fs::write(
        &path,
        record(1, NAMES[0], FIELDS[0], 10, &[], "x").replace(
            "ban_chinh: 1\n        bieu_mau",
            "ban_chinh: -1\n        bieu_mau",
        ),
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
    save_atomically(&path, &record(1, NAMES[0], FIELDS[0], 10, &[], "Đã sửa."));
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
