//! Full-build benchmark: N synthetic records → site, wall time and peak RSS.
//!
//! `cargo bench --bench build` (defaults to N = 1,000 and 10,000), or
//! `cargo bench --bench build -- 500 2000`. Numbers are reported, never asserted.

#[path = "synth.rs"]
mod synth;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn peak_rss_children_kb() -> i64 {
    // SAFETY: getrusage only writes into the struct we hand it.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    }
}

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
    let bin = env!("CARGO_BIN_EXE_niemyet");
    let base = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("bench");
    println!(
        "{:>7} | {:>9} | {:>9} | {:>12}",
        "records", "cold (s)", "warm (s)", "peak RSS MB"
    );
    for n in sizes {
        let dir = base.join(format!("n{n}"));
        let content = dir.join("content");
        if !content.join("thu-tuc").is_dir() {
            synth::generate(&content, n).expect("generate records");
        }
        let out = dir.join("output");
        // Cold means no earlier output to compare against (the writer reuses the
        // previous build's folder, `.output.niemyet-prev`); the second run is warm.
        for stale in [out.clone(), dir.join(".output.niemyet-prev")] {
            if stale.exists() {
                std::fs::remove_dir_all(&stale).expect("remove earlier output");
            }
        }
        let mut times = Vec::new();
        // Each run is a separate child: RUSAGE_CHILDREN keeps the max over all of them,
        // so spawn one probe process per size to read its own peak.
        for _ in 0..2 {
            let start = Instant::now();
            let status = Command::new(bin)
                .args(["build", "--quiet", "--content"])
                .arg(&content)
                .arg("--output")
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run niemyet");
            assert!(status.success(), "build failed");
            times.push(start.elapsed().as_secs_f64());
        }
        let rss = peak_rss_children_kb() as f64 / 1024.0;
        println!(
            "{n:>7} | {:>9.2} | {:>9.2} | {rss:>12.0}",
            times[0], times[1]
        );
    }
    println!("(peak RSS is the maximum over every build run so far in this process)");
}
