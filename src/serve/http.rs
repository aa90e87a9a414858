//! The preview's web server: static files from the preview folder, the live-reload
//! script and its event stream (Server-Sent Events).
//!
//! One thread per connection and `Connection: close` on files: this serves one officer's
//! browser on their own machine, not the public. Request heads are parsed by `httparse`;
//! what may be served is decided here, and only files inside the preview folder are:
//! `..`, its percent-encoded forms, absolute paths and symlinks that lead outside all
//! answer 404.
//!
//! What a hostile page or peer could do is bounded: at most [`MAX_CONNECTIONS`] threads
//! (more connections get 503 at once), a request head must arrive whole within
//! [`HEAD_DEADLINE`], redirects stay on this host, and on a loopback address only
//! loopback host names are answered, so a web page cannot reach the preview through
//! DNS rebinding.

use percent_encoding::percent_decode_str;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const EVENTS_PATH: &str = "/__niemyet/events";
pub const SCRIPT_PATH: &str = "/__niemyet/live.js";
/// Put before `</body>` of every page in serve mode, never by `build`.
pub const INJECT: &str = "<script src=\"/__niemyet/live.js\"></script>";
const LIVE_JS: &str = include_str!("live.js");
const MAX_HEAD: usize = 16 * 1024;
/// Open connections served at once: a few browser tabs need a dozen.
pub const MAX_CONNECTIONS: usize = 64;
/// Time for a whole request head (a slow sender holds a thread no longer).
pub const HEAD_DEADLINE: Duration = Duration::from_secs(5);

/// What connected pages share: the folder served, the last event, the open streams.
pub struct Hub {
    root: PathBuf,
    /// Answer any `Host:`: the officer opened the preview to other machines (`--bind`).
    any_host: bool,
    open: AtomicUsize,
    /// Sent to a page as soon as it connects: `ok`, or the current errors.
    current: Mutex<String>,
    clients: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    pub fn new(root: PathBuf, current: String, any_host: bool) -> Arc<Hub> {
        Arc::new(Hub {
            root,
            any_host,
            open: AtomicUsize::new(0),
            current: Mutex::new(current),
            clients: Mutex::new(Vec::new()),
        })
    }

    /// Send `event` (a complete SSE message) to every open page; `sticky` events are
    /// also sent to pages that connect later. Returns how many pages got it.
    pub fn publish(&self, event: String, sticky: Option<String>) -> usize {
        if let Some(s) = sticky {
            *lock(&self.current) = s;
        }
        let mut clients = lock(&self.clients);
        clients.retain(|c| c.send(event.clone()).is_ok());
        clients.len()
    }
}

/// A complete Server-Sent Events message. `data` must be one line (compact JSON).
pub fn sse(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

/// Accept connections until the process ends.
pub fn start(listener: TcpListener, hub: Arc<Hub>) {
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            if hub.open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                hub.open.fetch_sub(1, Ordering::SeqCst);
                let _ = conn.set_write_timeout(Some(Duration::from_secs(1)));
                let _ = respond(&mut conn, 503, "text/plain; charset=utf-8", b"busy", false);
                continue;
            }
            let hub = hub.clone();
            std::thread::spawn(move || {
                // A client that vanished mid-request is no error worth reporting.
                let _ = handle(conn, &hub);
                hub.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
}

/// Whether a `Host:` header names this machine's loopback (`localhost:1111`,
/// `127.0.0.1`, `[::1]:1111`): a DNS name that only resolves here does not.
fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn handle(mut conn: TcpStream, hub: &Hub) -> std::io::Result<()> {
    conn.set_write_timeout(Some(Duration::from_secs(10)))?;
    let deadline = Instant::now() + HEAD_DEADLINE;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let (method, target, host) = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        conn.set_read_timeout(Some(left))?;
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let host = req
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("host"))
                    .and_then(|h| std::str::from_utf8(h.value).ok())
                    .map(str::to_owned);
                break (
                    req.method.unwrap_or("").to_owned(),
                    req.path.unwrap_or("/").to_owned(),
                    host,
                );
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
            _ => {
                return respond(
                    &mut conn,
                    400,
                    "text/plain; charset=utf-8",
                    b"bad request",
                    true,
                )
            }
        }
    };
    if !hub.any_host && !host.as_deref().is_some_and(loopback_host) {
        return respond(
            &mut conn,
            421,
            "text/plain; charset=utf-8",
            b"this preview answers only http://localhost or http://127.0.0.1",
            false,
        );
    }
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(
            &mut conn,
            405,
            "text/plain; charset=utf-8",
            b"GET only",
            false,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    match path {
        EVENTS_PATH => stream_events(conn, hub),
        SCRIPT_PATH => respond(
            &mut conn,
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes(),
            head_only,
        ),
        _ => serve_file(&mut conn, &hub.root, path, head_only),
    }
}

