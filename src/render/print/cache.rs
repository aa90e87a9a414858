//! The print cache: finished PDFs (and their fitting result) keyed by a content hash,
//! so a build only lays out the records that changed.
//!
//! The key is SHA-256 over everything a PDF depends on: the cache format, niemyet's
//! version, the layout name and fitting limits, a digest of the theme's `print/` and
//! `fonts/` files, and the document's data (the record as JSON, already holding the site
//! config, the QR code and the posting date). SHA-256 (`sha2`) rather than BLAKE3: it is
//! pure Rust with no build script or assembly to compile, and we hash a few kilobytes per
//! record, so BLAKE3's speed would not show.
//!
//! Entries live outside the output (`<site root>/.niemyet-cache/in/`): `<key>.json` holds
//! the fitting result (what `check` needs), `<key>.pdf` the bytes. Writes go through a
//! temporary file and a rename, so a killed build never leaves a half-written PDF that a
//! later build would trust. After a build, entries it did not use are removed.
//!
//! Beside them, `in-to.bin` maps what a procedure's sheets are made from (the digest of
//! its entry, surroundings, config, date and layouts, which costs no layout data to
//! compute) to their two keys and fits: a build that leaves a procedure's files as they
//! were still keeps its PDFs, and `check` reads its fit, without building its data.

use crate::cache::bytes::{put_str, put_u64, Reader};
use crate::cache::store::Store;
use crate::cache::{write_atomic, Digest32, Key};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Bump when the meaning of cached bytes changes without the inputs changing.
const FORMAT: &str = "niemyet-print-cache-2";

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Body text size the layout settled on, in points.
    pub size: f64,
    pub pages: usize,
    /// The smallest type on any sheet, in points, measured on the laid-out document.
    pub smallest: f64,
}

pub struct Cache {
    dir: Option<PathBuf>,
    used: Mutex<HashSet<String>>,
    sheets: Store,
}

/// A procedure's two sheets: each its cache key and fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheets {
    pub poster: (String, Meta),
    pub guide: (String, Meta),
}

const SHEETS_MAGIC: &[u8] = b"niemyet-print-sheets-2\n";

/// A key of this cache (framed like every cache key), starting with the cache format
/// and niemyet's version. Not the executable stamp of `crate::cache`: a PDF takes long
/// to lay out and a rebuilt niemyet of the same version lays it out the same.
pub fn key() -> Key {
    let mut k = Key::new();
    k.part(FORMAT.as_bytes())
        .part(env!("CARGO_PKG_VERSION").as_bytes());
    k
}

impl Cache {
    /// A cache in `dir`; without a usable folder every lookup misses and nothing is kept.
    pub fn open(dir: Option<&Path>) -> Cache {
        let pdfs = dir
            .map(|d| d.join("in"))
            .filter(|d| std::fs::create_dir_all(d).is_ok());
        Cache {
            sheets: Store::open(pdfs.as_ref().and(dir), "in-to.bin", SHEETS_MAGIC),
            dir: pdfs,
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The sheets of what `made` digests, when a run kept them; their PDFs are then in
    /// use (kept by [`Cache::prune`]).
    pub fn sheets(&self, made: &Digest32) -> Option<Sheets> {
        let bytes = self.sheets.get(made)?;
        let mut r = Reader(&bytes);
        let mut one = || -> Option<(String, Meta)> {
            let key = r.str()?.to_owned();
            let size = f64::from_bits(r.u64()?);
            let pages = r.u64()? as usize;
            let smallest = f64::from_bits(r.u64()?);
            Some((
                key,
                Meta {
                    size,
                    pages,
                    smallest,
                },
            ))
        };
        let sheets = Sheets {
            poster: one()?,
            guide: one()?,
        };
        self.keep(&sheets.poster.0);
        self.keep(&sheets.guide.0);
        Some(sheets)
    }

    pub fn put_sheets(&self, made: &Digest32, sheets: &Sheets) {
        let mut out = Vec::new();
        for (key, meta) in [&sheets.poster, &sheets.guide] {
            put_str(&mut out, key);
            put_u64(&mut out, meta.size.to_bits());
            put_u64(&mut out, meta.pages as u64);
            put_u64(&mut out, meta.smallest.to_bits());
        }
        self.sheets.put(*made, &out);
    }

    /// Count the entry `key` as in use without reading it.
    pub fn keep(&self, key: &str) {
        self.mark(key);
    }

    /// Keep the sheets this run looked up or added for the next one.
    pub fn save(self) {
        self.sheets.save()
    }

    fn mark(&self, key: &str) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key.to_owned());
        }
    }

    pub fn meta(&self, key: &str) -> Option<Meta> {
        let dir = self.dir.as_ref()?;
        self.mark(key);
        let text = std::fs::read(dir.join(format!("{key}.json"))).ok()?;
        serde_json::from_slice(&text).ok()
    }

    pub fn pdf(&self, key: &str) -> Option<(Meta, Vec<u8>)> {
        let meta = self.meta(key)?;
        let dir = self.dir.as_ref()?;
        let pdf = std::fs::read(dir.join(format!("{key}.pdf"))).ok()?;
        pdf.starts_with(b"%PDF-").then_some((meta, pdf))
    }

    /// Keep a result. Failing to write the cache never fails the build.
    pub fn put(&self, key: &str, meta: Meta, pdf: Option<&[u8]>) {
        let Some(dir) = &self.dir else { return };
        self.mark(key);
        if let Some(bytes) = pdf {
            write_atomic(&dir.join(format!("{key}.pdf")), bytes);
        }
        if let Ok(json) = serde_json::to_vec(&meta) {
            write_atomic(&dir.join(format!("{key}.json")), &json);
        }
    }

    /// Remove entries this run did not look up (outdated records, old layouts).
    pub fn prune(&self) {
        let (Some(dir), Ok(used)) = (&self.dir, self.used.lock()) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name.split('.').next().unwrap_or_default();
            if !used.contains(stem) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_prune() {
        let dir = std::env::temp_dir().join(format!("niemyet-cache-test-{}", std::process::id()));
        let cache = Cache::open(Some(&dir));
        let meta = Meta {
            size: 12.5,
            pages: 1,
            smallest: 10.5,
        };
        cache.put("k1", meta, Some(b"%PDF-1.7 x"));
        assert_eq!(cache.pdf("k1").map(|(m, _)| m), Some(meta));
        let again = Cache::open(Some(&dir));
        again.put("k2", meta, None);
        again.prune();
        assert!(again.meta("k1").is_none());
        assert_eq!(again.meta("k2"), Some(meta));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
