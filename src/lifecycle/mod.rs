//! Lifecycle: what each record is at the build's `--as-of` date, from its announcing
//! decisions and effective dates — in force, upcoming, abolished or replaced — and the
//! change history that follows from them (the "Cập nhật" page, the Atom feed, the
//! "Thay đổi lần cuối" list on a procedure page).
//!
//! The model (docs/record-format.md, section "Hiệu lực"):
//! - A record is in force from its `ngay_hieu_luc` (none: always).
//! - A `bãi bỏ` decision ends it from that decision's `ngay_hieu_luc`.
//! - A record that lists codes in `thay_the_cho` replaces them: from the new record's
//!   `ngay_hieu_luc` the old ones leave the board and their pages point to it. The old
//!   file stays as it is; the officer writes only the new one.
//! - `phien_ban_moi` holds the next version (its `ngay_hieu_luc` and the keys that change),
//!   merged over the record from that date; `phien_ban_truoc` holds the keys of the version
//!   before, so the page can say what the last amendment changed.
//!
//! It is not a validator of the parts of a record (that is `validate`), and it never reads
//! the clock: the date is always the one the build was given.

mod changes;
mod check;
mod events;

pub use changes::{changes, changes_in, Change, Scope as ChangeScope};
pub use check::check;
pub use events::{Event, EventKind};

use crate::identity::Placed;
use crate::model::keys::IsSet;
use crate::model::{Date, Decision, DecisionKind, Procedure};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a record stands at the build date.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    InForce,
    /// Announced, effective later.
    Upcoming {
        from: Date,
    },
    Abolished {
        since: Date,
        decision: Option<Decision>,
    },
    Replaced {
        by: String,
        since: Date,
        decision: Option<Decision>,
    },
}

/// A record that left the board: its page stays, saying since when and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Retired {
    pub record: Placed,
    pub status: Status,
}

/// Something announced that takes effect after the build date.
#[derive(Debug, Clone, PartialEq)]
pub struct Upcoming {
    pub date: Date,
    pub kind: EventKind,
    pub code: String,
    pub name: String,
    pub field: String,
    pub decision: Option<Decision>,
    /// Codes this one will replace (a new record with `thay_the_cho`).
    pub replaces: Vec<String>,
    /// What a prepared amendment will change.
    pub changes: Vec<Change>,
    /// The record's page today (amendments, abolitions); `None` for a new record.
    pub url: Option<String>,
}

/// What the last amendment of an in-force record changed.
#[derive(Debug, Clone, PartialEq)]
pub struct LastChange {
    pub date: Option<Date>,
    pub decision: Option<Decision>,
    pub changes: Vec<Change>,
}

/// Everything the lifecycle says besides which procedures are in force (those go on to
/// the catalogue).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lifecycle {
    pub as_of: Option<Date>,
    /// Sorted by code.
    pub retired: Vec<Retired>,
    /// Sorted by date, then code.
    pub upcoming: Vec<Upcoming>,
    /// Newest first; only what took effect on or before the build date.
    pub events: Vec<Event>,
    /// By code, for in-force records amended with a known previous version.
    pub last_changes: BTreeMap<String, LastChange>,
}

impl Lifecycle {
    pub fn retired_by_code(&self, code: &str) -> Option<&Retired> {
        self.retired
            .binary_search_by(|r| r.record.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.retired[i])
    }
}

/// The date a record's current text takes effect: its `ngay_hieu_luc`, else that of the
/// decision announcing it (mới / thay thế). `None`: in force as far as anyone knows.
pub fn start(p: &Procedure) -> Option<Date> {
    p.ngay_hieu_luc.or_else(|| {
        p.quyet_dinh_cong_bo
            .iter()
            .filter(|d| matches!(d.loai, DecisionKind::Moi | DecisionKind::ThayThe))
            .filter_map(|d| d.ngay_hieu_luc)
            .min()
    })
}

/// The earliest `bãi bỏ` decision and the date it takes effect (its `ngay_hieu_luc`, else
/// its date of issue; `check` warns about the second).
pub fn abolition(p: &Procedure) -> Option<(Date, &Decision)> {
    p.quyet_dinh_cong_bo
        .iter()
        .filter(|d| d.loai == DecisionKind::BaiBo)
        .filter_map(|d| d.ngay_hieu_luc.or(d.ngay_ban_hanh).map(|date| (date, d)))
        .min_by_key(|(date, _)| *date)
}

