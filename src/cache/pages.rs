//! What each page of a build was rendered from, so the next build into the same folder
//! can leave a page alone instead of running its template again.
//!
//! A page's digest covers everything its bytes depend on: the theme's templates, the
//! template name, the page's address and its template context (the site view and the
//! page's own data as JSON; for a procedure page, what its view is made from: the
//! entry's identity, the site config and the view's surroundings). Equal digest, equal bytes — as long as the file on
//! disk is still the one that build wrote, so each entry also holds the file's length
//! and modification time, and a page edited by hand is rendered again.
//!
//! A memo describes one output folder. The writer reuses folders (see `writer`), which
//! keep their identity through renames: the memo is `<cache>/trang/<folder id>.bin`.
//! A build takes (reads and deletes) the memo before it touches any file and saves a
//! new one only when it has written every file, so a build that failed half-way leaves
//! a folder with no memo, whose pages are all rendered again. Memos carry the
//! [`super::stamp`]: pages written by another niemyet executable are rendered again too.
//!
//! A memo may also say what the whole build was made from (a digest of its inputs) and
//! keep the build's report beside it, as bytes this module does not read: a build whose
//! inputs are the same finds the folder already made ([`PageMemo::made_from`],
//! [`PageMemo::intact`]).

use super::bytes::{put_str, put_u64, Reader};
use super::Digest32;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

const MAGIC: &[u8] = b"niemyet-pages-3\n";
const DIR: &str = "trang";

#[derive(Clone, Copy, PartialEq, Debug)]
struct Entry {
    digest: Digest32,
    len: u64,
    modified: u64,
}

/// A set of files made together from one digest (`Output::write_group`).
type Groups = HashMap<String, (Digest32, Vec<String>)>;

#[derive(Default)]
pub struct PageMemo {
    previous: HashMap<String, Entry>,
    previous_groups: Groups,
    next: Mutex<Vec<(String, Entry)>>,
    next_groups: Mutex<Groups>,
    reused: AtomicUsize,
    /// What the build that made the folder was made from, and its report.
    previous_build: Option<(Digest32, Vec<u8>)>,
    next_build: Option<(Digest32, Vec<u8>)>,
}

impl PageMemo {
    /// The memo `id`, removed from `cache_dir` (see the module notes).
    pub fn take(cache_dir: &Path, id: &str) -> PageMemo {
        let memo = PageMemo::load(cache_dir, id);
        let _ = std::fs::remove_file(file(cache_dir, id));
        memo
    }

    /// The memo `id` in `cache_dir`; empty if it is missing, damaged or not this
    /// niemyet's.
    pub fn load(cache_dir: &Path, id: &str) -> PageMemo {
        let (previous, previous_groups, previous_build) = std::fs::read(file(cache_dir, id))
            .ok()
            .zip(super::stamp())
            .and_then(|(bytes, stamp)| parse(&bytes, &stamp))
            .unwrap_or_default();
        PageMemo {
            previous,
            previous_groups,
            previous_build,
            ..PageMemo::default()
        }
    }

    /// The digest of what the build that made this folder was made from, and the
    /// report it kept, if it said.
    pub fn made_from(&self) -> Option<(&Digest32, &[u8])> {
        self.previous_build.as_ref().map(|(d, r)| (d, r.as_slice()))
    }

    /// Say, in the memo this build saves, what the build was made from.
    pub fn set_made_from(&mut self, inputs: Digest32, report: Vec<u8>) {
        self.next_build = Some((inputs, report));
    }

    /// Whether every file the memo describes is still on disk under `root` as the build
    /// wrote it (same length and modification time): a page edited or deleted by hand
    /// says the folder is no longer what its build made. Stats only, in parallel.
    pub fn intact(&self, root: &Path) -> bool {
        use rayon::prelude::*;
        !self.previous.is_empty()
            && self
                .previous
                .par_iter()
                .all(|(rel, e)| on_disk(&root.join(rel), e.digest).is_some_and(|now| now == *e))
    }

    /// If the group was made from `digest` and all its files are still those that
    /// build wrote (`path` finds a file on disk), each file (as named and on disk) and
    /// its length; they are then kept for the next memo.
    pub fn unchanged_group(
        &self,
        group: &str,
        digest: &Digest32,
        path: impl Fn(&str) -> Option<PathBuf>,
    ) -> Option<Vec<(&str, PathBuf, u64)>> {
        let (old, files) = self.previous_groups.get(group)?;
        if old != digest {
            return None;
        }
        let mut found = Vec::with_capacity(files.len());
        for rel in files {
            let e = *self.previous.get(rel)?;
            let at = path(rel)?;
            (on_disk(&at, *digest)? == e).then_some(())?;
            found.push((rel.as_str(), at, e));
        }
        self.reused.fetch_add(found.len(), Ordering::Relaxed);
        lock(&self.next_groups).insert(group.to_owned(), (*digest, files.clone()));
        for (rel, _, e) in &found {
            self.keep(rel, *e);
        }
        Some(
            found
                .into_iter()
                .map(|(rel, at, e)| (rel, at, e.len))
                .collect(),
        )
    }

