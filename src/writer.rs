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
//! The marker may also name the page memo of the build that filled the folder
//! (`crate::cache::pages`). The name is cleared before a build writes into a reused
//! folder and set again only by `commit`, so a folder left by a failed build names none.

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
    memo: Option<String>,
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
        if dir.exists() {
            std::fs::remove_dir_all(&dir).ok();
        }
        // Renaming is atomic: of two builds racing for the previous folder, one gets it
        // and the other starts from an empty folder.
        let reused = prev.join(MARKER).is_file() && std::fs::rename(&prev, &dir).is_ok();
        let memo = reused.then(|| memo_id(&dir)).flatten();
        if !reused {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("không tạo được {}", dir.display()))?;
        }
        write_marker(&dir, None)?;
        Ok(Staging {
            dest: dest.to_path_buf(),
            dir,
            prev,
            reused,
            committed: false,
            memo,
        })
    }

    /// The page memo of the build that filled the reused folder, if it committed.
    pub fn memo(&self) -> Option<&str> {
        self.memo.as_deref()
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
    /// the destination. `written` holds the absolute paths of every file written;
    /// `memo` names the page memo describing them, if one was saved.
    pub fn commit(mut self, written: &HashSet<PathBuf>, memo: Option<&str>) -> Result<()> {
        if self.reused {
            prune(&self.dir, written)?;
        }
        write_marker(&self.dir, memo)?;
        if self.prev.exists() {
            std::fs::remove_dir_all(&self.prev).ok();
        }
        let had_dest = self.dest.exists();
        if had_dest {
            std::fs::rename(&self.dest, &self.prev)
                .with_context(|| format!("không đổi tên được {}", self.dest.display()))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.dest) {
            // Put the previous output back before reporting.
            if had_dest {
                std::fs::rename(&self.prev, &self.dest).ok();
            }
            return Err(e).with_context(|| format!("không ghi được {}", self.dest.display()));
        }
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

/// Delete files under `dir` that are not in `keep` (besides the marker), then the
/// folders left empty. Returns the files removed, relative to `dir`.
pub fn prune(dir: &Path, keep: &HashSet<PathBuf>) -> Result<Vec<String>> {
    let mut dirs = Vec::new();
    let mut removed = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.with_context(|| format!("không đọc được {}", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_dir() {
            dirs.push(path.to_path_buf());
        } else if !keep.contains(path) && entry.file_name() != MARKER {
            std::fs::remove_file(path)
                .with_context(|| format!("không xóa được {}", path.display()))?;
            if let Ok(rel) = path.strip_prefix(dir) {
                removed.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    // Deepest first, so a folder emptied of sub-folders goes too.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        // Fails (and is meant to) when the folder still holds files.
        std::fs::remove_dir(&d).ok();
    }
    Ok(removed)
}

/// The page memo a niemyet output folder names, if any.
pub fn memo_id(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("trang "))
        .map(str::to_owned)
}

fn write_marker(dir: &Path, memo: Option<&str>) -> Result<()> {
    let text = match memo {
        Some(id) => format!("niemyet\ntrang {id}\n"),
        None => "niemyet\n".to_owned(),
    };
    std::fs::write(dir.join(MARKER), text)
        .with_context(|| format!("không ghi được {}", dir.display()))
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
    fn failed_build_keeps_previous_output() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dest = tmp.path().join("out");
        let s = Staging::new(&dest).expect("stage");
        std::fs::write(s.path().join("a.html"), "1").expect("write");
        let written = HashSet::from([s.path().join("a.html")]);
        s.commit(&written, None).expect("commit");
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
            s.commit(&written, None).expect("commit");
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
