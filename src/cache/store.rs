//! One cache file of keyed byte strings, shared by the caches whose entries are many
//! and small (parsed records, per-procedure pieces of the search index and open data).
//!
//! Layout: a header (the cache's own magic line, then [`super::stamp`]) and entries
//! `key (32 bytes) · length (u32 LE) · bytes`. Entries are read one at a time where
//! they lie in the file, and new ones are streamed to a new file: a 10,000-record
//! cache is tens of megabytes, which a build must not hold. A run that added a few
//! entries appends them (rewriting 80 MB for one edited record would cost more than
//! the edit's whole rebuild); once entries no run asks for make up a third of the file,
//! it is rewritten with only those the last run used or added.
//!
//! What this is not: a database. A missing or foreign file is an empty store, a
//! cut-short one keeps its whole entries; a write that fails costs only time.

use super::Digest32;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

pub struct Store {
    file: Option<PathBuf>,
    magic: &'static [u8],
    stamp: Digest32,
    old: Option<Old>,
    index: HashMap<Digest32, (u64, usize)>,
    /// The file on disk is a store of this niemyet (entries can be appended to it).
    valid: bool,
    hits: AtomicUsize,
    added: AtomicUsize,
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
            valid: false,
            hits: AtomicUsize::new(0),
            added: AtomicUsize::new(0),
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
            .and_then(|f| read_index(f, magic, &stamp).ok().flatten());
        Store {
            file: Some(file),
            magic,
            stamp,
            old: old.map(shared),
            valid: index.is_some(),
            index: index.unwrap_or_default(),
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
        if ok {
            self.added.fetch_add(1, Ordering::Relaxed);
        } else {
            self.failed.store(true, Ordering::Relaxed);
        }
    }