/// The decision that announced a replacement, if the record names one.
pub fn replacing_decision(p: &Procedure) -> Option<&Decision> {
    p.quyet_dinh_cong_bo
        .iter()
        .find(|d| d.loai == DecisionKind::ThayThe)
}

/// Old code → (new code, date the new one takes effect, its decision).
pub type Replacements = BTreeMap<String, (String, Option<Date>, Option<Decision>)>;

pub fn replacements<'a>(records: impl Iterator<Item = (&'a str, &'a Procedure)>) -> Replacements {
    let mut map = Replacements::new();
    for (code, p) in records {
        for old in &p.thay_the_cho {
            map.entry(old.0.clone())
                .or_insert_with(|| (code.to_owned(), start(p), replacing_decision(p).cloned()));
        }
    }
    map
}

/// A record's status at `as_of`. A replacement in force wins over an abolition: its page
/// can then send citizens somewhere useful.
pub fn status(code: &str, p: &Procedure, repl: &Replacements, as_of: Date) -> Status {
    if let Some((by, date, decision)) = repl.get(code) {
        if date.is_none_or(|d| d <= as_of) {
            let since = date
                .or_else(|| decision.as_ref().and_then(|d| d.ngay_hieu_luc))
                .or_else(|| start(p))
                .unwrap_or(as_of);
            return Status::Replaced {
                by: by.clone(),
                since,
                decision: decision.clone(),
            };
        }
    }
    if let Some((date, d)) = abolition(p) {
        if date <= as_of {
            return Status::Abolished {
                since: date,
                decision: Some(d.clone()),
            };
        }
    }
    match start(p) {
        Some(from) if from > as_of => Status::Upcoming { from },
        _ => Status::InForce,
    }
}

// `keys_set`, `fixed_keys_set` and `merge`, one line a key, made from the model's list of keys
// (`model::fields`): a key added to the record is merged as soon as it is listed there.
macro_rules! versions {
    ($($key:ident : $label:literal, $kind:ident, $version:ident;)*) => {
        /// The keys a version block sets, in the record's order: those a next version may
        /// set, and that it does (not `None`, not an empty list).
        pub fn keys_set(v: &Procedure) -> Vec<String> {
            let mut out = Vec::new();
            $( versions!(@set $version, out, v.$key, $key); )*
            out
        }

        /// The keys that never change between versions (the record's identity, its
        /// version blocks) which a partial record sets: what neither a version block nor
        /// an office's override may write.
        pub fn fixed_keys_set(v: &Procedure) -> Vec<&'static str> {
            let mut out = Vec::new();
            $( versions!(@fixed $version, out, v.$key, $key); )*
            out
        }

        /// `base` with every key that `version` sets replaced by the version's value; the
        /// version's decisions are added after the base's (a record's decisions are its
        /// history). The result carries no version blocks.
        pub fn merge(base: &Procedure, version: &Procedure) -> Procedure {
            let mut out = base.clone();
            $( versions!(@merge $version $kind, out.$key, version.$key); )*
            out.phien_ban_moi = None;
            out.phien_ban_truoc = None;
            out
        }
    };
    (@set merge, $out:ident, $value:expr, $key:ident) => {
        if $value.is_set() {
            $out.push(stringify!($key).to_owned());
        }
    };
    (@set keep, $out:ident, $value:expr, $key:ident) => {};
    (@fixed keep, $out:ident, $value:expr, $key:ident) => {
        if $value.is_set() {
            $out.push(stringify!($key));
        }
    };
    (@fixed merge, $out:ident, $value:expr, $key:ident) => {};
    (@merge keep $kind:ident, $to:expr, $from:expr) => {};
    (@merge merge decisions, $to:expr, $from:expr) => {
        $to.extend($from.iter().cloned());
    };
    (@merge merge $kind:ident, $to:expr, $from:expr) => {
        if $from.is_set() {
            $to = $from.clone();
        }
    };
}
crate::procedure_fields!(versions);

/// The record as it stands, without its version blocks: what open data publishes and
/// what the manifest hashes.
pub fn without_versions(p: &Procedure) -> Procedure {
    Procedure {
        phien_ban_moi: None,
        phien_ban_truoc: None,
        ..p.clone()
    }
}

