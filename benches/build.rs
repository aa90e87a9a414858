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
        // Cold: a folder never built into, so nothing to compare against (the writer
        // reuses the previous build's folder, `.<output>.niemyet-prev`); the second run
        // is warm. A fresh name rather than deleting the last run's output: deleting
        // 20,000 files just before the build makes the kernel, not niemyet, the cold
        // figure (measured: 6-10 s of system time instead of 1-2).
        let name = format!("output-{}", std::process::id());
        let out = dir.join(&name);
        let prev = dir.join(format!(".{name}.niemyet-prev"));
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
        for done in [&out, &prev] {
            std::fs::remove_dir_all(done).ok();
        }
        println!(
            "{n:>7} | {:>9.2} | {:>9.2} | {rss:>12.0}",
            times[0], times[1]
        );
    }
    println!("(peak RSS is the maximum over every build run so far in this process)");
}