    /// Entries read back in this run.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Keep what this run added for the next run: appended when it is little and the
    /// file has few entries nobody asked for, else the file is replaced by the entries
    /// this run used or added. Left alone by a run that added nothing and asked for
    /// nothing or nearly everything. Failing to write only costs the next run some time.
    pub fn save(self) {
        let Some(file) = &self.file else { return };
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let fresh = self.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        let (live, added) = (used.len(), self.added.load(Ordering::Relaxed));
        let few_dead = self.index.len().saturating_sub(live) * 2 <= live;
        if fresh.is_none() && (live == 0 || few_dead) {
            return;
        }
        let failed = self.failed.load(Ordering::Relaxed);
        let append = self.valid && few_dead && added * 8 <= live + added && !failed;
        let (tmp, mut w) = match fresh {
            Some((tmp, w)) if append => {
                if w.into_inner().is_ok() {
                    append_entries(&tmp, self.magic.len() + 32, file);
                }
                let _ = std::fs::remove_file(&tmp);
                return;
            }
            Some(fresh) => fresh,
            None => match start(file, self.magic, &self.stamp) {
                Some(fresh) => fresh,
                None => return,
            },
        };
        // Old entries in file order, so the copy reads the old file front to back.
        let mut kept: Vec<(u64, usize, &Digest32)> = used
            .iter()
            .filter_map(|k| self.index.get(k).map(|&(at, len)| (at, len, k)))
            .collect();
        kept.sort();
        let mut ok = !failed;
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

/// Append the entries of the store file `from` (after its `head` bytes: magic and
/// stamp) to `to`, each in one write: a build killed half-way leaves whole entries and
/// at most one cut short at the end, which [`read_index`] drops.
/// Nothing is appended to a file whose header is not the same (another niemyet
/// replaced it in the meantime).
fn append_entries(from: &Path, head: usize, to: &Path) {
    let (Ok(src), Ok(mut dst)) = (
        File::open(from),
        std::fs::OpenOptions::new().read(true).append(true).open(to),
    ) else {
        return;
    };
    let mut r = BufReader::new(src);
    let (mut ours, mut theirs) = (vec![0; head], vec![0; head]);
    if r.read_exact(&mut ours).is_err() || dst.read_exact(&mut theirs).is_err() || ours != theirs {
        return;
    }
    let mut head = [0u8; 36];
    let mut entry = Vec::new();
    while r.read_exact(&mut head).is_ok() {
        let len = u32::from_le_bytes([head[32], head[33], head[34], head[35]]) as usize;
        entry.clear();
        entry.extend_from_slice(&head);
        entry.resize(36 + len, 0);
        if r.read_exact(&mut entry[36..]).is_err() || dst.write_all(&entry).is_err() {
            return;
        }
    }
}

/// The previous run's file, read by every worker thread: positioned reads need no lock
/// on Unix; elsewhere, a seek and a read under one.
#[cfg(unix)]
type Old = File;
#[cfg(not(unix))]
type Old = Mutex<File>;

#[cfg(unix)]
fn shared(file: File) -> Old {
    file
}

#[cfg(not(unix))]
fn shared(file: File) -> Old {
    Mutex::new(file)
}

/// `buf.len()` bytes at `at`.
#[cfg(unix)]
fn read_at(file: &Old, at: u64, buf: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(not(unix))]
fn read_at(file: &Old, at: u64, buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
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

/// Where each entry lies, or `None` if the file is not this store of this niemyet. An
/// entry cut short at the end (a build killed while appending) is left out.
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
    while at + 36 <= size {
        r.read_exact(&mut entry)?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&entry[..32]);
        let len = u32::from_le_bytes([entry[32], entry[33], entry[34], entry[35]]);
        at += 36;
        if at + u64::from(len) > size {
            break;
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
    fn a_few_new_entries_are_appended_and_dead_ones_dropped_in_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.bin");
        let key = |i: u8| [i; 32];
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        for i in 0..10 {
            s.put(key(i), &[i; 100]);
        }
        s.save();
        let before = std::fs::read(&path).expect("read");

        // Everything used, one added: appended, the old bytes stay as they were.
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        (0..10).for_each(|i| assert!(s.get(&key(i)).is_some()));
        s.put(key(10), b"new");
        s.save();
        let after = std::fs::read(&path).expect("read");
        assert_eq!(after[..before.len()], before[..]);
        assert_eq!(after.len(), before.len() + 36 + 3);

        // Three unused: kept for now. Seven unused: the file keeps only what was used.
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert_eq!(s.entries(), 11);
        (0..8).for_each(|i| assert!(s.get(&key(i)).is_some()));
        s.save();
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert_eq!(s.entries(), 11);
        (7..11).for_each(|i| assert!(s.get(&key(i)).is_some()));
        s.save();
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert_eq!(s.entries(), 4);
        assert_eq!(s.get(&key(10)).as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn nothing_is_appended_to_a_file_another_niemyet_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.bin");
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        (0..10).for_each(|i| s.put([i; 32], b"x"));
        s.save();
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        (0..10).for_each(|i| assert!(s.get(&[i; 32]).is_some()));
        s.put([10; 32], b"new");
        let foreign = [&b"niemyet-test-1\n"[..], &[9; 32]].concat();
        std::fs::write(&path, &foreign).expect("replace");
        s.save();
        assert_eq!(std::fs::read(&path).expect("read"), foreign);
    }

    #[test]
    fn an_entry_cut_short_is_dropped_and_a_foreign_file_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        s.put([7; 32], b"whole");
        s.put([8; 32], b"some bytes");
        s.save();
        let path = dir.path().join("s.bin");
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, &bytes).expect("write");
        let s = Store::open(Some(dir.path()), "s.bin", MAGIC);
        assert_eq!(s.entries(), 1);
        assert_eq!(s.get(&[7; 32]).as_deref(), Some(&b"whole"[..]));
        assert!(s.get(&[8; 32]).is_none());
        bytes[0] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(Store::open(Some(dir.path()), "s.bin", MAGIC).entries(), 0);
    }
}
