//! Writer: builds into a staging folder beside the destination, then swaps it in.
//!
//! A failed or interrupted build never leaves a half-written site: until `commit`,
//! the previous output is untouched. A marker file guards against replacing a folder
//! niemyet did not create (`--output ~` by mistake).
//!
//! The folder swapped out is kept as `.<name>.niemyet-prev` and becomes the next build's
//! staging folder: files are rewritten in place (only when their bytes differ) and files
//! no longer produced are pruned. Creating and deleting 20,000 inodes per build was most
//! of a 10,000-record build's time; reusing them costs one read per unchanged file.
//! The price is a second copy of the site on disk, which is safe to delete.
//!
//! A folder keeps its identity through these renames (`Staging::folder_id`): the page
//! memo of the build that filled it (`crate::cache::pages`) is filed under it.
//!
//! The swap itself, and what a killed build leaves behind, are `swap`'s.

mod swap;

pub use swap::{crash_point, is_dead, pid_after};

use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const MARKER: &str = ".niemyet-output";

pub struct Staging {
    dest: PathBuf,
    dir: PathBuf,
    prev: PathBuf,
    reused: bool,
    committed: bool,
}

impl Staging {
    pub fn new(dest: &Path) -> Result<Staging> {
        if dest.exists() && !is_replaceable(dest)? {
            anyhow::bail!(
                "{} đã có và không phải thư mục do niemyet tạo; chọn --output khác hoặc xóa/đổi tên thư mục này",
                dest.display()
            );
        }
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("không tạo được {}", parent.display()))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let prev = parent.join(format!(".{name}.niemyet-prev"));
        swap::recover(dest, &prev);
        sweep_dead(&parent, &name, &prev);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).ok();
        }
        // Renaming is atomic: of two builds racing for the previous folder, one gets it
        // and the other starts from an empty folder.
        let reused = prev.join(MARKER).is_file() && std::fs::rename(&prev, &dir).is_ok();
        if !reused {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("không tạo được {}", dir.display()))?;
            std::fs::write(dir.join(MARKER), b"niemyet\n")?;
        }
        Ok(Staging {
            dest: dest.to_path_buf(),
            dir,
            prev,
            reused,
            committed: false,
        })
    }

    /// Names the staging folder for as long as it exists, through every rename (device
    /// and inode numbers); `None` where the system does not say.
    pub fn folder_id(&self) -> Option<String> {
        folder_id(&self.dir)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Whether the staging folder holds an earlier build (so writers should compare
    /// before writing).
    pub fn reused(&self) -> bool {
        self.reused
    }

    /// Remove what this build did not write, then swap the staging folder in place of
    /// the destination. `written` holds the absolute paths of every file written.
    pub fn commit(mut self, written: &HashSet<PathBuf>) -> Result<()> {
        if self.reused {
            prune(&self.dir, written)?;
        }
        if self.prev.exists() {
            std::fs::remove_dir_all(&self.prev).ok();
        }
        crash_point("truoc-khi-doi");
        swap::swap_in(&self.dir, &self.dest, &self.prev)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // A failed build's folder is still a good start for the next one.
        if self.prev.exists() || std::fs::rename(&self.dir, &self.prev).is_err() {
            std::fs::remove_dir_all(&self.dir).ok();
        }
    }
}

/// Staging folders of builds whose process is gone (killed, crashed): the newest becomes
/// the next build's folder when there is none, the rest are removed.
fn sweep_dead(parent: &Path, name: &str, prev: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.staging-");
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let dead = file
            .strip_prefix(&prefix)
            .and_then(|pid| pid.parse().ok())
            .is_some_and(is_dead);
        if !dead {
            continue;
        }
        let path = entry.path();
        let reusable = !prev.exists() && path.join(MARKER).is_file();
        if !reusable || std::fs::rename(&path, prev).is_err() {
            std::fs::remove_dir_all(&path).ok();
        }
    }
}

/// Delete files under `dir` that are not in `keep` (besides the marker), then the
/// folders left empty. Returns the files removed, relative to `dir`.
///
/// A 10,000-procedure site is 10,000 folders: they are listed a level at a time, in
/// parallel, and only folders left without files are tried for removal.
pub fn prune(dir: &Path, keep: &HashSet<PathBuf>) -> Result<Vec<String>> {
    prune_where(dir, keep, |_| true)
}

/// [`prune`] limited to the files whose site-relative path (`/`-separated) `in_scope`
/// accepts: a render of part of a folder removes only what that part no longer makes.
pub fn prune_where(
    dir: &Path,
    keep: &HashSet<PathBuf>,
    in_scope: impl Fn(&str) -> bool + Sync,
) -> Result<Vec<String>> {
    use rayon::prelude::*;
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut level = vec![dir.to_path_buf()];
    while !level.is_empty() {
        let listed: Vec<(Vec<PathBuf>, Vec<PathBuf>)> =
            level.par_iter().map(|d| list(d)).collect::<Result<_>>()?;
        level = Vec::new();
        for (sub, fs) in listed {
            level.extend(sub);
            files.extend(fs);
        }
        dirs.extend(level.iter().cloned());
    }
    let rel = |p: &Path| {
        p.strip_prefix(dir)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    };
    let (gone, kept): (Vec<&PathBuf>, Vec<&PathBuf>) = files.iter().partition(|p| {
        !keep.contains(*p) && p.file_name().is_none_or(|n| n != MARKER) && in_scope(&rel(p))
    });
    gone.par_iter().try_for_each(|p| {
        std::fs::remove_file(p).with_context(|| format!("không xóa được {}", p.display()))
    })?;
    let mut removed: Vec<String> = gone
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .collect();
    removed.sort();
    // A folder still holding a file stays; any other may now be empty. Deepest first,
    // so a folder emptied of sub-folders goes too.
    let holding: HashSet<&Path> = kept.iter().filter_map(|f| f.parent()).collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs.iter().filter(|d| !holding.contains(d.as_path())) {
        // Fails (and is meant to) when the folder still holds sub-folders.
        std::fs::remove_dir(d).ok();
    }
    Ok(removed)
}

