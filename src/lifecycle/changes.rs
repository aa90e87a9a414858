//! What changed between two versions of a record, worded as the site words it: the parts
//! of a list matched by what they are (a channel by its kind, a document by its name, a
//! decision or legal basis by its number, a step by its name), never by position, and
//! every value in the site's words ("5.000 đồng/bản", "01/07/2025", "Trực tuyến toàn
//! trình"). The lifecycle's "Thay đổi lần cuối" lists and `niemyet diff` both use it.
//!
//! One line a key, generated from the model's list of keys (`model::fields`), by the kind
//! of each key.

use crate::model::keys::label;
use crate::model::{
    Channel, Code, Condition, Date, Decision, DocumentGroup, LegalBasis, OnlineLevel, OtherAgency,
    Procedure, Step,
};
use crate::wording::{bring, channel_fees, decision_line, legal_line, one_line, time_limit};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The part, as the portal labels it ("Phí, lệ phí (Trực tiếp)").
    pub field: String,
    /// Where in the record, items named by what they are:
    /// `cach_thuc_thuc_hien[Trực tiếp].phi_le_phi`.
    pub path: String,
    /// The old and new values as the site words them; `None` for what was not there.
    pub old: Option<String>,
    pub new: Option<String>,
    /// The change in one line: "8.000 đồng/bản → 10.000 đồng/bản", "Thêm: Giấy mới".
    pub text: String,
}

/// Parts that change with every version as a matter of course (dates, decisions, the
/// version blocks, identity): left out of a version's list of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything that differs (`niemyet diff`).
    All,
    /// What a citizen should know changed between two versions.
    Content,
}

struct Out<'a> {
    list: &'a mut Vec<Change>,
}

impl Out<'_> {
    fn push(&mut self, field: String, path: String, old: Option<String>, new: Option<String>) {
        let text = match (&old, &new) {
            (Some(o), Some(n)) => format!("{o} → {n}"),
            (None, Some(n)) => format!("Thêm: {n}"),
            (Some(o), None) => format!("Bỏ: {o}"),
            (None, None) => return,
        };
        self.list.push(Change {
            field,
            path,
            old,
            new,
            text,
        });
    }

    fn note(&mut self, field: String, path: String, text: &str) {
        self.list.push(Change {
            field,
            path,
            old: None,
            new: None,
            text: text.to_owned(),
        });
    }
}

/// A value as the site shows it, for one kind of key.
trait Worded {
    fn worded(&self) -> Option<String>;
}

impl Worded for Option<String> {
    fn worded(&self) -> Option<String> {
        self.as_deref().map(|s| format!("“{}”", one_line(s)))
    }
}

impl Worded for Option<u32> {
    fn worded(&self) -> Option<String> {
        self.map(|n| n.to_string())
    }
}

impl Worded for Option<Date> {
    fn worded(&self) -> Option<String> {
        self.map(|d| d.vn())
    }
}

impl Worded for Option<OnlineLevel> {
    fn worded(&self) -> Option<String> {
        self.map(|l| l.label().to_owned())
    }
}

impl Worded for Option<OtherAgency> {
    fn worded(&self) -> Option<String> {
        self.as_ref().map(crate::wording::other_agency)
    }
}

impl Worded for Option<Code> {
    fn worded(&self) -> Option<String> {
        self.as_ref().map(|c| c.to_string())
    }
}

/// One value each side: "old → new".
fn scalar<T: Worded + PartialEq>(key: &str, old: &T, new: &T, out: &mut Out<'_>) {
    if old != new {
        out.push(label(key).into(), key.into(), old.worded(), new.worded());
    }
}

/// Lists of items that are their own identity (texts, codes): what was added, what went.
fn set<T: PartialEq + std::fmt::Display>(key: &str, old: &[T], new: &[T], out: &mut Out<'_>) {
    if old == new {
        return;
    }
    let added: Vec<String> = new
        .iter()
        .filter(|x| !old.contains(x))
        .map(|x| x.to_string())
        .collect();
    let removed: Vec<String> = old
        .iter()
        .filter(|x| !new.contains(x))
        .map(|x| x.to_string())
        .collect();
    if added.is_empty() && removed.is_empty() {
        out.note(label(key).into(), key.into(), "đổi thứ tự");
        return;
    }
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("thêm {}", added.join("; ")));
    }
    if !removed.is_empty() {
        parts.push(format!("bỏ {}", removed.join("; ")));
    }
    out.list.push(Change {
        field: label(key).into(),
        path: key.into(),
        old: (!removed.is_empty()).then(|| removed.join("; ")),
        new: (!added.is_empty()).then(|| added.join("; ")),
        text: parts.join("; "),
    });
}

