//! `niemyet serve`: the officers' live preview.
//!
//! Builds the site into a preview folder (`.niemyet-cache/xem-truoc/` beside
//! `content/`, never `output/`, since its pages carry the live-reload script), serves it
//! on 127.0.0.1, watches `content/` and the theme, renders again what a save changed
//! ([`preview`]) and tells open pages to reload, or shows them the errors `niemyet check`
//! would print. The last good pages stay served while a record is broken.

pub mod http;
pub mod preview;
mod watch;

use crate::model::Date;
use crate::report;
use anyhow::{Context, Result};
use preview::{Outcome, Preview};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;

pub struct ServeOptions {
    pub content: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub as_of: Date,
}

enum Msg {
    Changed(Vec<PathBuf>),
    Stop,
}

pub fn run(opts: ServeOptions) -> Result<()> {
    if !opts.bind.is_loopback() {
        eprintln!(
            "cảnh báo: bản xem trước mở cho mọi máy tại {}; chỉ dùng trong mạng tin cậy",
            opts.bind
        );
    }
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener.local_addr()?;
    let source = crate::project::Source::Dir(opts.content.clone());
    let site_root = source.site_root().unwrap_or_else(|| PathBuf::from("."));
    let cache_dir = source.cache_dir();
    let preview = cache_dir.join("xem-truoc");

    let (mut session, first) = Preview::open(&opts.content, &preview, opts.as_of, http::INJECT)?;
    report_outcome(&first, "Đã dựng");
    let hub = http::Hub::new(preview, status_event(&first), !opts.bind.is_loopback());
    http::start(listener, hub.clone());
    let url = format!("http://{}/", display_addr(addr));
    println!("Bản xem trước: {url} (Ctrl-C để dừng)");
    if opts.open {
        open_browser(&url);
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    let stop = tx.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Msg::Stop);
    })
    .context("không cài được xử lý Ctrl-C")?;
    let content_abs = opts
        .content
        .canonicalize()
        .unwrap_or_else(|_| opts.content.clone());
    let theme_abs: Vec<PathBuf> = session
        .project()
        .theme_dirs()
        .into_iter()
        .map(|d| site_root_abs(&d))
        .collect();
    let relevant = {
        let content_abs = content_abs.clone();
        let theme_abs = theme_abs.clone();
        // With `--content .` the preview folder sits inside what is watched: its own
        // writes must not trigger rebuilds.
        let cache_abs = site_root_abs(&cache_dir);
        move |p: &std::path::Path| {
            !p.starts_with(&cache_abs)
                && (p.starts_with(&content_abs) || theme_abs.iter().any(|t| p.starts_with(t)))
        }
    };
    let _watcher = watch::watch(
        &[vec![content_abs], theme_abs.clone()].concat(),
        &[site_root_abs(&site_root)],
        relevant,
        watch::forward(tx, Msg::Changed),
    )
    .context("không theo dõi được thư mục nội dung")?;

    loop {
        // Open data catches up once no edit is waiting, so a save reloads the page first.
        let msg = if session.pending() {
            match rx.try_recv() {
                Ok(m) => m,
                Err(mpsc::TryRecvError::Empty) => {
                    let settled = session.settle();
                    if let Some(e) = &settled.error {
                        eprintln!("lỗi khi dựng dữ liệu mở: {e}");
                    }
                    continue;
                }
                Err(mpsc::TryRecvError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            }
        };
        match msg {
            Msg::Changed(paths) => {
                let outcome = session.update(&paths);
                report_outcome(&outcome, "Đã dựng lại");
                let event = if outcome.failed() {
                    status_event(&outcome)
                } else {
                    let data = serde_json::json!({
                        "changed": outcome.changed.len(),
                        "ms": outcome.elapsed.as_millis() as u64,
                    });
                    http::sse("reload", &data.to_string())
                };
                hub.publish(event, Some(status_event(&outcome)));
            }
            Msg::Stop => break,
        }
    }
    println!("Đã dừng bản xem trước.");
    Ok(())
}

/// Bind, or explain which port to use instead.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    match TcpListener::bind(SocketAddr::new(ip, port)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = (port.saturating_add(1)..port.saturating_add(50))
                .find(|&p| TcpListener::bind(SocketAddr::new(ip, p)).is_ok());
            match free {
                Some(p) => anyhow::bail!(
                    "cổng {port} đang có chương trình khác dùng; chạy lại với --port {p} (cổng này đang trống)"
                ),
                None => anyhow::bail!("cổng {port} đang có chương trình khác dùng; chọn cổng khác bằng --port"),
            }
        }
        Err(e) => Err(e).with_context(|| format!("không mở được cổng {port} trên {ip}")),
    }
}

/// The event a page gets on connecting (and after each rebuild): `ok` or the errors.
fn status_event(o: &Outcome) -> String {
    if !o.failed() {
        return http::sse("ok", "{}");
    }
    // Errors only: warnings would bury them, and the terminal still lists everything.
    let errors = crate::diagnostic::Diagnostics(
        o.diagnostics
            .0
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .cloned()
            .collect(),
    );
    let mut text = report::render_text(&errors);
    if let Some(e) = &o.error {
        text.push_str(&format!("lỗi: {e}\n"));
    }
    let title = if o.diagnostics.has_errors() {
        format!("Chưa dựng được: {}", report::counts(&o.diagnostics))
    } else {
        "Chưa dựng được".to_owned()
    };
    let data = serde_json::json!({
        "title": title,
        "text": text,
        "diagnostics": errors.0,
    });
    http::sse("errors", &data.to_string())
}

fn report_outcome(o: &Outcome, done: &str) {
    if o.failed() {
        eprint!("{}", report::render_text(&o.diagnostics));
        if let Some(e) = &o.error {
            eprintln!("lỗi: {e}");
        }
        eprintln!(
            "Chưa dựng lại ({}); trang đang xem giữ bản tốt gần nhất.",
            report::counts(&o.diagnostics)
        );
    } else if o.rendered {
        println!(
            "{done}: {} tệp thay đổi, {} ms ({})",
            o.changed.len(),
            o.elapsed.as_millis(),
            report::counts(&o.diagnostics)
        );
    }
}

fn site_root_abs(p: &std::path::Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    })
}

fn display_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("127.0.0.1:{}", addr.port()),
        _ => addr.to_string(),
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd).arg(url).spawn().is_err() {
        eprintln!("không mở được trình duyệt; mở {url} bằng tay");
    }
}
