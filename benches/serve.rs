//! Live-preview benchmark: time from saving one record to the reload event reaching an
//! open page, with `niemyet serve` on N synthetic records.
//!
//! `cargo bench --bench serve` (N = 1,000 and 10,000), or `cargo bench --bench serve --
//! 2000`. Add `--no-default-features` to leave print out. Reports the median, 90th
//! percentile and worst of 20 edits, the server's own rebuild time for each, and the
//! initial full build. Numbers are reported, never asserted.

#[path = "synth.rs"]
#[allow(dead_code)]
mod synth;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const EDITS: usize = 20;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let base = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("bench");
    println!(
        "{:>7} | {:>12} | {:>13} | {:>10} | {:>9} | {:>14}",
        "records", "start (s)", "median (ms)", "p90 (ms)", "max (ms)", "rebuild med (ms)"
    );
    for n in sizes {
        let content = base.join(format!("n{n}")).join("content");
        if !content.join("thu-tuc").is_dir() {
            synth::generate(&content, n).expect("generate records");
        }
        let (start, mut latencies, mut rebuilds) = run(&content);
        latencies.sort();
        rebuilds.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{n:>7} | {:>12.2} | {:>13.1} | {:>10.1} | {:>9.1} | {:>14}",
            start.as_secs_f64(),
            ms(latencies[EDITS / 2]),
            ms(latencies[EDITS * 9 / 10]),
            ms(latencies[EDITS - 1]),
            rebuilds[EDITS / 2],
        );
    }
}

fn run(content: &Path) -> (Duration, Vec<Duration>, Vec<u64>) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_niemyet"))
        .args(["serve", "--port", &port.to_string(), "--content"])
        .arg(content)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for line in lines.by_ref() {
        if line.expect("line").contains("Bản xem trước:") {
            break;
        }
    }
    let start = started.elapsed();
    std::thread::spawn(move || for _ in lines {});

    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(s, "GET /__niemyet/events HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let (tx, rx) = mpsc::channel::<(String, String)>();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in BufReader::new(s).lines().map_while(Result::ok) {
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ") {
                let _ = tx.send((event.clone(), d.to_owned()));
            }
        }
    });
    let wait = |name: &str| -> String {
        loop {
            let (e, d) = rx.recv_timeout(Duration::from_secs(300)).expect("event");
            if e == name {
                return d;
            }
        }
    };
    wait("ok");

    let mut records: Vec<PathBuf> = walkdir::WalkDir::new(content.join("thu-tuc"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    records.sort();
    let step = (records.len() / EDITS).max(1);
    let mut latencies = Vec::new();
    let mut rebuilds = Vec::new();
    for i in 0..EDITS {
        let path = &records[(i * step) % records.len()];
        let original = std::fs::read_to_string(path).expect("read record");
        // An officer's typical edit: a sentence of guidance in the body.
        let edited = format!("{original}\nSửa lần {i}: mang theo bản chính để đối chiếu.\n");
        // An officer pauses between saves; the preview finishes open data meanwhile.
        std::thread::sleep(Duration::from_millis(1500));
        let t0 = Instant::now();
        std::fs::write(path, &edited).expect("write");
        let data = wait("reload");
        latencies.push(t0.elapsed());
        let v: serde_json::Value = serde_json::from_str(&data).expect("json");
        rebuilds.push(v["ms"].as_u64().unwrap_or(0));
        std::fs::write(path, &original).expect("restore");
        wait("reload");
    }
    let _ = child.kill();
    let _ = child.wait();
    (start, latencies, rebuilds)
}
