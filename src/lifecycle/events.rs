//! The change history: one event per announcing decision that has taken effect, for the
//! "Cập nhật" page and the Atom feed. Dates come from the records, never from the clock.

use super::start;
use crate::identity::Placed;
use crate::model::{Date, Decision, DecisionKind, Procedure};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    New,
    Amended,
    Replaced,
    Abolished,
}

impl EventKind {
    pub fn label(self) -> &'static str {
        match self {
            EventKind::New => "Mới ban hành",
            EventKind::Amended => "Sửa đổi, bổ sung",
            EventKind::Replaced => "Thay thế",
            EventKind::Abolished => "Bãi bỏ",
        }
    }
    /// Used in stable ids and CSS classes.
    pub fn slug(self) -> &'static str {
        match self {
            EventKind::New => "moi",
            EventKind::Amended => "sua-doi",
            EventKind::Replaced => "thay-the",
            EventKind::Abolished => "bai-bo",
        }
    }
    /// A decision whose kind the source does not give changes nothing a citizen can be
    /// told of: no event is made up for it.
    fn of(kind: DecisionKind) -> Option<EventKind> {
        match kind {
            DecisionKind::Moi => Some(EventKind::New),
            DecisionKind::SuaDoi => Some(EventKind::Amended),
            DecisionKind::ThayThe => Some(EventKind::Replaced),
            DecisionKind::BaiBo => Some(EventKind::Abolished),
            DecisionKind::ChuaRo => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `2026-01-01-1.001193-sua-doi`: stable across builds, unique in the list; the
    /// anchor on the "Cập nhật" page and the tail of the Atom entry id.
    pub id: String,
    pub date: Date,
    pub kind: EventKind,
    pub code: String,
    pub name: String,
    /// Site-relative URL of the record's page.
    pub url: String,
    pub decision: Option<Decision>,
    /// For a replacement: the codes it replaces.
    pub replaces: Vec<String>,
}

/// Every event on or before `as_of`, newest first (ties: code, kind).
pub fn collect(entries: &[Placed], as_of: Date) -> Vec<Event> {
    let mut out = Vec::new();
    for e in entries {
        let p = &e.procedure;
        // Not on the board yet: its decisions belong to "Sắp có hiệu lực", and it has no page.
        if start(p).is_some_and(|s| s > as_of) {
            continue;
        }
        let mut push = |date: Date, kind: EventKind, decision: Option<&Decision>| {
            if date <= as_of {
                out.push(Event {
                    id: String::new(),
                    date,
                    kind,
                    code: e.code.clone(),
                    name: e.plain_name.clone(),
                    url: e.url_path(),
                    decision: decision.cloned(),
                    replaces: if kind == EventKind::Replaced {
                        p.thay_the_cho.iter().map(|c| c.0.clone()).collect()
                    } else {
                        Vec::new()
                    },
                });
            }
        };
        for d in &p.quyet_dinh_cong_bo {
            if let (Some(date), Some(kind)) = (decision_date(d, p), EventKind::of(d.loai)) {
                push(date, kind, Some(d));
            }
        }
        if let Some(next) = &p.phien_ban_moi {
            if let Some(date) = next.ngay_hieu_luc {
                if next.quyet_dinh_cong_bo.is_empty() {
                    push(date, EventKind::Amended, None);
                }
                // The version's date is when the board changes, whatever the decision says.
                for d in &next.quyet_dinh_cong_bo {
                    push(
                        date,
                        EventKind::of(d.loai).unwrap_or(EventKind::Amended),
                        Some(d),
                    );
                }
            }
        }
    }
    out.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(a.code.cmp(&b.code))
            .then(a.kind.cmp(&b.kind))
    });
    let mut seen = BTreeSet::new();
    for ev in &mut out {
        let base = format!("{}-{}-{}", ev.date.iso(), ev.code, ev.kind.slug());
        let mut id = base.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        ev.id = id;
    }
    out
}

/// When a decision changed the board: its own effective date; else, for the decision that
/// brought the current text (the last one that is not a bãi bỏ), the record's effective
/// date; else its date of issue.
fn decision_date(d: &Decision, p: &Procedure) -> Option<Date> {
    let current = p
        .quyet_dinh_cong_bo
        .iter()
        .rev()
        .find(|x| x.loai != DecisionKind::BaiBo)
        .is_some_and(|x| std::ptr::eq(x, d));
    d.ngay_hieu_luc
        .or_else(|| if current { start(p) } else { None })
        .or(d.ngay_ban_hanh)
}
