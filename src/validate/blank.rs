//! Blank text anywhere in a record (`ten: ""`, or `ten:` followed by spaces): an empty
//! line on a public noticeboard looks like missing information. The same walk refuses
//! text and lists past the limits of [`crate::limits`].
//!
//! The record is walked through its own `Serialize`, with a serializer that only looks
//! at strings and keeps the path it is at: paths name fields exactly as the record
//! file does (serde's names), and no copy of the record is made. A 10,000-record
//! build walks every string of every record here; converting each record to a
//! `serde_json::Value` first cost more than all other per-record checks together.
//!
//! `site.yaml` is also walked for the "(chưa ghi …)" values `niemyet init` leaves.

use crate::diagnostic::{FieldPath, Finding, Seg};
use serde::ser::{self, Serialize};

/// How a value `niemyet init` could not know begins ("(chưa ghi: địa chỉ …)").
pub const NOT_GIVEN: &str = "(chưa ghi";

/// An error for every blank string in `value`, at its path.
pub fn blank_strings(value: &impl Serialize, out: &mut Vec<Finding>) {
    walk(value, out, Mode::Blanks);
}

/// Only the limits on text and list length, for files where empty text can be meant
/// (a form's sample values).
pub fn over_limits(value: &impl Serialize, out: &mut Vec<Finding>) {
    walk(value, out, Mode::Limits);
}

/// A warning for every "(chưa ghi …)" value `niemyet init` left in `value`.
pub fn not_given(value: &impl Serialize, out: &mut Vec<Finding>) {
    walk(value, out, Mode::NotGiven);
}

fn walk(value: &impl Serialize, out: &mut Vec<Finding>, mode: Mode) {
    let mut walker = Walker {
        at: FieldPath::root(),
        out,
        mode,
    };
    // The walker itself never fails; a value's own Serialize failing ends the walk.
    let _ = value.serialize(&mut walker);
}

/// What the walk looks for in each string.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Blank text and YAML nulls, and the limits.
    Blanks,
    /// Only the limits.
    Limits,
    /// Only values `niemyet init` left to fill in.
    NotGiven,
}

struct Walker<'o> {
    at: FieldPath,
    out: &'o mut Vec<Finding>,
    mode: Mode,
}

impl Walker<'_> {
    fn text(&mut self, s: &str) {
        match self.mode {
            Mode::Blanks => {}
            Mode::Limits => {
                if s.len() > crate::limits::MAX_TEXT_CHARS {
                    self.too_long(s);
                }
                return;
            }
            Mode::NotGiven => {
                if s.contains(NOT_GIVEN) {
                    self.out.push(Finding::warning(
                        self.at.clone(),
                        "còn để trống từ lúc tạo thư mục (niemyet init)",
                        Some("thay dòng \"(chưa ghi …)\" bằng thông tin thật của cơ quan".into()),
                    ));
                }
                return;
            }
        }
        if crate::text::is_blank(s) {
            self.out.push(Finding::error(
                self.at.clone(),
                if s.is_empty() || s.trim().is_empty() {
                    "nội dung để trống"
                } else {
                    "nội dung để trống (chỉ có ký tự không hiện ra, như dấu cách rộng 0)"
                },
                Some("ghi nội dung, hoặc xóa hẳn dòng này".into()),
            ));
        } else if s.len() > crate::limits::MAX_TEXT_CHARS {
            self.too_long(s);
        } else if matches!(s, "null" | "Null" | "NULL" | "~") {
            // YAML's null where text is expected reaches a string field as its spelling:
            // the page would show the word "null".
            self.out.push(Finding::error(
                self.at.clone(),
                format!("ghi {s} (giá trị rỗng) ở chỗ cần nội dung: trang web sẽ hiện chữ \"{s}\""),
                Some("ghi nội dung, hoặc xóa hẳn phần tử này".into()),
            ));
        }
    }

    fn too_long(&mut self, s: &str) {
        let n = s.chars().count();
        if n > crate::limits::MAX_TEXT_CHARS {
            self.out.push(Finding::error(
                self.at.clone(),
                format!(
                    "nội dung dài {n} ký tự, quá giới hạn {} ký tự",
                    crate::limits::MAX_TEXT_CHARS
                ),
                Some("tóm tắt nội dung; văn bản đầy đủ thì dẫn số hiệu hoặc liên kết".into()),
            ));
        }
    }

    fn under<T: Serialize + ?Sized>(&mut self, seg: Seg, value: &T) -> Result<(), Stop> {
        self.at.0.push(seg);
        let r = value.serialize(&mut *self);
        self.at.0.pop();
        r
    }
}

/// Raised only by a value's own `Serialize` (`Error::custom`).
#[derive(Debug)]
pub struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("serialisation stopped")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

/// A sequence, tuple, map or struct being walked; `pops` path segments were pushed
/// for it (a variant's name) and are removed at its end.
pub struct Compound<'w, 'o> {
    w: &'w mut Walker<'o>,
    index: usize,
    key: Option<String>,
    pops: usize,
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let i = self.index;
        self.index += 1;
        self.w.under(Seg::Index(i), value)
    }
    fn done(self) -> Result<(), Stop> {
        for _ in 0..self.pops {
            self.w.at.0.pop();
        }
        Ok(())
    }
}

/// Serializer methods for values that hold no text.
macro_rules! nothing_to_see {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, _: $t) -> Result<(), Stop> {
            Ok(())
        }
    )*};
}

/// Sequences, tuples and tuple variants: elements by their index.
macro_rules! by_index {
    ($($kind:ident::$method:ident),*) => {$(
        impl ser::$kind for Compound<'_, '_> {
            type Ok = ();
            type Error = Stop;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
                self.element(value)
            }
            fn end(self) -> Result<(), Stop> {
                self.done()
            }
        }
    )*};
}

