use anyhow::{Context, Result};
use std::collections::HashSet;
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
    written: Mutex<HashSet<PathBuf>>,
    changed: Mutex<Vec<String>>,
}

impl Output {
    pub fn new(root: PathBuf) -> Self {
        Self::with_compare(root, false)
    }

    /// An output over a folder that may already hold files from an earlier build.
    pub fn with_compare(root: PathBuf, compare: bool) -> Self {
        Output {
            root,
            compare,
            files: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            written: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
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
        lock(&self.written).insert(path);
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len(), Ordering::Relaxed);
        if rel.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
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
}

/// A poisoned lock only means another renderer thread panicked; the set is still valid.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
