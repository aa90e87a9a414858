//! Putting a finished build in place, so that at every instant the destination holds
//! either the old build or the new one, whatever kills the process; and clearing what
//! killed builds left behind.
//!
//! On Linux the staging folder and the destination are exchanged in one system call
//! (`renameat2` with `RENAME_EXCHANGE`). Elsewhere, or on a file system without it, two
//! renames do it (destination aside, staging in): a journal file beside them says a swap
//! is under way, and the next build that finds the journal and no destination puts the
//! old build back.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Put `staging` at `dest`; the previous `dest` (if any) ends up at `prev`.
pub fn swap_in(staging: &Path, dest: &Path, prev: &Path) -> Result<()> {
    if !dest.exists() {
        return std::fs::rename(staging, dest)
            .with_context(|| format!("không ghi được {}", dest.display()));
    }
    if exchange(staging, dest).is_ok() {
        crash_point("sau-khi-doi");
        // `staging` now holds the old build: it becomes the next build's folder. Left
        // here by a kill, the next build finds it as a dead build's staging folder.
        if std::fs::rename(staging, prev).is_err() {
            std::fs::remove_dir_all(staging).ok();
        }
        return Ok(());
    }
    let journal = journal(dest);
    std::fs::write(&journal, b"niemyet\n")
        .with_context(|| format!("không ghi được {}", journal.display()))?;
    std::fs::rename(dest, prev)
        .with_context(|| format!("không đổi tên được {}", dest.display()))?;
    crash_point("giua-hai-lan-doi-ten");
    if let Err(e) = std::fs::rename(staging, dest) {
        // Put the previous output back before reporting.
        std::fs::rename(prev, dest).ok();
        std::fs::remove_file(&journal).ok();
        return Err(e).with_context(|| format!("không ghi được {}", dest.display()));
    }
    std::fs::remove_file(&journal).ok();
    Ok(())
}

/// Finish what a killed build left half done: a swap cut between its two renames puts the
/// old build back at `dest`.
pub fn recover(dest: &Path, prev: &Path) {
    let journal = journal(dest);
    if !journal.exists() {
        return;
    }
    if !dest.exists() && prev.is_dir() {
        std::fs::rename(prev, dest).ok();
    }
    std::fs::remove_file(&journal).ok();
}

fn journal(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    dest.with_file_name(format!(".{name}.niemyet-swap"))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Whether process `pid` is gone. Where the system cannot say, it is taken to be alive,
/// and what it left stays.
pub fn is_dead(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        false
    }
}

/// The process id in a name ending `<tail><pid>`, e.g. `.output.staging-1234`.
pub fn pid_after(name: &str, tail: &str) -> Option<u32> {
    let (_, pid) = name.rsplit_once(tail)?;
    pid.parse().ok()
}

/// Test builds of niemyet stop dead at a named point when `NIEMYET_CRASH_AT` names it, as
/// a kill there would: how the kill tests reach the instants between two renames.
/// Release builds have no such points.
pub fn crash_point(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("NIEMYET_CRASH_AT").is_ok_and(|at| at == name) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_keeps_old_aside_and_recover_puts_it_back() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (dest, staging, prev) = (
            tmp.path().join("out"),
            tmp.path().join(".out.staging-1"),
            tmp.path().join(".out.niemyet-prev"),
        );
        std::fs::create_dir_all(&dest).expect("mkdir");
        std::fs::write(dest.join("a"), "old").expect("write");
        std::fs::create_dir_all(&staging).expect("mkdir");
        std::fs::write(staging.join("a"), "new").expect("write");
        swap_in(&staging, &dest, &prev).expect("swap");
        assert_eq!(
            std::fs::read_to_string(dest.join("a")).ok().as_deref(),
            Some("new")
        );
        assert_eq!(
            std::fs::read_to_string(prev.join("a")).ok().as_deref(),
            Some("old")
        );
        assert!(!staging.exists());

        // A swap cut between its two renames: no destination, a journal.
        std::fs::rename(&dest, tmp.path().join("elsewhere")).expect("mv");
        std::fs::write(journal(&dest), "niemyet\n").expect("journal");
        recover(&dest, &prev);
        assert_eq!(
            std::fs::read_to_string(dest.join("a")).ok().as_deref(),
            Some("old")
        );
        assert!(!journal(&dest).exists());
    }

    #[test]
    fn pids_in_names() {
        assert_eq!(pid_after(".output.staging-1234", ".staging-"), Some(1234));
        assert_eq!(pid_after("ban-ghi.tmp99", ".tmp"), Some(99));
        assert_eq!(pid_after("ban-ghi.bin", ".tmp"), None);
        assert!(!is_dead(std::process::id()));
    }
}