/// Split every placed record into the procedures in force at `as_of` (next versions
/// merged in, version blocks dropped) and the lifecycle around them. The order of
/// `placed` is kept.
pub fn apply(placed: Vec<Placed>, as_of: Date) -> (Vec<Placed>, Lifecycle) {
    let repl = replacements(placed.iter().map(|e| (e.code.as_str(), &*e.procedure)));
    let mut life = Lifecycle {
        as_of: Some(as_of),
        events: events::collect(&placed, as_of),
        ..Lifecycle::default()
    };
    let mut current = Vec::with_capacity(placed.len());
    for mut e in placed {
        let field = e.procedure.linh_vuc.clone().unwrap_or_default();
        match status(&e.code, &e.procedure, &repl, as_of) {
            Status::InForce => {
                let versions =
                    e.procedure.phien_ban_moi.is_some() || e.procedure.phien_ban_truoc.is_some();
                if versions {
                    // Merged or stripped of its versions below: no longer its file's parse.
                    e.origin = None;
                    amend(&mut e, as_of, &field, &mut life);
                }
                if let Some((date, d)) = abolition(&e.procedure) {
                    life.upcoming.push(Upcoming {
                        date,
                        kind: EventKind::Abolished,
                        code: e.code.clone(),
                        name: e.plain_name.clone(),
                        field: field.clone(),
                        decision: Some(d.clone()),
                        replaces: Vec::new(),
                        changes: Vec::new(),
                        url: Some(e.url_path()),
                    });
                }
                // Procedures are shared with the loaded records (the live preview keeps
                // them): copy one only when it has versions to drop.
                if e.procedure.phien_ban_moi.is_some() || e.procedure.phien_ban_truoc.is_some() {
                    let p = Arc::make_mut(&mut e.procedure);
                    p.phien_ban_moi = None;
                    p.phien_ban_truoc = None;
                }
                current.push(e);
            }
            Status::Upcoming { from } => {
                let p = &e.procedure;
                let replaces: Vec<String> = p.thay_the_cho.iter().map(|c| c.0.clone()).collect();
                life.upcoming.push(Upcoming {
                    date: from,
                    kind: if replaces.is_empty() {
                        EventKind::New
                    } else {
                        EventKind::Replaced
                    },
                    code: e.code.clone(),
                    name: e.plain_name.clone(),
                    field,
                    decision: p
                        .quyet_dinh_cong_bo
                        .iter()
                        .find(|d| matches!(d.loai, DecisionKind::Moi | DecisionKind::ThayThe))
                        .cloned(),
                    replaces,
                    changes: Vec::new(),
                    url: None,
                });
            }
            status => life.retired.push(Retired { record: e, status }),
        }
    }
    life.retired
        .sort_by(|a, b| a.record.code.cmp(&b.record.code));
    life.upcoming
        .sort_by(|a, b| a.date.cmp(&b.date).then(a.code.cmp(&b.code)));
    (current, life)
}

