//! Parsed records kept between builds: a record file whose text has not changed since
//! the last build is read back from JSON instead of being parsed again as YAML.
//!
//! YAML parsing is a fifth of a large build's work (libyaml reads ~30 MB/s on one core);
//! serde_json reads the same record from its JSON form about ten times faster. Only
//! records that loaded without any diagnostic are kept: a record with a mistake is
//! parsed every time, so its messages (and their lines) always come from the parser.
//! Validation is not cached: it runs on every record of every build.
//!
//! One [`crate::cache::store`] file, `<cache>/ban-ghi.bin`, of record JSON. The key
//! ([`SourceFile::digest`]) is a digest of the file's normalised text and kind (`.md` or
//! `.yaml`), not its path: moving a file keeps its entry.

use super::SourceFile;
use crate::cache::store::Store;
use crate::cache::Digest32;
use crate::model::Procedure;
use std::path::Path;

const MAGIC: &[u8] = b"niemyet-records-1\n";
const FILE: &str = "ban-ghi.bin";

pub struct RecordCache(Store);

impl RecordCache {
    /// A cache that never hits and keeps nothing (the live preview parses an edited
    /// record with it: after it starts, it keeps its records in memory).
    pub fn off() -> RecordCache {
        RecordCache(Store::off())
    }

    /// The cache in `dir`. A missing, truncated or foreign file is an empty cache.
    pub fn open(dir: Option<&Path>) -> RecordCache {
        RecordCache(Store::open(dir, FILE, MAGIC))
    }

    /// The key of a record file ([`SourceFile::digest`]: its normalised text and
    /// whether it is Markdown, as the same text means different things as `.md` and as
    /// `.yaml`); `None` when the cache is off.
    pub fn key(&self, file: &SourceFile) -> Option<Digest32> {
        self.0.is_on().then(|| file.digest())
    }

    pub fn get(&self, key: &Digest32) -> Option<Procedure> {
        let json = self.0.get(key)?;
        // One UTF-8 check for the entry: from bytes, serde_json checks every string
        // on its own, which cost more than the parse.
        serde_json::from_str(std::str::from_utf8(&json).ok()?).ok()
    }

    /// Keep a record that loaded cleanly, if its JSON form reads back as the same
    /// record. JSON cannot hold every value YAML can (`.nan` and `.inf` become `null`,
    /// i.e. "not stated"): such a record is parsed every time, so that a cached run
    /// gives exactly the verdict and output of an uncached one.
    pub fn put(&self, key: Digest32, p: &Procedure) {
        let Ok(json) = serde_json::to_vec(p) else {
            return;
        };
        if serde_json::from_slice::<Procedure>(&json).is_ok_and(|back| back == *p) {
            self.0.put(key, &json);
        }
    }

    /// Records read back from the cache in this run.
    pub fn hits(&self) -> usize {
        self.0.hits()
    }

    /// Keep the entries this run used or added for the next one.
    pub fn save(self) {
        self.0.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Code;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile::new(path.into(), text)
    }

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
            cache.key(&file("a.md", "a")).expect("key"),
            cache.key(&file("b.md", "b")).expect("key"),
        );
        assert_ne!(
            Some(ka),
            cache.key(&file("a.yaml", "a")),
            "kind is part of the key"
        );
        assert_eq!(Some(ka), cache.key(&file("b/a.md", "a")), "the path is not");
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
    fn a_record_json_cannot_hold_is_not_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = RecordCache::open(Some(dir.path()));
        let k = cache.key(&file("x.yaml", "x")).expect("key");
        let mut nan = record("1.000001");
        nan.cach_thuc_thuc_hien = vec![serde_json::from_str(
            r#"{"hinh_thuc":"Trực tiếp","thoi_han":{"so":1,"don_vi":"ngày"}}"#,
        )
        .expect("channel")];
        if let Some(t) = nan.cach_thuc_thuc_hien[0].thoi_han.as_mut() {
            t.so = Some(f64::NAN);
        }
        cache.put(k, &nan);
        cache.save();
        assert!(RecordCache::open(Some(dir.path())).get(&k).is_none());
    }

    #[test]
    fn damaged_entry_is_a_miss() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = RecordCache::open(Some(dir.path()));
        let k = cache.key(&file("x.yaml", "x")).expect("key");
        cache.0.put(k, b"{\"ma_thu_tuc\": 1");
        cache.save();
        assert!(RecordCache::open(Some(dir.path())).get(&k).is_none());
    }
}
