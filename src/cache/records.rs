//! Parsed records kept between builds: a record file whose text has not changed since
//! the last build is read back from JSON instead of being parsed again as YAML.
//!
//! YAML parsing is a fifth of a large build's work (libyaml reads ~30 MB/s on one core);
//! serde_json reads the same record from its JSON form about ten times faster. Only
//! records that loaded without any diagnostic are kept: a record with a mistake is
//! parsed every time, so its messages (and their lines) always come from the parser.
//! Validation is not cached: it runs on every record of every build.
//!
//! One file, `<cache>/ban-ghi.bin`: a header (format, [`super::stamp`]) then entries
//! `key (32 bytes) · length (u32 LE) · JSON`. The key is a digest of the file's
//! normalised text and kind (`.md` or `.yaml`), not its path: moving a file keeps its
//! entry. After a build the file keeps only the entries that build used, so it never
//! grows beyond one catalogue.

use super::{Digest32, Key};
use crate::model::Procedure;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

const MAGIC: &[u8] = b"niemyet-records-1\n";
const FILE: &str = "ban-ghi.bin";

/// Entries are read one at a time where they lie in the file and new ones go straight
/// to the next file: a 10,000-record cache is 70 MB, which a build must not hold.
pub struct RecordCache {
    file: Option<PathBuf>,
    stamp: Digest32,
    old: Option<Mutex<File>>,
    index: HashMap<Digest32, (u64, usize)>,
    hits: AtomicUsize,
    used: Mutex<HashSet<Digest32>>,
    fresh: Mutex<Option<(PathBuf, BufWriter<File>)>>,
    /// A new entry could not be written whole: the next file is not to be trusted.
    failed: AtomicBool,
}

impl RecordCache {
    /// A cache that never hits and keeps nothing (the live preview keeps its records
    /// in memory instead).
    pub fn off() -> RecordCache {
        RecordCache {
            file: None,
            stamp: [0; 32],
            old: None,
            index: HashMap::new(),
            hits: AtomicUsize::new(0),
            used: Mutex::new(HashSet::new()),
            fresh: Mutex::new(None),
            failed: AtomicBool::new(false),
        }
    }

    /// The cache in `dir`. A missing, truncated or foreign file is an empty cache.
    pub fn open(dir: Option<&Path>) -> RecordCache {
        let (Some(dir), Some(stamp)) = (dir, super::stamp()) else {
            return RecordCache::off();
        };
        let file = dir.join(FILE);
        let old = File::open(&file).ok();
        let index = old
            .as_ref()
            .and_then(|f| read_index(f, &stamp).ok().flatten())
            .unwrap_or_default();
        let old = old.map(Mutex::new);
        RecordCache {
            file: Some(file),
            stamp,
            old,
            index,
            ..RecordCache::off()
        }
    }

    /// The key of a record file: its normalised text and whether it is Markdown (the
    /// same text means different things as `.md` and as `.yaml`).
    pub fn key(&self, is_md: bool, text: &str) -> Option<Digest32> {
        self.file.as_ref()?;
        let mut k = Key::new();
        k.part(&[is_md as u8]).part(text.as_bytes());
        Some(k.digest())
    }

    pub fn get(&self, key: &Digest32) -> Option<Procedure> {
        let &(at, len) = self.index.get(key)?;
        let mut json = vec![0; len];
        read_at(self.old.as_ref()?, at, &mut json).ok()?;
        // One UTF-8 check for the entry: from bytes, serde_json checks every string
        // on its own, which cost more than the parse.
        let p = serde_json::from_str(std::str::from_utf8(&json).ok()?).ok()?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        lock(&self.used).insert(*key);
        Some(p)
    }

    /// Keep a record that loaded cleanly.
    pub fn put(&self, key: Digest32, p: &Procedure) {
        let Some(file) = &self.file else { return };
        let Ok(json) = serde_json::to_vec(p) else {
            return;
        };
        let Ok(len) = u32::try_from(json.len()) else {
            return;
        };
        let mut fresh = lock(&self.fresh);
        if fresh.is_none() {
            *fresh = start(file, &self.stamp);
        }
        let ok = fresh.as_mut().is_some_and(|(_, w)| {
            w.write_all(&key).is_ok()
                && w.write_all(&len.to_le_bytes()).is_ok()
                && w.write_all(&json).is_ok()
        });
        if !ok {
            self.failed.store(true, Ordering::Relaxed);
        }
    }