/// Structs and struct variants: fields by their serde name.
macro_rules! by_name {
    ($($kind:ident),*) => {$(
        impl ser::$kind for Compound<'_, '_> {
            type Ok = ();
            type Error = Stop;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Stop> {
                self.w.under(Seg::Key(key.to_owned()), value)
            }
            fn end(self) -> Result<(), Stop> {
                self.done()
            }
        }
    )*};
}

impl<'w, 'o> ser::Serializer for &'w mut Walker<'o> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Compound<'w, 'o>;
    type SerializeTuple = Compound<'w, 'o>;
    type SerializeTupleStruct = Compound<'w, 'o>;
    type SerializeTupleVariant = Compound<'w, 'o>;
    type SerializeMap = Compound<'w, 'o>;
    type SerializeStruct = Compound<'w, 'o>;
    type SerializeStructVariant = Compound<'w, 'o>;

    fn serialize_str(self, v: &str) -> Result<(), Stop> {
        self.text(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Stop> {
        self.text(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    nothing_to_see!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_f32: f32,
        serialize_f64: f64,
        serialize_bytes: &[u8]
    );
    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.under(Seg::Key(variant.to_owned()), value)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'w, 'o>, Stop> {
        let limits = self.mode != Mode::NotGiven;
        if let Some(n) = len.filter(|n| limits && *n > crate::limits::MAX_LIST_ITEMS) {
            self.out.push(Finding::error(
                self.at.clone(),
                format!(
                    "danh sách có {n} mục, quá giới hạn {} mục",
                    crate::limits::MAX_LIST_ITEMS
                ),
                Some("gộp các mục giống nhau; danh sách dài thì tách thành thủ tục hoặc văn bản riêng".into()),
            ));
        }
        Ok(compound(self, None))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'w, 'o>, Stop> {
        Ok(compound(self, None))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>, Stop> {
        Ok(compound(self, None))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'o>, Stop> {
        Ok(compound(self, Some(variant)))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, 'o>, Stop> {
        Ok(compound(self, None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>, Stop> {
        Ok(compound(self, None))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'o>, Stop> {
        Ok(compound(self, Some(variant)))
    }
}

fn compound<'w, 'o>(w: &'w mut Walker<'o>, variant: Option<&str>) -> Compound<'w, 'o> {
    if let Some(v) = variant {
        w.at.0.push(Seg::Key(v.to_owned()));
    }
    Compound {
        w,
        index: 0,
        key: None,
        pops: usize::from(variant.is_some()),
    }
}

by_index!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        // Keys are named as JSON would name them (records only have text keys).
        self.key = Some(match serde_json::to_value(key) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(_) => return Err(Stop),
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.key.take().ok_or(Stop)?;
        self.w.under(Seg::Key(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        self.done()
    }
}

by_name!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Procedure;

    /// The former check, through `serde_json::Value`: the walker must find the same.
    fn through_value(p: &impl Serialize) -> Vec<FieldPath> {
        fn walk(v: &serde_json::Value, at: &mut FieldPath, out: &mut Vec<FieldPath>) {
            let mut child = |v: &serde_json::Value, seg: Seg, out: &mut Vec<FieldPath>| {
                at.0.push(seg);
                match v {
                    serde_json::Value::String(s) if s.trim().is_empty() => out.push(at.clone()),
                    _ => walk(v, at, out),
                }
                at.0.pop();
            };
            match v {
                serde_json::Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        child(item, Seg::Index(i), out);
                    }
                }
                serde_json::Value::Object(map) => {
                    for (k, item) in map {
                        child(item, Seg::Key(k.clone()), out);
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        let v = serde_json::to_value(p).expect("to value");
        walk(&v, &mut FieldPath::root(), &mut out);
        out.sort_by_key(|p| format!("{p:?}"));
        out
    }

    fn walked(p: &impl Serialize) -> Vec<FieldPath> {
        let mut found = Vec::new();
        blank_strings(p, &mut found);
        let mut paths: Vec<FieldPath> = found.into_iter().map(|f| f.field).collect();
        paths.sort_by_key(|p| format!("{p:?}"));
        paths
    }

    #[test]
    fn finds_what_a_json_walk_finds() {
        let yaml = r#"
ma_thu_tuc: "1.001193"
ten_thu_tuc: " "
linh_vuc: ""
doi_tuong_thuc_hien: ["Công dân", "  "]
thanh_phan_ho_so:
  - truong_hop: ""
    giay_to:
      - { ten: "Tờ khai", ban_chinh: 1, ghi_chu: "", thay_the: ["", "Bản sao"] }
yeu_cau_dieu_kien:
  - "Đủ 18 tuổi"
  - " "
trinh_tu_thuc_hien:
  - { ten: "Nộp hồ sơ", mo_ta: "" }
"#;
        let p: Procedure = serde_yaml::from_str(yaml).expect("record");
        let found = walked(&p);
        assert!(found.len() >= 7, "{found:?}");
        assert_eq!(found, through_value(&p));
        let named: Vec<String> = found.iter().map(|p| p.to_string()).collect();
        assert!(named.contains(&"thanh_phan_ho_so[0].giay_to[0].thay_the[0]".to_owned()));
        assert!(named.contains(&"ten_thu_tuc".to_owned()), "{named:?}");
    }

    #[test]
    fn a_clean_record_has_none() {
        let p: Procedure =
            serde_yaml::from_str("ma_thu_tuc: \"1.001193\"\nten_thu_tuc: Đăng ký khai sinh\n")
                .expect("record");
        assert!(walked(&p).is_empty());
    }
}
