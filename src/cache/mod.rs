//! Work kept between builds, so that rebuilding an unchanged (or slightly changed)
//! catalogue only redoes what changed: framed digests ([`Key`]), a keyed byte store
//! ([`store`]), what every page was rendered from ([`pages`]) and per-procedure pieces of
//! catalogue-wide files ([`pieces`]). It knows no record type: the record cache is
//! `load::cache`, and the print renderer keeps its PDFs itself (`render::print::cache`).
//!
//! What this module is not: a source of truth. Every entry is keyed by a digest of all
//! it was made from, a missing or unreadable entry is only a miss, and nothing here can
//! make a build fail. Entries made by another niemyet executable are never trusted (see
//! [`stamp`]): parsing and rendering code may differ between two builds of niemyet even
//! when the version number does not.

pub mod bytes;
pub mod pages;
pub mod pieces;
pub mod store;

use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::OnceLock;

/// A digest under construction: every part is length-prefixed, so ("ab","c") ≠ ("a","bc").
#[derive(Clone, Default)]
pub struct Key(Sha256);

impl Key {
    pub fn new() -> Key {
        Key::default()
    }
    pub fn part(&mut self, bytes: &[u8]) -> &mut Key {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }
    /// A JSON value's serialisation, as one part.
    pub fn json(&mut self, value: &impl serde::Serialize) -> &mut Key {
        // Streamed into the hasher: no buffer for a 20 KB page context.
        let mut w = HashWriter(Sha256::new(), 0);
        // Serialising a serde_json::Value (or our views) cannot fail: no maps with
        // non-string keys, and writing into a hasher has no I/O.
        let _ = serde_json::to_writer(&mut w, value);
        let inner = w.0.finalize();
        self.part(&(w.1 as u64).to_le_bytes()).part(&inner)
    }
    pub fn digest(self) -> Digest32 {
        self.0.finalize().into()
    }
    /// Lower-case hex, for file names.
    #[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
    pub fn finish(self) -> String {
        hex(&self.digest())
    }
}

pub type Digest32 = [u8; 32];

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct HashWriter(Sha256, usize);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        self.1 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Write `bytes` to `path` through a temporary file and a rename, so a killed build
/// never leaves a half-written entry that a later build would trust. `false` when it
/// could not be written (a cache write never fails a build).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> bool {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let ok = path
        .parent()
        .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
        && std::fs::write(&tmp, bytes).is_ok()
        && std::fs::rename(&tmp, path).is_ok();
    if !ok {
        let _ = std::fs::remove_file(&tmp);
    }
    ok
}

/// Remove the temporary files (`<name>.tmp<pid>`, see [`write_atomic`] and `store`) that
/// processes `gone` says are dead left in `cache_dir` and its folders: a killed build
/// leaves one as large as the store it was writing.
pub fn sweep_temps(
    cache_dir: &Path,
    pid_in: impl Fn(&str) -> Option<u32>,
    gone: impl Fn(u32) -> bool,
) {
    for entry in walkdir::WalkDir::new(cache_dir)
        .max_depth(2)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let name = entry.file_name().to_string_lossy();
        if pid_in(&name).is_some_and(&gone) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Which niemyet made an entry: its version and the size and modification time of the
/// running executable. A rebuilt binary (a developer's change to parsing or to a Tera
/// filter) invalidates every record and page entry; an unchanged installed binary keeps
/// them. `None` when the executable cannot be read: then nothing is cached.
pub fn stamp() -> Option<Digest32> {
    static STAMP: OnceLock<Option<Digest32>> = OnceLock::new();
    *STAMP.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        exe_stamp(&std::fs::metadata(exe).ok()?)
    })
}

/// The stamp of an executable with these metadata.
fn exe_stamp(meta: &std::fs::Metadata) -> Option<Digest32> {
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut k = Key::new();
    k.part(env!("CARGO_PKG_VERSION").as_bytes())
        .part(&meta.len().to_le_bytes())
        .part(&modified.as_nanos().to_le_bytes());
    Some(k.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_framed() {
        let mut a = Key::new();
        a.part(b"ab").part(b"c");
        let mut b = Key::new();
        b.part(b"a").part(b"bc");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn json_parts_differ_with_values() {
        let digest = |v: serde_json::Value| {
            let mut k = Key::new();
            k.json(&v);
            k.digest()
        };
        let a = digest(serde_json::json!({"p": {"ten": "Đăng ký khai sinh"}}));
        assert_eq!(
            a,
            digest(serde_json::json!({"p": {"ten": "Đăng ký khai sinh"}}))
        );
        assert_ne!(
            a,
            digest(serde_json::json!({"p": {"ten": "Đăng ký khai tử"}}))
        );
    }

    /// The stamp is the running executable's: a file of another size or age (a rebuilt
    /// niemyet) stamps differently, so its cache entries are not trusted.
    #[test]
    fn stamp_follows_the_executable() {
        let exe = std::env::current_exe().expect("exe");
        let here = exe_stamp(&std::fs::metadata(&exe).expect("meta"));
        assert!(here.is_some());
        assert_eq!(stamp(), here);
        let dir = std::env::temp_dir().join(format!("niemyet-stamp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let other = dir.join("other");
        std::fs::write(&other, b"a different executable").expect("write");
        let there = exe_stamp(&std::fs::metadata(&other).expect("meta"));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(there.is_some());
        assert_ne!(there, here);
    }
}
