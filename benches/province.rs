//! Province benchmark: a synthetic catalogue of C records and O offices posting P each
//! (overlapping windows of the catalogue; one record posted by every office), built as
//! one province tree. Reports cold, warm (nothing changed) and edit (one catalogue
//! record every office posts) times and peak RSS; numbers are reported, never asserted.
//!
//! `cargo bench --bench province --no-default-features` (web only; defaults 100 offices
//! × 300 of 2,000), or `-- OFFICES PER CATALOGUE`, e.g. `-- 20 300 2000`. With the
//! default `pdf` feature every poster and guide sheet is laid out too.

#[path = "measure.rs"]
mod measure;
#[path = "synth.rs"]
mod synth;

use measure::{peak_rss_children_kb, summary};

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 3;

/// The province tree: the synthetic catalogue under `danh-muc/`, `offices` folders.
fn generate(root: &Path, offices: usize, per: usize, catalogue: usize) -> std::io::Result<()> {
    let tmp = root.join("tao");
    synth::generate(&tmp, catalogue)?;
    let content = root.join("content");
    std::fs::create_dir_all(content.join("danh-muc"))?;
    std::fs::rename(tmp.join("thu-tuc"), content.join("danh-muc/thu-tuc"))?;
    let site = std::fs::read_to_string(tmp.join("site.yaml"))?;
    std::fs::write(content.join("tinh.yaml"), "ten: Tỉnh Thử nghiệm\n")?;
    for k in 0..offices {
        let dir = content.join("don-vi").join(format!("xa-{k:03}"));
        std::fs::create_dir_all(&dir)?;
        let own = site
            .replace(
                "Ủy ban nhân dân tỉnh Thử nghiệm",
                &format!("Ủy ban nhân dân xã Thử {k}"),
            )
            .replace(
                "https://niemyet.example.vn/",
                &format!("https://niemyet.example.vn/xa-{k:03}/"),
            );
        std::fs::write(dir.join("site.yaml"), own)?;
        // A window of the catalogue, shifted per office, and record 0 everywhere.
        let start = (k * 97) % catalogue;
        let mut chon = String::from("ma:\n  - \"1.000000\"\n");
        for j in 0..per.saturating_sub(1) {
            let i = 1 + (start + j) % (catalogue - 1);
            let _ = writeln!(chon, "  - \"1.{i:06}\"");
        }
        std::fs::write(dir.join("chon.yaml"), chon)?;
    }
    std::fs::remove_dir_all(tmp)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let offices = args.first().copied().unwrap_or(100);
    let per = args.get(1).copied().unwrap_or(300);
    let catalogue = args.get(2).copied().unwrap_or(2_000);
    let bin = env!("CARGO_BIN_EXE_niemyet");
    let base = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("bench")
        .join(format!("tinh-{offices}x{per}-of-{catalogue}"));
    let content = base.join("content");
    if !content.join("don-vi").is_dir() {
        std::fs::remove_dir_all(&base).ok();
        generate(&base, offices, per, catalogue).expect("generate the province");
    }
    // A folder never built into (deleting 78,000 files just before a build would make
    // the kernel, not niemyet, the cold figure); removed at the end.
    let out = base.join(format!("output-{}", std::process::id()));
    let build = || {
        let start = Instant::now();
        let o = Command::new(bin)
            .args(["build", "--quiet", "--content"])
            .arg(&content)
            .arg("--output")
            .arg(&out)
            .output()
            .expect("run niemyet");
        assert!(
            o.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        start.elapsed().as_secs_f64()
    };
    // Cold: no cache, no output, no previous folder.
    std::fs::remove_dir_all(base.join(".niemyet-cache")).ok();
    let cold = build();
    build(); // fills the writer's second folder
    let warm = summary((0..RUNS).map(|_| build()).collect());
    let record = synth::first_record(&content.join("danh-muc")).expect("record 0");
    let text = std::fs::read_to_string(&record).expect("read");
    let edit = summary(
        (0..RUNS)
            .map(|i| {
                std::fs::write(&record, format!("{text}\nGhi chú sửa lần {i}.\n")).expect("edit");
                build()
            })
            .collect(),
    );
    std::fs::write(&record, text).expect("restore");
    let rss = peak_rss_children_kb() as f64 / 1024.0;
    let pages = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    let name = out
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    std::fs::remove_dir_all(&out).ok();
    std::fs::remove_dir_all(base.join(format!(".{name}.niemyet-prev"))).ok();
    println!(
        "{offices} offices × {per} of {catalogue} ({}): {pages} files; cold {cold:.2} s; warm {warm} s; \
         edit reaching every office {edit} s; peak RSS {rss:.0} MB",
        if cfg!(feature = "pdf") { "web and print" } else { "web only" }
    );
    println!(
        "cold: {:.1} ms a file, {:.1} ms a procedure page",
        cold * 1000.0 / pages as f64,
        cold * 1000.0 / (offices * per) as f64
    );
}