/// Items matched by what they are (`name`: a channel's kind, a document's name): each
/// added or removed item worded whole (`whole`), each kept item compared by `inner`.
fn matched<T>(
    key: &str,
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> String,
    whole: impl Fn(&T) -> String,
    inner: impl Fn(&T, &T, &str, &mut Out<'_>),
    out: &mut Out<'_>,
) {
    for n in new {
        match old.iter().find(|o| name(o) == name(n)) {
            None => out.push(
                label(key).into(),
                format!("{key}[{}]", name(n)),
                None,
                Some(whole(n)),
            ),
            Some(o) => inner(o, n, &format!("{key}[{}]", name(n)), out),
        }
    }
    for o in old {
        if !new.iter().any(|n| name(n) == name(o)) {
            out.push(
                label(key).into(),
                format!("{key}[{}]", name(o)),
                Some(whole(o)),
                None,
            );
        }
    }
}

fn channels(key: &str, old: &[Channel], new: &[Channel], out: &mut Out<'_>) {
    let time = |c: &Channel| c.thoi_han.as_ref().map(time_limit);
    let whole = |c: &Channel| {
        let mut s = format!("hình thức {}", c.hinh_thuc.label());
        if let Some(t) = time(c) {
            s.push_str(&format!(
                " (thời hạn {t}; phí, lệ phí: {})",
                channel_fees(c)
            ));
        }
        s
    };
    matched(
        key,
        old,
        new,
        |c| c.hinh_thuc.label().to_owned(),
        whole,
        |o, n, path, out| {
            let kind = n.hinh_thuc.label();
            if time(o) != time(n) {
                out.push(
                    format!("Thời hạn giải quyết ({kind})"),
                    format!("{path}.thoi_han"),
                    time(o),
                    time(n),
                );
            }
            let (of, nf) = (channel_fees(o), channel_fees(n));
            if of != nf {
                out.push(
                    format!("Phí, lệ phí ({kind})"),
                    format!("{path}.phi_le_phi"),
                    Some(of),
                    Some(nf),
                );
            } else if o.phi_le_phi != n.phi_le_phi {
                out.note(
                    format!("Phí, lệ phí ({kind})"),
                    format!("{path}.phi_le_phi"),
                    "sửa trường hợp áp dụng, miễn giảm hoặc ghi chú",
                );
            }
            if o.mo_ta != n.mo_ta {
                out.push(
                    format!("Ghi chú ({kind})"),
                    format!("{path}.mo_ta"),
                    o.mo_ta.worded(),
                    n.mo_ta.worded(),
                );
            }
        },
        out,
    );
}

fn documents(key: &str, old: &[DocumentGroup], new: &[DocumentGroup], out: &mut Out<'_>) {
    let all = |gs: &[DocumentGroup]| -> Vec<crate::model::Document> {
        gs.iter().flat_map(|g| g.giay_to.iter().cloned()).collect()
    };
    let (o, n) = (all(old), all(new));
    let name = |d: &crate::model::Document| d.ten.clone().unwrap_or_default();
    // "Thêm: Giấy mới" as before: a document is its name.
    matched(
        key,
        &o,
        &n,
        name,
        name,
        |a, b, path, out| {
            if bring(a) != bring(b) {
                out.push(
                    format!("{} ({})", label(key), name(b)),
                    path.to_owned(),
                    Some(bring(a)),
                    Some(bring(b)),
                );
            } else if a != b {
                out.note(
                    format!("{} ({})", label(key), name(b)),
                    path.to_owned(),
                    "sửa mẫu đơn, ghi chú hoặc giấy tờ thay thế",
                );
            }
        },
        out,
    );
    if out.list.iter().all(|c| !c.path.starts_with(key)) {
        let cases =
            |gs: &[DocumentGroup]| gs.iter().map(|g| g.truong_hop.clone()).collect::<Vec<_>>();
        if cases(old) != cases(new) {
            out.note(
                label(key).into(),
                key.into(),
                "sửa các trường hợp của giấy tờ",
            );
        }
    }
}

fn steps(key: &str, old: &[Step], new: &[Step], out: &mut Out<'_>) {
    let name = |s: &Step| {
        s.ten
            .clone()
            .or_else(|| s.mo_ta.as_deref().map(one_line))
            .unwrap_or_default()
    };
    matched(
        key,
        old,
        new,
        name,
        name,
        |a, b, path, out| {
            if a != b {
                out.note(
                    format!("{} ({})", label(key), name(b)),
                    path.to_owned(),
                    "có sửa đổi",
                );
            }
        },
        out,
    );
}

fn legal(key: &str, old: &[LegalBasis], new: &[LegalBasis], out: &mut Out<'_>) {
    numbered(key, old, new, |l| l.so_hieu.clone(), legal_line, out);
}

fn decisions(key: &str, old: &[Decision], new: &[Decision], out: &mut Out<'_>) {
    numbered(key, old, new, |d| d.so_hieu.clone(), decision_line, out);
}

/// Documents matched by their number (or, without one, by their whole line), a changed
/// one said as its line before and after.
fn numbered<T: PartialEq>(
    key: &str,
    old: &[T],
    new: &[T],
    number: fn(&T) -> Option<String>,
    line: fn(&T) -> String,
    out: &mut Out<'_>,
) {
    matched(
        key,
        old,
        new,
        |t| number(t).unwrap_or_else(|| line(t)),
        line,
        |a, b, path, out| {
            if a != b {
                out.push(
                    label(key).into(),
                    path.to_owned(),
                    Some(line(a)),
                    Some(line(b)),
                );
            }
        },
        out,
    );
}

fn conditions(key: &str, old: &[Condition], new: &[Condition], out: &mut Out<'_>) {
    fn flat(list: &[Condition], into: &mut Vec<String>) {
        for c in list {
            into.push(one_line(&c.noi_dung));
            flat(&c.chi_tiet, into);
        }
    }
    let (mut o, mut n) = (Vec::new(), Vec::new());
    flat(old, &mut o);
    flat(new, &mut n);
    set(key, &o, &n, out);
}

// `compare`: one call a key, by its kind.
macro_rules! compare {
    ($($key:ident : $label:literal, $kind:ident, $version:ident;)*) => {
        fn compare(old: &Procedure, new: &Procedure, scope: Scope, out: &mut Out<'_>) {
            $( compare!(@one $kind, scope, stringify!($key), old.$key, new.$key, out); )*
        }
    };
    (@one versions, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => {};
    (@one quiet, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => {};
    (@one identity, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => {
        if $scope == Scope::All {
            identity($key, &$o, &$n, $out);
        }
    };
    (@one date, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => {
        if $scope == Scope::All {
            scalar($key, &$o, &$n, $out);
        }
    };
    (@one decisions, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => {
        if $scope == Scope::All {
            decisions($key, &$o, &$n, $out);
        }
    };
    (@one text, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { scalar($key, &$o, &$n, $out) };
    (@one number, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { scalar($key, &$o, &$n, $out) };
    (@one level, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { scalar($key, &$o, &$n, $out) };
    (@one texts, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { set($key, &$o, &$n, $out) };
    (@one codes, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { set($key, &$o, &$n, $out) };
    (@one steps, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { steps($key, &$o, &$n, $out) };
    (@one channels, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { channels($key, &$o, &$n, $out) };
    (@one documents, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { documents($key, &$o, &$n, $out) };
    (@one legal, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { legal($key, &$o, &$n, $out) };
    (@one conditions, $scope:ident, $key:expr, $o:expr, $n:expr, $out:ident) => { conditions($key, &$o, &$n, $out) };
}
crate::procedure_fields!(compare);

/// Identity keys differ only between two builds (`niemyet diff`): the slug, the codes a
/// record replaces.
trait Identity {
    fn differs(&self, other: &Self, key: &str, out: &mut Out<'_>);
}

impl Identity for Option<Code> {
    fn differs(&self, other: &Self, key: &str, out: &mut Out<'_>) {
        scalar(key, self, other, out)
    }
}

impl Identity for Option<String> {
    fn differs(&self, other: &Self, key: &str, out: &mut Out<'_>) {
        scalar(key, self, other, out)
    }
}

impl Identity for Vec<Code> {
    fn differs(&self, other: &Self, key: &str, out: &mut Out<'_>) {
        set(key, self, other, out)
    }
}

fn identity<T: Identity>(key: &str, old: &T, new: &T, out: &mut Out<'_>) {
    old.differs(new, key, out);
}

/// What a citizen should know changed from `old` to `new` (dates, decisions and identity
/// left out: they change with every version), most useful first: the name, channels'
/// times and fees, documents, then the other parts in the record's order.
pub fn changes(old: &Procedure, new: &Procedure) -> Vec<Change> {
    changes_in(old, new, Scope::Content)
}

/// Every difference from `old` to `new`, in the same order.
pub fn changes_in(old: &Procedure, new: &Procedure, scope: Scope) -> Vec<Change> {
    let mut list = Vec::new();
    compare(old, new, scope, &mut Out { list: &mut list });
    // The name, then how to submit and what it costs, then documents, then the rest.
    let rank = |c: &Change| match c.path.split(['.', '[']).next().unwrap_or_default() {
        "ten_thu_tuc" => 0,
        "cach_thuc_thuc_hien" => 1,
        "thanh_phan_ho_so" => 2,
        _ => 3,
    };
    list.sort_by_key(rank);
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(yaml: &str) -> Procedure {
        serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn channels_match_by_kind_and_values_read_as_on_the_site() {
        let old = rec("cach_thuc_thuc_hien:\n  - { hinh_thuc: Trực tiếp, thoi_han: { so: 3, don_vi: ngày }, phi_le_phi: [{ loai: Lệ phí, muc_thu: 5000 }] }\n  - { hinh_thuc: Dịch vụ bưu chính, thoi_han: { so: 3, don_vi: ngày }, phi_le_phi: [] }\n");
        // An online channel inserted between the two: matched by kind, not position.
        let new = rec("cach_thuc_thuc_hien:\n  - { hinh_thuc: Trực tiếp, thoi_han: { so: 3, don_vi: ngày }, phi_le_phi: [{ loai: Lệ phí, muc_thu: 2500 }] }\n  - { hinh_thuc: Trực tuyến, thoi_han: { so: 1, don_vi: ngày làm việc }, phi_le_phi: [] }\n  - { hinh_thuc: Dịch vụ bưu chính, thoi_han: { so: 3, don_vi: ngày }, phi_le_phi: [] }\n");
        let texts: Vec<String> = changes(&old, &new)
            .into_iter()
            .map(|c| format!("{} | {} | {}", c.field, c.path, c.text))
            .collect();
        assert_eq!(
            texts,
            [
                "Phí, lệ phí (Trực tiếp) | cach_thuc_thuc_hien[Trực tiếp].phi_le_phi | 5.000 đồng → 2.500 đồng",
                "Cách thức thực hiện | cach_thuc_thuc_hien[Trực tuyến] | Thêm: hình thức Trực tuyến (thời hạn 1 ngày làm việc; phí, lệ phí: Miễn phí)",
            ]
        );
    }

    #[test]
    fn documents_decisions_and_dates() {
        let old = rec("thanh_phan_ho_so: [{ giay_to: [{ ten: Tờ khai, ban_chinh: 1 }, { ten: Giấy cũ }] }]\nngay_cap_nhat: 01/01/2025\nquyet_dinh_cong_bo: [{ so_hieu: \"1/QĐ\", loai: mới }]\n");
        let new = rec("thanh_phan_ho_so: [{ giay_to: [{ ten: Tờ khai, ban_chinh: 2 }, { ten: Giấy mới }] }]\nngay_cap_nhat: 01/06/2025\nquyet_dinh_cong_bo: [{ so_hieu: \"1/QĐ\", loai: mới }, { so_hieu: \"2/QĐ\", loai: sửa đổi }]\n");
        let texts: Vec<String> = changes_in(&old, &new, Scope::All)
            .into_iter()
            .map(|c| format!("{}: {}", c.field, c.text))
            .collect();
        assert_eq!(
            texts,
            [
                "Thành phần hồ sơ (Tờ khai): 1 bản chính → 2 bản chính",
                "Thành phần hồ sơ: Thêm: Giấy mới",
                "Thành phần hồ sơ: Bỏ: Giấy cũ",
                "Quyết định công bố: Thêm: Sửa đổi, bổ sung: 2/QĐ",
                "Ngày cập nhật: 01/01/2025 → 01/06/2025",
            ]
        );
        // Between two versions, dates and decisions are not news.
        assert_eq!(changes(&old, &new).len(), 3);
    }
}
