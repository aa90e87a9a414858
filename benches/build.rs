//! Full-build benchmark: N synthetic records → site, wall time and peak RSS.
//!
//! `cargo bench --bench build` (defaults to N = 1,000 and 10,000), or
//! `cargo bench --bench build -- 500 2000`. Numbers are reported, never asserted.
//! Each figure is the median of several builds, with their range: on a busy two-core
//! machine one build can be a quarter off (a cold one, more).

#[path = "measure.rs"]
mod measure;
#[path = "synth.rs"]
mod synth;

use measure::{peak_rss_children_kb, summary};

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// Builds timed for each of the warm and edit figures, and for the cold one.
const RUNS: usize = 5;
const COLD_RUNS: usize = 3;

/// Drop what `niemyet build` keeps between builds (parsed records, per-procedure
/// pieces, page memos), but not the print cache, which a site keeps for good.
fn forget_build_work(cache: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "trang" {
            std::fs::remove_dir_all(e.path()).ok();
        } else if name == "ban-ghi.bin" || name.starts_with("manh-") {
            std::fs::remove_file(e.path()).ok();
        }
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
        "{:>7} | {:>19} | {:>19} | {:>19} | {:>12}",
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
        // into. Fresh names rather than deleting the last run's output (deleting 20,000
        // files just before a build makes the kernel, not niemyet, the cold figure);
        // every folder is removed at the end. Warm and edit builds go to the last one.
        let cache = dir.join(".niemyet-cache");
        let folders: Vec<PathBuf> = (0..COLD_RUNS)
            .map(|i| dir.join(format!("output-{}-{i}", std::process::id())))
            .collect();
        let build_into = |out: &PathBuf| {
            let start = Instant::now();
            let status = Command::new(bin)
                .args(["build", "--quiet", "--content"])
                .arg(&content)
                .arg("--output")
                .arg(out)
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run niemyet");
            assert!(status.success(), "build failed");
            start.elapsed().as_secs_f64()
        };
        let cold = summary(
            folders
                .iter()
                .map(|out| {
                    forget_build_work(&cache);
                    build_into(out)
                })
                .collect(),
        );
        let out = folders.last().expect("a folder");
        let run = || build_into(out);
        // The second build fills the writer's second folder; from the third on, a
        // build reuses the folder of the build before last (see src/writer.rs), as
        // every rebuild of an officer's site does.
        run();
        let warm = summary((0..RUNS).map(|_| run()).collect());
        // An officer's usual rebuild: one record changed (a different edit each time).
        let record = synth::first_record(&content).expect("a record");
        let text = std::fs::read_to_string(&record).expect("read record");
        let edit = summary(
            (0..RUNS)
                .map(|i| {
                    std::fs::write(&record, format!("{text}\nGhi chú sửa lần {i}.\n"))
                        .expect("edit record");
                    run()
                })
                .collect(),
        );
        std::fs::write(&record, text).expect("restore record");
        // RUSAGE_CHILDREN keeps the maximum over every child so far.
        let rss = peak_rss_children_kb() as f64 / 1024.0;
        for out in &folders {
            let name = out.file_name().expect("name").to_string_lossy();
            std::fs::remove_dir_all(out).ok();
            std::fs::remove_dir_all(dir.join(format!(".{name}.niemyet-prev"))).ok();
        }
        println!("{n:>7} | {cold:>19} | {warm:>19} | {edit:>19} | {rss:>12.0}");
    }
    println!("(peak RSS is the maximum over every build run so far in this process)");
}