    /// Note a group of files just written from `digest`.
    pub fn wrote_group(
        &self,
        group: &str,
        digest: Digest32,
        files: &[String],
        path: impl Fn(&str) -> Option<PathBuf>,
    ) {
        for rel in files {
            match path(rel).and_then(|p| on_disk(&p, digest)) {
                Some(e) => self.keep(rel, e),
                // A file that cannot be described: never trust the group.
                None => return,
            }
        }
        lock(&self.next_groups).insert(group.to_owned(), (digest, files.to_vec()));
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
        lock(&self.next).push((rel.to_owned(), e));
    }

    /// The memo of the folder as this render left it, to render into it again without
    /// going through disk (the live preview): what this render wrote or kept, and of what
    /// it did not visit, the files (and groups of files) `carry` names — those of
    /// another scope, which this render left alone.
    pub fn into_previous(self, carry: impl Fn(&str) -> bool) -> PageMemo {
        let mut previous: HashMap<String, Entry> = self
            .next
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let mut groups = self
            .next_groups
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        for (rel, e) in self.previous {
            if carry(&rel) {
                previous.entry(rel).or_insert(e);
            }
        }
        for (name, g) in self.previous_groups {
            if g.1.first().is_some_and(|f| carry(f)) {
                groups.entry(name).or_insert(g);
            }
        }
        PageMemo {
            previous,
            previous_groups: groups,
            ..PageMemo::default()
        }
    }

    /// Files left as they were.
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
        let groups = self
            .next_groups
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::with_capacity(next.len() * 120);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&stamp);
        put_u64(&mut out, next.len() as u64);
        for (rel, e) in &next {
            out.extend_from_slice(&e.digest);
            put_u64(&mut out, e.len);
            put_u64(&mut out, e.modified);
            put_str(&mut out, rel);
        }
        put_u64(&mut out, groups.len() as u64);
        for (name, (digest, files)) in &groups {
            out.extend_from_slice(digest);
            put_str(&mut out, name);
            put_u64(&mut out, files.len() as u64);
            for rel in files {
                put_str(&mut out, rel);
            }
        }
        match &self.next_build {
            Some((inputs, report)) => {
                put_u64(&mut out, 1);
                out.extend_from_slice(inputs);
                put_u64(&mut out, report.len() as u64);
                out.extend_from_slice(report);
            }
            None => put_u64(&mut out, 0),
        }
        super::write_atomic(&file(cache_dir, id), &out)
    }
}

/// Delete every memo but `keep` (the memos of folders that no longer exist).
pub fn forget_others(cache_dir: &Path, keep: &[&str]) {
    let Ok(entries) = std::fs::read_dir(cache_dir.join(DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name.split('.').next().unwrap_or(&name);
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

type Build = Option<(Digest32, Vec<u8>)>;

fn parse(bytes: &[u8], stamp: &Digest32) -> Option<(HashMap<String, Entry>, Groups, Build)> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?.strip_prefix(stamp.as_slice())?);
    let mut entries = HashMap::new();
    for _ in 0..r.u64()? {
        let digest = r.digest()?;
        let (len, modified) = (r.u64()?, r.u64()?);
        let e = Entry {
            digest,
            len,
            modified,
        };
        entries.insert(r.str()?.to_owned(), e);
    }
    let mut groups = HashMap::new();
    for _ in 0..r.u64()? {
        let digest = r.digest()?;
        let name = r.str()?.to_owned();
        let files = (0..r.u64()?)
            .map(|_| r.str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?;
        groups.insert(name, (digest, files));
    }
    let build = match r.u64()? {
        0 => None,
        _ => {
            let inputs = r.digest()?;
            let len = usize::try_from(r.u64()?).ok()?;
            Some((inputs, r.take(len)?.to_vec()))
        }
    };
    r.is_done().then_some((entries, groups, build))
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

        let memo = PageMemo::take(cache.path(), "x");
        assert!(
            PageMemo::load(cache.path(), "x").previous.is_empty(),
            "taken"
        );
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
    fn a_group_is_reused_only_while_all_its_files_are() {
        let cache = tempfile::tempdir().expect("tempdir");
        let site = tempfile::tempdir().expect("tempdir");
        let at = |rel: &str| Some(site.path().join(rel));
        let files = ["s/a.json".to_owned(), "s/b.json".to_owned()];
        std::fs::create_dir_all(site.path().join("s")).expect("mkdir");
        for f in &files {
            std::fs::write(site.path().join(f), "{}").expect("write");
        }
        let memo = PageMemo::default();
        memo.wrote_group("search", [3; 32], &files, at);
        assert!(memo.save(cache.path(), "x"));

        let memo = PageMemo::load(cache.path(), "x");
        assert!(memo.unchanged_group("search", &[4; 32], at).is_none());
        let kept = memo.unchanged_group("search", &[3; 32], at).expect("kept");
        let a = ("s/a.json", site.path().join("s/a.json"), 2);
        let b = ("s/b.json", site.path().join("s/b.json"), 2);
        assert_eq!(kept, [a, b]);
        assert!(memo.save(cache.path(), "y"));

        let memo = PageMemo::load(cache.path(), "y");
        std::fs::remove_file(site.path().join("s/b.json")).expect("rm");
        assert!(
            memo.unchanged_group("search", &[3; 32], at).is_none(),
            "a file is gone"
        );
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
