//! Builds killed at any instant (SIGKILL at random times, and stopped dead at the
//! instants around the swap): the output folder is always the old build or the new one,
//! never missing or mixed, and the next build clears everything the killed ones left.

use crate::util::{bin, build, content_tree, tree, FULL_RECORD};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What killed builds may leave beside the output and in the cache, with its size.
fn leftovers(root: &Path) -> Vec<(PathBuf, u64)> {
    let temp = |name: &str| {
        name.rsplit_once(".tmp")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
    };
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.contains(".staging-") || temp(&name) || name.ends_with(".niemyet-swap")
        })
        .map(|e| {
            let size = walkdir::WalkDir::new(e.path())
                .into_iter()
                .flatten()
                .filter_map(|f| f.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum();
            (e.path().to_path_buf(), size)
        })
        .collect()
}

fn start_build(content: &Path, out: &Path, crash_at: Option<&str>) -> std::process::Child {
    let mut cmd = Command::new(bin());
    cmd.args(["build", "--quiet", "--content"])
        .arg(content)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(point) = crash_at {
        cmd.env("NIEMYET_CRASH_AT", point);
    }
    cmd.spawn().expect("start niemyet build")
}

/// A small xorshift: kill times that differ from run to run, replayable from the seed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn killed_builds_leave_the_old_or_the_new_site_and_nothing_behind() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let record_b = FULL_RECORD.replace("Làm giấy khai sinh cho con", "Khai sinh cho bé");
    let content = content_tree(tmp.path(), &[("a.md", FULL_RECORD)]);
    let record = content.join("thu-tuc/a.md");
    let out = tmp.path().join("out");

    // The two sites a killed build may leave, and how long a build takes.
    build(&content, &out);
    let site_a = tree(&out);
    std::fs::write(&record, &record_b).expect("edit");
    let started = Instant::now();
    build(&content, &out);
    let took = started.elapsed();
    let site_b = tree(&out);
    assert_ne!(site_a, site_b);

    let seed = std::env::var("NIEMYET_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(7, |d| d.as_nanos() as u64 | 1)
        });
    eprintln!("kill test seed {seed} (NIEMYET_SEED={seed} replays it)");
    let mut rng = Rng(seed);
    let points = ["truoc-khi-doi", "sau-khi-doi"];
    let (mut tried, mut survived) = (0, 0);
    for round in 0..16 {
        // Each round builds the other site, so swaps go both ways.
        let text = if round % 2 == 0 {
            FULL_RECORD
        } else {
            &record_b
        };
        std::fs::write(&record, text).expect("edit");
        let crash_at = points.get(round % 8).copied();
        let mut child = start_build(&content, &out, crash_at);
        if crash_at.is_none() {
            let ms = rng.below(took.as_millis() as u64 + 20);
            std::thread::sleep(Duration::from_millis(ms));
            child.kill().ok();
        }
        child.wait().expect("wait");
        tried += 1;
        let now = tree(&out);
        assert!(
            now == site_a || now == site_b,
            "round {round} (seed {seed}, crash at {crash_at:?}): the output is neither site"
        );
        survived += 1;
    }
    eprintln!("kills survived: {survived}/{tried}");

    // The next build finishes the job and clears what the killed ones left.
    std::fs::write(&record, &record_b).expect("edit");
    build(&content, &out);
    assert_eq!(tree(&out), site_b);
    let left = leftovers(tmp.path());
    let bytes: u64 = left.iter().map(|(_, n)| n).sum();
    eprintln!("left after the kills: {bytes} bytes");
    assert!(left.is_empty(), "left behind: {left:?}");
}