/// Merge a next version that is in effect; note one that is still ahead; work out what
/// the last amendment changed.
fn amend(e: &mut Placed, as_of: Date, field: &str, life: &mut Lifecycle) {
    let base = without_versions(&e.procedure);
    if let Some(next) = e.procedure.phien_ban_moi.clone() {
        let merged = merge(&base, &next);
        let date = next.ngay_hieu_luc;
        let decision = next.quyet_dinh_cong_bo.last().cloned();
        let list = changes(&base, &merged);
        if date.is_some_and(|d| d <= as_of) {
            life.last_changes.insert(
                e.code.clone(),
                LastChange {
                    date,
                    decision,
                    changes: list,
                },
            );
            if let Some(name) = &merged.ten_thu_tuc {
                e.name = name.clone();
            }
            e.plain_name = merged
                .ten_than_thien
                .clone()
                .unwrap_or_else(|| e.name.clone());
            e.procedure = Arc::new(merged);
            return;
        }
        if let Some(date) = date {
            life.upcoming.push(Upcoming {
                date,
                kind: EventKind::Amended,
                code: e.code.clone(),
                name: e.plain_name.clone(),
                field: field.to_owned(),
                decision,
                replaces: Vec::new(),
                changes: list,
                url: Some(e.url_path()),
            });
        }
    }
    if let Some(prev) = &e.procedure.phien_ban_truoc {
        let before = merge(&base, prev);
        life.last_changes.insert(
            e.code.clone(),
            LastChange {
                date: base.ngay_hieu_luc,
                decision: base
                    .quyet_dinh_cong_bo
                    .iter()
                    .rev()
                    .find(|d| d.loai == DecisionKind::SuaDoi)
                    .cloned(),
                changes: changes(&before, &base),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(yaml: &str) -> Procedure {
        serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn status_follows_the_dates() {
        let p = rec("ma_thu_tuc: \"1.000001\"\nngay_hieu_luc: 01/03/2026\nquyet_dinh_cong_bo:\n  - { loai: bãi bỏ, ngay_ban_hanh: 01/05/2026, ngay_hieu_luc: 01/06/2026 }\n");
        let none = Replacements::new();
        assert!(
            matches!(status("1.000001", &p, &none, d("2026-02-28")), Status::Upcoming { from } if from == d("2026-03-01"))
        );
        assert!(matches!(
            status("1.000001", &p, &none, d("2026-03-01")),
            Status::InForce
        ));
        assert!(
            matches!(status("1.000001", &p, &none, d("2026-06-01")), Status::Abolished { since, .. } if since == d("2026-06-01"))
        );
        let new = rec(
            "ma_thu_tuc: \"1.000002\"\nngay_hieu_luc: 01/04/2026\nthay_the_cho: [\"1.000001\"]\n",
        );
        let repl = replacements([("1.000002", &new)].into_iter());
        assert!(matches!(
            status("1.000001", &p, &repl, d("2026-03-31")),
            Status::InForce
        ));
        // The replacement wins over the later abolition, and names the new code.
        assert!(
            matches!(status("1.000001", &p, &repl, d("2026-07-01")), Status::Replaced { by, .. } if by == "1.000002")
        );
    }

    #[test]
    fn merge_replaces_set_keys_and_appends_decisions() {
        let base = rec("ma_thu_tuc: \"1.000001\"\nten_thu_tuc: Cũ\ntu_khoa: [a]\nso_luong_ho_so: 1\nquyet_dinh_cong_bo: [{ so_hieu: \"1\", loai: mới }]\nphien_ban_moi:\n  ngay_hieu_luc: 01/01/2027\n  ten_thu_tuc: Mới\n  quyet_dinh_cong_bo: [{ so_hieu: \"2\", loai: sửa đổi }]\n");
        let next = base.phien_ban_moi.clone().unwrap_or_default();
        let mut keys = keys_set(&next);
        keys.sort();
        assert_eq!(keys, ["ngay_hieu_luc", "quyet_dinh_cong_bo", "ten_thu_tuc"]);
        let m = merge(&base, &next);
        assert_eq!(m.ten_thu_tuc.as_deref(), Some("Mới"));
        assert_eq!(
            m.tu_khoa,
            ["a"],
            "empty list in the version keeps the base's"
        );
        assert_eq!(m.so_luong_ho_so, Some(1));
        assert_eq!(m.ngay_hieu_luc, Some(d("2027-01-01")));
        let numbers: Vec<_> = m
            .quyet_dinh_cong_bo
            .iter()
            .filter_map(|x| x.so_hieu.clone())
            .collect();
        assert_eq!(numbers, ["1", "2"]);
        assert!(m.phien_ban_moi.is_none() && m.ma_thu_tuc.is_some());
    }

    #[test]
    fn changes_name_documents_fees_and_other_parts() {
        let old = rec("thanh_phan_ho_so: [{ giay_to: [{ ten: Tờ khai }, { ten: Giấy cũ }] }]\ncach_thuc_thuc_hien: [{ hinh_thuc: Trực tiếp, thoi_han: { so: 3, don_vi: ngày }, phi_le_phi: [] }]\ndoi_tuong_thuc_hien: [A]\n");
        let new = rec("thanh_phan_ho_so: [{ giay_to: [{ ten: Tờ khai }, { ten: Giấy mới }] }]\ncach_thuc_thuc_hien: [{ hinh_thuc: Trực tiếp, thoi_han: { so: 2, don_vi: ngày }, phi_le_phi: [] }, { hinh_thuc: Trực tuyến }]\ndoi_tuong_thuc_hien: [A, B]\n");
        let texts: Vec<String> = changes(&old, &new)
            .into_iter()
            .map(|c| format!("{}: {}", c.field, c.text))
            .collect();
        assert_eq!(
            texts,
            [
                "Thời hạn giải quyết (Trực tiếp): 3 ngày → 2 ngày",
                "Cách thức thực hiện: Thêm: hình thức Trực tuyến",
                "Thành phần hồ sơ: Thêm: Giấy mới",
                "Thành phần hồ sơ: Bỏ: Giấy cũ",
                "Đối tượng thực hiện: thêm B",
            ]
        );
    }
}
