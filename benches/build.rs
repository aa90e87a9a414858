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
        "{:>7} | {:>9} | {:>9} | {:>9} | {:>12}",
        "records", "cold (s)", "warm (s)", "edit (s)", "peak RSS MB"
    );
    for n in sizes {
        let dir = base.join(format!("n{n}"));
        let content = dir.join("content");
        if !content.join("thu-tuc").is_dir() {
            synth::generate(&content, n).expect("generate records");
        }
        // Cold: no parsed record or page kept from an earlier run (the print cache, if
        // the pdf feature is on, is kept as it always was), and a folder never built
        // into. A fresh name rather than deleting the last run's output: deleting 20,000
        // files just before the build makes the kernel, not niemyet, the cold figure.
        let cache = dir.join(".niemyet-cache");
        std::fs::remove_file(cache.join("ban-ghi.bin")).ok();
        std::fs::remove_dir_all(cache.join("trang")).ok();
        let name = format!("output-{}", std::process::id());
        let out = dir.join(&name);
        let prev = dir.join(format!(".{name}.niemyet-prev"));
        let run = || {
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
            start.elapsed().as_secs_f64()
        };
        let cold = run();
        // The second build fills the writer's second folder; from the third on, a
        // build reuses the folder of the build before last (see src/writer.rs), as
        // every rebuild of an officer's site does.
        run();
        let warm = run();
        // An officer's usual rebuild: one record changed.
        let record = synth::first_record(&content).expect("a record");
        let text = std::fs::read_to_string(&record).expect("read record");
        std::fs::write(
            &record,
            format!("{text}\nGhi chú sửa lúc {:?}.\n", Instant::now()),
        )
        .expect("edit record");
        let edit = run();
        std::fs::write(&record, text).expect("restore record");
        // RUSAGE_CHILDREN keeps the maximum over every child so far.
        let rss = peak_rss_children_kb() as f64 / 1024.0;
        for done in [&out, &prev] {
            std::fs::remove_dir_all(done).ok();
        }
        println!("{n:>7} | {cold:>9.2} | {warm:>9.2} | {edit:>9.2} | {rss:>12.0}");
    }
    println!("(peak RSS is the maximum over every build run so far in this process)");
}