    /// Records read back from the cache in this run.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Replace the cache file by the entries this run used or added, unless that is
    /// what it holds already. Failing to write only costs the next build some time.
    pub fn save(self) {
        let Some(file) = &self.file else { return };
        let used = self.used.into_inner().unwrap_or_else(|e| e.into_inner());
        let fresh = self.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
        if fresh.is_none() && used.len() == self.index.len() {
            return;
        }
        let Some((tmp, mut w)) = fresh.or_else(|| start(file, &self.stamp)) else {
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
            let mut json = Vec::new();
            for (at, len, key) in kept {
                json.resize(len, 0);
                ok = ok
                    && read_at(old, at, &mut json).is_ok()
                    && w.write_all(key).is_ok()
                    && w.write_all(&(len as u32).to_le_bytes()).is_ok()
                    && w.write_all(&json).is_ok();
            }
        }
        ok = ok && w.flush().is_ok();
        drop(w);
        if !ok || std::fs::rename(&tmp, file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// `buf.len()` bytes at `at` (a file shared by the parsing threads).
fn read_at(file: &Mutex<File>, at: u64, buf: &mut [u8]) -> std::io::Result<()> {
    let mut f = lock(file);
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(buf)
}

/// A new cache file beside `file`, its header written.
fn start(file: &Path, stamp: &Digest32) -> Option<(PathBuf, BufWriter<File>)> {
    std::fs::create_dir_all(file.parent()?).ok()?;
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let mut w = BufWriter::with_capacity(256 * 1024, File::create(&tmp).ok()?);
    w.write_all(MAGIC).ok()?;
    w.write_all(stamp).ok()?;
    Some((tmp, w))
}

/// Where each entry's JSON lies, or `None` if the file is not a cache of this niemyet
/// (or is cut short).
fn read_index(
    file: &File,
    stamp: &Digest32,
) -> std::io::Result<Option<HashMap<Digest32, (u64, usize)>>> {
    let size = file.metadata()?.len();
    let mut r = BufReader::new(file);
    let mut head = vec![0; MAGIC.len() + 32];
    r.read_exact(&mut head)?;
    if head[..MAGIC.len()] != *MAGIC || head[MAGIC.len()..] != *stamp {
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
    use crate::model::Code;

    fn record(code: &str) -> Procedure {
        Procedure {
            ma_thu_tuc: Some(Code(code.into())),
            ten_thu_tuc: Some("Đăng ký khai sinh".into()),
            ..Procedure::default()
        }
    }

    #[test]
    fn round_trip_keeps_only_what_was_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = RecordCache::open(Some(dir.path()));
        let (ka, kb) = (
            cache.key(true, "a").expect("key"),
            cache.key(true, "b").expect("key"),
        );
        assert_ne!(Some(ka), cache.key(false, "a"), "kind is part of the key");
        assert!(cache.get(&ka).is_none());
        cache.put(ka, &record("1.000001"));
        cache.put(kb, &record("1.000002"));
        cache.save();

        let cache = RecordCache::open(Some(dir.path()));
        assert_eq!(cache.get(&ka), Some(record("1.000001")));
        assert_eq!(cache.hits(), 1);
        cache.save();

        let cache = RecordCache::open(Some(dir.path()));
        assert!(cache.get(&kb).is_none(), "unused entries are dropped");
        assert_eq!(cache.get(&ka), Some(record("1.000001")));
    }

    #[test]
    fn damaged_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = RecordCache::open(Some(dir.path()));
        let k = cache.key(false, "x").expect("key");
        cache.put(k, &record("1.000001"));
        cache.save();
        let path = dir.path().join(FILE);
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, bytes).expect("write");
        assert!(RecordCache::open(Some(dir.path())).index.is_empty());
        assert!(RecordCache::open(Some(dir.path())).get(&k).is_none());
    }
}
