//! One cache file of keyed byte strings, shared by the caches whose entries are many
//! and small (parsed records, per-procedure pieces of the search index and open data).
//!
//! Layout: a header (the cache's own magic line, then [`super::stamp`]) and entries
//! `key (32 bytes) · length (u32 LE) · bytes`. Entries are read one at a time where
//! they lie in the file, and new ones are streamed to the next file: a 10,000-record
//! cache is tens of megabytes, which a build must not hold. After a run the file keeps
//! only the entries that run used or added, so it never grows beyond one catalogue.
//!
//! What this is not: a database. A missing, cut-short or foreign file is an empty
//! store; a write that fails leaves the old file in place.

use super::Digest32;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

pub struct Store {
    file: Option<PathBuf>,
    magic: &'static [u8],
    stamp: Digest32,
    old: Option<Mutex<File>>,
    index: HashMap<Digest32, (u64, usize)>,
    hits: AtomicUsize,
    used: Mutex<HashSet<Digest32>>,
    fresh: Mutex<Option<(PathBuf, BufWriter<File>)>>,
    /// A new entry could not be written whole: the next file is not to be trusted.
    failed: AtomicBool,
}

impl Store {
    /// A store that never hits and keeps nothing.
    pub fn off() -> Store {
        Store {
            file: None,
            magic: b"",
            stamp: [0; 32],
            old: None,
            index: HashMap::new(),
            hits: AtomicUsize::new(0),
            used: Mutex::new(HashSet::new()),
            fresh: Mutex::new(None),
            failed: AtomicBool::new(false),
        }
    }

    /// The store `<dir>/<name>`, whose header starts with `magic` (a line naming the
    /// cache and its format). Off without a directory or a [`super::stamp`].
    pub fn open(dir: Option<&Path>, name: &str, magic: &'static [u8]) -> Store {
        let (Some(dir), Some(stamp)) = (dir, super::stamp()) else {
            return Store::off();
        };
        let file = dir.join(name);
        let old = File::open(&file).ok();
        let index = old
            .as_ref()
            .and_then(|f| read_index(f, magic, &stamp).ok().flatten())
            .unwrap_or_default();
        Store {
            file: Some(file),
            magic,
            stamp,
            old: old.map(Mutex::new),
            index,
            ..Store::off()
        }
    }

    pub fn is_on(&self) -> bool {
        self.file.is_some()
    }

    /// The bytes kept under `key`, if any.
    pub fn get(&self, key: &Digest32) -> Option<Vec<u8>> {
        let &(at, len) = self.index.get(key)?;
        let mut bytes = vec![0; len];
        read_at(self.old.as_ref()?, at, &mut bytes).ok()?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        lock(&self.used).insert(*key);
        Some(bytes)
    }

    /// Keep `bytes` under `key` for the next run.
    pub fn put(&self, key: Digest32, bytes: &[u8]) {
        let Some(file) = &self.file else { return };
        let Ok(len) = u32::try_from(bytes.len()) else {
            return;
        };
        let mut fresh = lock(&self.fresh);
        if fresh.is_none() {
            *fresh = start(file, self.magic, &self.stamp);
        }
        let ok = fresh.as_mut().is_some_and(|(_, w)| {
            w.write_all(&key).is_ok()
                && w.write_all(&len.to_le_bytes()).is_ok()
                && w.write_all(bytes).is_ok()
        });
        if !ok {
            self.failed.store(true, Ordering::Relaxed);
        }
    }

    /// Entries read back in this run.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Replace the file by the entries this run used or added. Left as it is when the
    /// run added nothing and used every entry, or none (a run that never asked).
    /// Failing to write only costs the next run some time.
    pub fn save(self) {
        let Some(file) = &self.file else { return };
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let fresh = self.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        if fresh.is_none() && (used.is_empty() || used.len() == self.index.len()) {
            return;
        }
        let Some((tmp, mut w)) = fresh.or_else(|| start(file, self.magic, &self.stamp)) else {
            return;
        };
        // Old entries in file order, so the copy reads the old file front to back.
        let mut kept: Vec<(u64, usize, &Digest32)> = used
            .iter()
            .filter_map(|k| self.index.get(k).map(|&(at, len)| (at, len, k)))
            .collect();
        kept.sort();
        let mut ok = !self.failed.load(Ordering::Relaxed);
        if let Some(old) = &self.old {
            let mut bytes = Vec::new();
            for (at, len, key) in kept {
                bytes.resize(len, 0);
                ok = ok
                    && read_at(old, at, &mut bytes).is_ok()
                    && w.write_all(key).is_ok()
                    && w.write_all(&(len as u32).to_le_bytes()).is_ok()
                    && w.write_all(&bytes).is_ok();
            }
        }
        ok = ok && w.flush().is_ok();
        drop(w);
        if !ok || std::fs::rename(&tmp, file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    #[cfg(test)]
    fn entries(&self) -> usize {
        self.index.len()
    }
}

/// `buf.len()` bytes at `at` (a file shared by the worker threads).
fn read_at(file: &Mutex<File>, at: u64, buf: &mut [u8]) -> std::io::Result<()> {
    let mut f = lock(file);
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(buf)
}

/// A new store file beside `file`, its header written.
fn start(file: &Path, magic: &[u8], stamp: &Digest32) -> Option<(PathBuf, BufWriter<File>)> {
    std::fs::create_dir_all(file.parent()?).ok()?;
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let mut w = BufWriter::with_capacity(256 * 1024, File::create(&tmp).ok()?);
    w.write_all(magic).ok()?;
    w.write_all(stamp).ok()?;
    Some((tmp, w))
}

/// Where each entry lies, or `None` if the file is not this store of this niemyet (or
/// is cut short).
fn read_index(
    file: &File,
    magic: &[u8],
    stamp: &Digest32,
) -> std::io::Result<Option<HashMap<Digest32, (u64, usize)>>> {
    let size = file.metadata()?.len();
    let mut r = BufReader::new(file);
    let mut head = vec![0; magic.len() + 32];
    r.read_exact(&mut head)?;
    if head[..magic.len()] != *magic || head[magic.len()..] != *stamp {
        return Ok(None);
    }
    let mut at = head.len() as u64;
    let mut index = HashMap::new();
    let mut entry = [0u8; 36];
    while at < size {
        r.read_exact(&mut entry)?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&entry[..32]);
        let len = u32::from_le_bytes([entry[32], entry[33], entry[34], entry[35]]);
        at += 36;
        if at + len as u64 > size {
            return Ok(None);
        }
        index.insert(key, (at, len as usize));
        r.seek_relative(i64::from(len))?;
        at += u64::from(len);
    }
    Ok(Some(index))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8] = b"niemyet-test-1\n";

    #[test]
    fn keeps_what_a_run_used_or_added() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert!(s.get(&a).is_none());
        s.put(a, b"alpha");
        s.put(b, b"");
        s.save();

        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert_eq!(
            s.get(&b).as_deref(),
            Some(&b""[..]),
            "empty entries are entries"
        );
        assert_eq!(s.hits(), 1);
        s.save();
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert!(s.get(&a).is_none(), "unused entries are dropped");
        s.save();

        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert_eq!(s.entries(), 1, "a run that asked nothing keeps the file");
        assert!(Store::open(Some(dir.path()), "s.bin", b"other-1\n")
            .get(&b)
            .is_none());
    }

    #[test]
    fn damaged_file_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        s.put([7; 32], b"some bytes");
        s.save();
        let path = dir.path().join("s.bin");
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, bytes).expect("write");
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert_eq!(s.entries(), 0);
        assert!(s.get(&[7; 32]).is_none());
    }
}
