//! What each page of a build was rendered from, so the next build into the same folder
//! can leave a page alone instead of running its template again.
//!
//! A page's digest covers everything its bytes depend on: the theme's templates, the
//! template name, the page's address and its whole template context (the site view and
//! the page's own data, as JSON). Equal digest, equal bytes — as long as the file on
//! disk is still the one that build wrote, so each entry also holds the file's length
//! and modification time, and a page edited by hand is rendered again.
//!
//! A memo describes one output folder. The writer reuses folders (see `writer`): the
//! folder's marker file carries the id of its memo, `<cache>/trang/<id>.bin`. The id is
//! cleared from the marker before a build touches any file and written back only when
//! the build commits, so a build that failed half-way leaves a folder with no memo,
//! whose pages are all rendered again. Memos carry the [`super::stamp`]: pages written
//! by another niemyet executable are rendered again too.

use super::Digest32;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

const MAGIC: &[u8] = b"niemyet-pages-1\n";
const DIR: &str = "trang";

#[derive(Clone, Copy, PartialEq, Debug)]
struct Entry {
    digest: Digest32,
    len: u64,
    modified: u64,
}

#[derive(Default)]
pub struct PageMemo {
    previous: HashMap<String, Entry>,
    next: Mutex<Vec<(String, Entry)>>,
    reused: AtomicUsize,
}

impl PageMemo {
    /// The memo `id` in `cache_dir`; empty if it is missing, damaged or not this
    /// niemyet's.
    pub fn load(cache_dir: &Path, id: &str) -> PageMemo {
        let previous = std::fs::read(file(cache_dir, id))
            .ok()
            .zip(super::stamp())
            .and_then(|(bytes, stamp)| parse(&bytes, &stamp))
            .unwrap_or_default();
        PageMemo {
            previous,
            ..PageMemo::default()
        }
    }

    /// If the page at `rel` (file `path`) was rendered from `digest` and is still the
    /// file that build wrote, its length; the page is then kept for the next memo.
    pub fn unchanged(&self, rel: &str, digest: &Digest32, path: &Path) -> Option<u64> {
        let old = self.previous.get(rel).filter(|e| &e.digest == digest)?;
        let now = on_disk(path, *digest)?;
        (now == *old).then(|| {
            self.reused.fetch_add(1, Ordering::Relaxed);
            self.keep(rel, now);
            now.len
        })
    }

    /// Note a page just written (or confirmed unchanged byte for byte).
    pub fn wrote(&self, rel: &str, digest: Digest32, path: &Path) {
        if let Some(e) = on_disk(path, digest) {
            self.keep(rel, e);
        }
    }

    fn keep(&self, rel: &str, e: Entry) {
        self.next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_owned(), e));
    }

    /// Pages left as they were.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Write this build's memo as `id`; on failure the next build renders every page.
    pub fn save(self, cache_dir: &Path, id: &str) -> bool {
        let Some(stamp) = super::stamp() else {
            return false;
        };
        let mut next = self.next.into_inner().unwrap_or_else(|e| e.into_inner());
        next.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::with_capacity(next.len() * 120);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&stamp);
        for (rel, e) in &next {
            let Ok(n) = u16::try_from(rel.len()) else {
                continue;
            };
            out.extend_from_slice(&e.digest);
            out.extend_from_slice(&e.len.to_le_bytes());
            out.extend_from_slice(&e.modified.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(rel.as_bytes());
        }
        let path = file(cache_dir, id);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let ok = path
            .parent()
            .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
            && std::fs::write(&tmp, &out).is_ok()
            && std::fs::rename(&tmp, &path).is_ok();
        if !ok {
            let _ = std::fs::remove_file(&tmp);
        }
        ok
    }
}

/// A fresh memo id: unique per build (time and process), safe as a file name.
pub fn new_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}-{:x}", std::process::id())
}

/// Delete every memo but `keep` (the memos of folders that no longer exist).
pub fn forget_others(cache_dir: &Path, keep: &[&str]) {
    let Ok(entries) = std::fs::read_dir(cache_dir.join(DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name.strip_suffix(".bin").unwrap_or(&name);
        if !keep.contains(&id) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn file(cache_dir: &Path, id: &str) -> PathBuf {
    cache_dir.join(DIR).join(format!("{id}.bin"))
}

fn on_disk(path: &Path, digest: Digest32) -> Option<Entry> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(Entry {
        digest,
        len: meta.len(),
        modified: u64::try_from(modified.as_nanos()).ok()?,
    })
}

fn parse(bytes: &[u8], stamp: &Digest32) -> Option<HashMap<String, Entry>> {
    let rest = bytes.strip_prefix(MAGIC)?.strip_prefix(stamp.as_slice())?;
    let mut at = bytes.len() - rest.len();
    let mut map = HashMap::new();
    let u64_at = |i: usize| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(i..i + 8)?.try_into().ok()?))
    };
    while at < bytes.len() {
        let digest: Digest32 = bytes.get(at..at + 32)?.try_into().ok()?;
        let len = u64_at(at + 32)?;
        let modified = u64_at(at + 40)?;
        let n = u16::from_le_bytes(bytes.get(at + 48..at + 50)?.try_into().ok()?) as usize;
        let rel = std::str::from_utf8(bytes.get(at + 50..at + 50 + n)?).ok()?;
        map.insert(
            rel.to_owned(),
            Entry {
                digest,
                len,
                modified,
            },
        );
        at += 50 + n;
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_reused_only_while_digest_and_file_are_unchanged() {
        let cache = tempfile::tempdir().expect("tempdir");
        let site = tempfile::tempdir().expect("tempdir");
        let (a, b) = (site.path().join("a.html"), site.path().join("b.html"));
        std::fs::write(&a, "<p>a</p>").expect("write");
        std::fs::write(&b, "<p>b</p>").expect("write");
        let memo = PageMemo::default();
        memo.wrote("a.html", [1; 32], &a);
        memo.wrote("b.html", [2; 32], &b);
        assert!(memo.save(cache.path(), "x"));

        let memo = PageMemo::load(cache.path(), "x");
        assert_eq!(memo.unchanged("a.html", &[1; 32], &a), Some(8));
        assert_eq!(memo.unchanged("a.html", &[9; 32], &a), None, "new inputs");
        // Edited by hand: a different length.
        std::fs::write(&b, "<p>bb</p>").expect("write");
        assert_eq!(memo.unchanged("b.html", &[2; 32], &b), None, "edited file");
        assert_eq!(memo.unchanged("c.html", &[1; 32], &a), None, "unknown page");
        assert_eq!(memo.reused(), 1);
        assert!(PageMemo::load(cache.path(), "other").previous.is_empty());
    }

    #[test]
    fn forgetting_keeps_the_named_memos() {
        let cache = tempfile::tempdir().expect("tempdir");
        for id in ["a", "b", "c"] {
            assert!(PageMemo::default().save(cache.path(), id));
        }
        forget_others(cache.path(), &["a", "c"]);
        let mut left: Vec<String> = std::fs::read_dir(cache.path().join(DIR))
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["a.bin", "c.bin"]);
    }
}
