//! Each procedure's piece of a catalogue-wide file (its search terms, its open-data
//! item), kept between builds. One record changed means the search index and open data
//! are written again whole, since they are files over every procedure, but the pieces
//! of the procedures that did not change are read back instead of made again.
//!
//! A piece is keyed by the identity its caller gives (for a procedure, `Entry::identity`:
//! the record text its procedure was parsed from, its names and address) and whatever
//! else the renderer says it used (field, site address). Without an identity (no cache,
//! or a procedure the lifecycle changed) a piece is always made afresh. Stored in a
//! [`Store`] per renderer.

use super::store::Store;
use super::{Digest32, Key};
use std::path::Path;

const MAGIC: &[u8] = b"niemyet-pieces-1\n";

pub struct Pieces {
    part: &'static str,
    store: Store,
}

impl Pieces {
    /// The pieces of `part` (a renderer's name) kept in `dir`; off without one.
    pub fn open(dir: Option<&Path>, part: &'static str) -> Pieces {
        Pieces {
            part,
            store: Store::open(dir, &format!("manh-{part}.bin"), MAGIC),
        }
    }

    /// The piece of what `identity` digests: read back when one made from the same
    /// inputs is kept (and `decode` accepts it), else made by `make` and kept as `encode`
    /// writes it (`None`: not kept). `used` names what the piece is made from beyond it.
    pub fn get_or_make<T>(
        &self,
        identity: Option<Digest32>,
        used: &[&str],
        decode: impl FnOnce(&[u8]) -> Option<T>,
        make: impl FnOnce() -> T,
        encode: impl FnOnce(&T) -> Option<Vec<u8>>,
    ) -> T {
        let key = self.key(identity, used);
        if let Some(piece) = key
            .and_then(|k| self.store.get(&k))
            .and_then(|b| decode(&b))
        {
            return piece;
        }
        let piece = make();
        if let Some(k) = key {
            if let Some(bytes) = encode(&piece) {
                self.store.put(k, &bytes);
            }
        }
        piece
    }

    fn key(&self, identity: Option<Digest32>, used: &[&str]) -> Option<Digest32> {
        let identity = identity.filter(|_| self.store.is_on())?;
        let mut k = Key::new();
        k.part(self.part.as_bytes()).part(&identity);
        for u in used {
            k.part(u.as_bytes());
        }
        Some(k.digest())
    }

    /// Pieces read back in this run.
    pub fn hits(&self) -> usize {
        self.store.hits()
    }

    /// Keep the pieces this run used or made for the next one.
    pub fn save(self) {
        self.store.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a procedure's identity stands for here: the record text it was parsed from
    /// (`None`: not cached) and its name.
    struct Entry {
        name: &'static str,
        origin: Option<Digest32>,
    }

    fn entry(origin: Option<Digest32>) -> Entry {
        Entry {
            name: "Đăng ký khai sinh",
            origin,
        }
    }

    fn identity(e: &Entry) -> Option<Digest32> {
        let mut k = Key::new();
        k.part(e.origin.as_ref()?).part(e.name.as_bytes());
        Some(k.digest())
    }

    fn piece(p: &Pieces, e: &Entry, used: &str, made: &mut usize) -> String {
        p.get_or_make(
            identity(e),
            &[used],
            |b| String::from_utf8(b.to_vec()).ok(),
            || {
                *made += 1;
                format!("{}|{used}", e.name)
            },
            |s| Some(s.as_bytes().to_vec()),
        )
    }

    #[test]
    fn kept_by_origin_and_inputs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = entry(Some([1; 32]));
        let mut made = 0;
        let p = Pieces::open(Some(dir.path()), "search");
        assert_eq!(
            piece(&p, &e, "Hộ tịch", &mut made),
            "Đăng ký khai sinh|Hộ tịch"
        );
        p.save();

        let p = Pieces::open(Some(dir.path()), "search");
        assert_eq!(
            piece(&p, &e, "Hộ tịch", &mut made),
            "Đăng ký khai sinh|Hộ tịch"
        );
        assert_eq!((made, p.hits()), (1, 1), "read back, not made");
        piece(&p, &e, "Chứng thực", &mut made);
        let renamed = Entry {
            name: "Đăng ký lại khai sinh",
            ..entry(Some([1; 32]))
        };
        assert_eq!(
            piece(&p, &renamed, "Hộ tịch", &mut made),
            "Đăng ký lại khai sinh|Hộ tịch"
        );
        piece(&p, &entry(Some([2; 32])), "Hộ tịch", &mut made);
        piece(&p, &entry(None), "Hộ tịch", &mut made);
        piece(&p, &entry(None), "Hộ tịch", &mut made);
        assert_eq!(
            made, 6,
            "other inputs, other name, other origin, no origin: made"
        );
        p.save();
        let other = Pieces::open(Some(dir.path()), "du-lieu");
        piece(&other, &e, "Hộ tịch", &mut made);
        assert_eq!(made, 7, "parts do not share pieces");
    }
}
