//! Writer: builds into a staging folder beside the destination, then swaps it in.
//!
//! A failed or interrupted build never leaves a half-written site: until `commit`,
//! the previous output is untouched. A marker file guards against replacing a folder
//! niemyet did not create (`--output ~` by mistake).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

const MARKER: &str = ".niemyet-output";

pub struct Staging {
    dest: PathBuf,
    dir: PathBuf,
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
        if dir.exists() {
            std::fs::remove_dir_all(&dir).ok();
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("không tạo được {}", dir.display()))?;
        std::fs::write(dir.join(MARKER), b"niemyet\n")?;
        Ok(Staging {
            dest: dest.to_path_buf(),
            dir,
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Swap the staging folder in place of the destination.
    pub fn commit(mut self) -> Result<()> {
        let old = self.dir.with_file_name(format!(
            "{}.old",
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        if self.dest.exists() {
            std::fs::rename(&self.dest, &old)
                .with_context(|| format!("không đổi tên được {}", self.dest.display()))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.dest) {
            // Put the previous output back before reporting.
            if old.exists() {
                std::fs::rename(&old, &self.dest).ok();
            }
            return Err(e).with_context(|| format!("không ghi được {}", self.dest.display()));
        }
        self.committed = true;
        if old.exists() {
            std::fs::remove_dir_all(&old).ok();
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            std::fs::remove_dir_all(&self.dir).ok();
        }
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
    fn failed_build_keeps_previous_output() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dest = tmp.path().join("out");
        let s = Staging::new(&dest).expect("stage");
        std::fs::write(s.path().join("a.html"), "1").expect("write");
        s.commit().expect("commit");
        let s = Staging::new(&dest).expect("stage again");
        std::fs::write(s.path().join("a.html"), "2").expect("write");
        drop(s); // a build that failed
        assert_eq!(
            std::fs::read_to_string(dest.join("a.html")).expect("read"),
            "1"
        );
        let leftovers = std::fs::read_dir(tmp.path()).expect("ls").count();
        assert_eq!(leftovers, 1, "staging folder removed");
    }

    #[test]
    fn refuses_foreign_folder() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("thesis.docx"), "x").expect("write");
        assert!(Staging::new(tmp.path()).is_err());
    }
}
