//! Where renderers put files: straight into the writer's staging folder, an unchanged
//! file left untouched, each page's inputs digest recorded so the next build can skip it.
//! Renderers decide what a file says; this decides nothing but whether bytes hit disk.

use crate::cache::pages::PageMemo;
use crate::cache::Digest32;
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Where renderers write. Files go straight to disk (into the staging folder) so a
/// 10,000-page build never holds every page in memory.
///
/// When the folder already holds an earlier build (`compare`), a file whose bytes are
/// unchanged is left alone: no write, and its modification time stays, so `rsync` and
/// the live preview see only what really changed.
pub struct Output {
    root: PathBuf,
    compare: bool,
    files: AtomicUsize,
    pages: AtomicUsize,
    bytes: AtomicUsize,
    pieces: AtomicUsize,
    written: Mutex<HashSet<PathBuf>>,
    changed: Mutex<Vec<String>>,
    memo: Option<PageMemo>,
}

impl Output {
    /// An output over a folder that may already hold files from an earlier build.
    pub fn with_compare(root: PathBuf, compare: bool) -> Self {
        Output {
            root,
            compare,
            files: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            pieces: AtomicUsize::new(0),
            written: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
            memo: None,
        }
    }

    /// Remember what each page is rendered from (see [`crate::cache::pages`]); pages
    /// `memo` knows unchanged in this folder are left alone.
    pub fn with_memo(mut self, memo: PageMemo) -> Self {
        self.memo = Some(memo);
        self
    }

    /// Whether pages should say what they are rendered from ([`Output::write_page`]).
    pub fn remembers_pages(&self) -> bool {
        self.memo.is_some()
    }

    pub fn take_memo(&mut self) -> Option<PageMemo> {
        self.memo.take()
    }

    /// Write the page at `rel`, whose bytes `render` makes from inputs with `digest`,
    /// unless the folder already holds that page made from the same inputs.
    pub fn write_page(
        &self,
        rel: &str,
        digest: Option<Digest32>,
        render: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<()> {
        let (Some(memo), Some(digest)) = (&self.memo, digest) else {
            return self.write(rel, &render()?);
        };
        let path = self.resolve(rel)?;
        if let Some(len) = memo.unchanged(rel, &digest, &path) {
            self.count(rel, path, len as usize);
            return Ok(());
        }
        self.write(rel, &render()?)?;
        memo.wrote(rel, digest, &path);
        Ok(())
    }

    /// Write `bytes` at the site-relative path `rel` (`thu-tuc/x/index.html`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.resolve(rel)?;
        let same = self.compare
            && std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == bytes);
        if !same {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("không tạo được thư mục {}", parent.display()))?;
            }
            std::fs::write(&path, bytes)
                .with_context(|| format!("không ghi được {}", path.display()))?;
            lock(&self.changed).push(rel.to_owned());
        }
        self.count(rel, path, bytes.len());
        Ok(())
    }

    /// Write the files `produce` makes from inputs with `digest` (a renderer's whole
    /// part, such as the search index), unless the folder holds exactly the files that
    /// inputs with this digest made in the build that filled it.
    pub fn write_group(
        &self,
        group: &str,
        digest: Option<Digest32>,
        produce: impl FnOnce(&Group<'_>) -> Result<()>,
    ) -> Result<()> {
        let g = Group {
            out: self,
            files: Mutex::new(Vec::new()),
        };
        let (Some(memo), Some(digest)) = (&self.memo, digest) else {
            return produce(&g);
        };
        let resolve = |rel: &str| self.resolve(rel).ok();
        if let Some(files) = memo.unchanged_group(group, &digest, resolve) {
            for (rel, path, len) in files {
                self.count(rel, path, len as usize);
            }
            return Ok(());
        }
        produce(&g)?;
        let files = g.files.into_inner().unwrap_or_else(|e| e.into_inner());
        memo.wrote_group(group, digest, &files, resolve);
        Ok(())
    }

    /// Book a file as part of this build.
    fn count(&self, rel: &str, path: PathBuf, len: usize) {
        lock(&self.written).insert(path);
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        if rel.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Write a large file by streaming it (open data runs to tens of megabytes at
    /// province scale): `fill` writes into a buffered file, never a buffer in memory.
    /// When comparing, the new bytes go to a temporary file that replaces the old one
    /// only if they differ.
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let path = self.resolve(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("không tạo được thư mục {}", parent.display()))?;
        }
        let target = if self.compare && path.exists() {
            path.with_file_name(format!(
                ".{}.niemyet-new",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ))
        } else {
            path.clone()
        };
        let file = std::fs::File::create(&target)
            .with_context(|| format!("không ghi được {}", target.display()))?;
        let mut w = Counting(BufWriter::new(file), 0);
        fill(&mut w)?;
        w.0.flush()
            .with_context(|| format!("không ghi được {}", target.display()))?;
        let len = w.1;
        drop(w);
        let changed = if target == path {
            true
        } else if same_files(&target, &path)? {
            std::fs::remove_file(&target).ok();
            false
        } else {
            std::fs::rename(&target, &path)
                .with_context(|| format!("không ghi được {}", path.display()))?;
            true
        };
        if changed {
            lock(&self.changed).push(rel.to_owned());
        }
        self.count(rel, path, len);
        Ok(())
    }

    fn resolve(&self, rel: &str) -> Result<PathBuf> {
        let rel_path = Path::new(rel);
        if rel_path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            anyhow::bail!("đường dẫn đầu ra không hợp lệ: {rel}");
        }
        Ok(self.root.join(rel_path))
    }

    /// Absolute paths of every file written (or confirmed unchanged) so far.
    pub fn take_written(&self) -> HashSet<PathBuf> {
        std::mem::take(&mut *lock(&self.written))
    }

    /// Site-relative paths whose bytes changed on disk, sorted.
    pub fn take_changed(&self) -> Vec<String> {
        let mut v = std::mem::take(&mut *lock(&self.changed));
        v.sort();
        v
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }
    pub fn pages(&self) -> usize {
        self.pages.load(Ordering::Relaxed)
    }
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }
    /// Per-procedure pieces read back instead of made (see [`crate::cache::pieces`]).
    pub fn reused_pieces(&self) -> usize {
        self.pieces.load(Ordering::Relaxed)
    }
}

/// The files of one [`Output::write_group`] call.
pub struct Group<'a> {
    out: &'a Output,
    files: Mutex<Vec<String>>,
}

impl Group<'_> {
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        lock(&self.files).push(rel.to_owned());
        self.out.write(rel, bytes)
    }

    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        lock(&self.files).push(rel.to_owned());
        self.out.write_with(rel, fill)
    }

    /// Book `n` per-procedure pieces as read back for these files.
    pub fn reused_pieces(&self, n: usize) {
        self.out.pieces.fetch_add(n, Ordering::Relaxed);
    }
}

/// A poisoned lock only means another renderer thread panicked; the set is still valid.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A writer that counts what passes through it.
struct Counting<W: Write>(W, usize);

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1 += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Whether two files hold the same bytes, read in chunks.
fn same_files(a: &Path, b: &Path) -> Result<bool> {
    let (ma, mb) = (std::fs::metadata(a)?, std::fs::metadata(b)?);
    if ma.len() != mb.len() {
        return Ok(false);
    }
    let mut ra = BufReader::new(std::fs::File::open(a)?);
    let mut rb = BufReader::new(std::fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = ra.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        rb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}
