//! The little binary encoding the cache files share: little-endian `u64` counts and
//! lengths, raw digests, length-prefixed UTF-8. Reading stops (`None`) at the first
//! thing out of place, which the caches treat as a miss.

use super::Digest32;

pub fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub fn digest(&mut self) -> Option<Digest32> {
        self.take(32)?.try_into().ok()
    }
    pub fn str(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.u64()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
    /// Everything read: a well-formed entry leaves nothing behind.
    pub fn is_done(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_short_input() {
        let mut out = Vec::new();
        put_u64(&mut out, 7);
        put_str(&mut out, "Đăng ký");
        let mut r = Reader(&out);
        assert_eq!(r.u64(), Some(7));
        assert_eq!(r.str(), Some("Đăng ký"));
        assert!(r.is_done());
        let mut short = Reader(&out[..out.len() - 1]);
        short.u64();
        assert_eq!(short.str(), None);
    }
}