fn serve_file(
    conn: &mut TcpStream,
    root: &Path,
    path: &str,
    head_only: bool,
) -> std::io::Result<()> {
    match resolve(root, path) {
        Some(Resolved::File(file)) => match std::fs::read(&file) {
            Ok(bytes) => respond(conn, 200, content_type(&file), &bytes, head_only),
            Err(_) => not_found(conn, root, head_only),
        },
        Some(Resolved::Slash) => {
            // `thu-tuc/x` must become `thu-tuc/x/`, or every relative link breaks. Empty
            // segments are dropped: `//thu-tuc/` would send the browser to a host
            // named "thu-tuc".
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            let location = format!("/{}/", segments.join("/"));
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
            );
            conn.write_all(head.as_bytes())
        }
        None => not_found(conn, root, head_only),
    }
}

fn not_found(conn: &mut TcpStream, root: &Path, head_only: bool) -> std::io::Result<()> {
    let body = std::fs::read(root.join("404.html")).unwrap_or_else(|_| b"404".to_vec());
    respond(conn, 404, "text/html; charset=utf-8", &body, head_only)
}

#[derive(Debug, PartialEq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash.
    Slash,
}

/// Map a request path to a file inside `root`, or nothing. Decodes percent escapes
/// first, so `%2e%2e` is `..`; refuses any `.`/`..` segment, backslashes and NULs; and
/// after resolving symlinks the file must still be inside `root`.
pub fn resolve(root: &Path, path: &str) -> Option<Resolved> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut rel = PathBuf::new();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut comps = Path::new(seg).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(c)), None) => rel.push(c),
            _ => return None,
        }
    }
    let root = root.canonicalize().ok()?;
    let full = root.join(&rel).canonicalize().ok()?;
    if !full.starts_with(&root) {
        return None;
    }
    if full.is_dir() {
        if !decoded.ends_with('/') && !rel.as_os_str().is_empty() {
            return Some(Resolved::Slash);
        }
        let index = full.join("index.html");
        return index.is_file().then_some(Resolved::File(index));
    }
    full.is_file().then_some(Resolved::File(full))
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc" => "application/msword",
        _ => "application/octet-stream",
    }
}

fn respond(
    conn: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        503 => "Service Unavailable",
        _ => "",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes())?;
    if !head_only {
        conn.write_all(body)?;
    }
    conn.flush()
}

fn stream_events(mut conn: TcpStream, hub: &Hub) -> std::io::Result<()> {
    let (tx, rx): (Sender<String>, Receiver<String>) = mpsc::channel();
    conn.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n",
    )?;
    let first = lock(&hub.current).clone();
    conn.write_all(first.as_bytes())?;
    conn.flush()?;
    lock(&hub.clients).push(tx);
    loop {
        match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => conn.write_all(event.as_bytes())?,
            // A comment line keeps proxies and the browser from closing an idle stream,
            // and tells us when the page is gone.
            Err(RecvTimeoutError::Timeout) => conn.write_all(b": ping\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        conn.flush()?;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_only_inside_the_root() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("thu-tuc/a")).expect("mkdir");
        std::fs::write(root.join("thu-tuc/a/index.html"), "a").expect("write");
        std::fs::write(root.join("index.html"), "home").expect("write");
        std::fs::write(tmp.path().join("secret.txt"), "s").expect("write");
        let canon = root.canonicalize().expect("canon");
        assert_eq!(
            resolve(&root, "/"),
            Some(Resolved::File(canon.join("index.html")))
        );
        assert_eq!(
            resolve(&root, "/thu-tuc/a/"),
            Some(Resolved::File(canon.join("thu-tuc/a/index.html")))
        );
        assert_eq!(resolve(&root, "/thu-tuc/a"), Some(Resolved::Slash));
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/thu-tuc/%2e%2e/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..%5csecret.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/./index.html",
            "/index.html%00",
            "relative",
            "/nope.html",
        ] {
            assert_eq!(resolve(&root, bad), None, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("link.txt"))
                .expect("symlink");
            assert_eq!(resolve(&root, "/link.txt"), None, "symlink out");
        }
    }

    #[test]
    fn loopback_hosts() {
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:80",
            "[::1]:1111",
            "LOCALHOST",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "10.0.0.1:1111",
            "",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn types() {
        assert_eq!(content_type(Path::new("a.pdf")), "application/pdf");
        assert_eq!(content_type(Path::new("a.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("a.json")), "application/json");
        assert_eq!(
            content_type(Path::new("site.webmanifest")),
            "application/manifest+json"
        );
    }
}