/// [`prune_where`] when what `dir` holds is known (`before`, absolute paths): removes
/// what `before` has and `keep` has not, where `in_scope`, and the folders that leaves
/// empty, without listing any folder. Returns the files removed, relative to `dir`.
pub fn prune_known(
    dir: &Path,
    before: &HashSet<PathBuf>,
    keep: &HashSet<PathBuf>,
    in_scope: impl Fn(&Path) -> bool,
) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for p in before.iter().filter(|p| !keep.contains(*p) && in_scope(p)) {
        match std::fs::remove_file(p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("không xóa được {}", p.display())),
        }
        if let Ok(rel) = p.strip_prefix(dir) {
            removed.push(rel.to_string_lossy().replace('\\', "/"));
        }
        // Up to `dir`, each folder left empty goes (removing a non-empty one fails).
        let mut folder = p.parent();
        while let Some(f) = folder.filter(|f| f.starts_with(dir) && *f != dir) {
            if std::fs::remove_dir(f).is_err() {
                break;
            }
            folder = f.parent();
        }
    }
    removed.sort();
    Ok(removed)
}

/// The sub-folders and other entries of one folder.
fn list(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut dirs, mut files) = (Vec::new(), Vec::new());
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("không đọc được {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("không đọc được {}", dir.display()))?;
        let is_dir = entry
            .file_type()
            .with_context(|| format!("không đọc được {}", entry.path().display()))?
            .is_dir();
        if is_dir {
            dirs.push(entry.path());
        } else {
            files.push(entry.path());
        }
    }
    Ok((dirs, files))
}

/// See [`Staging::folder_id`].
pub fn folder_id(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(dir).ok()?;
        Some(format!("{:x}-{:x}", m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// An existing destination may be replaced if niemyet made it, or it is empty.
fn is_replaceable(dest: &Path) -> Result<bool> {
    if !dest.is_dir() {
        return Ok(false);
    }
    if dest.join(MARKER).is_file() {
        return Ok(true);
    }
    let mut entries =
        std::fs::read_dir(dest).with_context(|| format!("không đọc được {}", dest.display()))?;
    Ok(entries.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_known_removes_what_is_no_longer_made_and_empty_folders() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let files = ["a/x/index.html", "a/y/index.html", "du-lieu/z.json"];
        let before: HashSet<PathBuf> = files.iter().map(|f| dir.join(f)).collect();
        for p in &before {
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "x").expect("write");
        }
        let keep: HashSet<PathBuf> = [dir.join("a/x/index.html")].into();
        let pages = |p: &Path| !p.starts_with(dir.join("du-lieu"));
        let removed = prune_known(dir, &before, &keep, pages).expect("prune");
        assert_eq!(removed, ["a/y/index.html"]);
        assert!(!dir.join("a/y").exists(), "emptied folder removed");
        assert!(dir.join("a/x/index.html").exists());
        assert!(dir.join("du-lieu/z.json").exists(), "out of scope");
    }

    #[test]
    fn failed_build_keeps_previous_output() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dest = tmp.path().join("out");
        let s = Staging::new(&dest).expect("stage");
        std::fs::write(s.path().join("a.html"), "1").expect("write");
        let written = HashSet::from([s.path().join("a.html")]);
        s.commit(&written).expect("commit");
        let s = Staging::new(&dest).expect("stage again");
        std::fs::write(s.path().join("a.html"), "2").expect("write");
        drop(s); // a build that failed
        assert_eq!(
            std::fs::read_to_string(dest.join("a.html")).expect("read"),
            "1"
        );
        let mut left: Vec<String> = std::fs::read_dir(tmp.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".out.niemyet-prev", "out"],
            "staging folder kept for reuse only"
        );
    }

    #[test]
    fn reused_folder_is_pruned_to_what_was_written() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dest = tmp.path().join("out");
        for (round, files) in [
            ["a/x.html", "b/y.html"],
            ["a/x.html", "c/z.html"],
            ["a/x.html", "a/w.html"],
        ]
        .iter()
        .enumerate()
        {
            let s = Staging::new(&dest).expect("stage");
            assert_eq!(s.reused(), round == 2, "round {round}");
            let mut written = HashSet::new();
            for f in files {
                let p = s.path().join(f);
                std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
                std::fs::write(&p, f).expect("write");
                written.insert(p);
            }
            s.commit(&written).expect("commit");
            let mut found: Vec<String> = walkdir::WalkDir::new(&dest)
                .into_iter()
                .map(|e| e.expect("walk"))
                .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
                .map(|e| {
                    e.path()
                        .strip_prefix(&dest)
                        .expect("rel")
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            found.sort();
            let mut want: Vec<String> = files.iter().map(|f| f.to_string()).collect();
            want.sort();
            assert_eq!(found, want, "round {round}");
            assert!(
                !dest.join("b").exists() || round == 0,
                "empty folders pruned"
            );
        }
    }

    #[test]
    fn refuses_foreign_folder() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("thesis.docx"), "x").expect("write");
        assert!(Staging::new(tmp.path()).is_err());
    }
}
