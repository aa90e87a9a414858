//! The lifecycle's pages: "Cập nhật" (what changed, by date) and its Atom feed,
//! "Sắp có hiệu lực" (announced, not yet in force), and the page an abolished or
//! replaced procedure keeps at its old URL. What is in force is decided in `lifecycle`;
//! this only lays it out.

use super::SiteRenderer;
use crate::catalogue::Catalogue;
use crate::lifecycle::{Change, Event, Retired, Status};
use crate::model::Date;
use crate::permalink;
use crate::render::data::xml_escape;
use crate::render::{Output, RenderContext};
use crate::wording::decision_ref;
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write;

/// How many changes the Atom feed carries (the page lists them all).
const FEED_ENTRIES: usize = 50;

#[derive(Serialize)]
struct Ref {
    code: String,
    name: String,
    url: String,
}

/// A code's name and page, wherever the record now is (on the board or retired).
fn find(cat: &Catalogue, code: &str) -> Option<Ref> {
    if let Some(e) = cat.by_code(code) {
        return Some(Ref {
            code: e.code.clone(),
            name: e.plain_name.clone(),
            url: e.url_path(),
        });
    }
    let r: &Retired = cat.lifecycle.retired_by_code(code)?;
    Some(Ref {
        code: r.record.code.clone(),
        name: r.record.plain_name.clone(),
        url: r.record.url_path(),
    })
}

fn refs(cat: &Catalogue, codes: &[String]) -> Vec<Ref> {
    codes
        .iter()
        .map(|c| {
            find(cat, c).unwrap_or(Ref {
                code: c.clone(),
                name: String::new(),
                url: String::new(),
            })
        })
        .collect()
}

#[derive(Serialize)]
struct EventView {
    id: String,
    kind: &'static str,
    kind_slug: &'static str,
    code: String,
    name: String,
    url: String,
    decision: Option<String>,
    replaces: Vec<Ref>,
}

#[derive(Serialize)]
struct Day {
    date: String,
    date_iso: String,
    events: Vec<EventView>,
}

#[derive(Serialize)]
struct UpcomingView {
    date: String,
    date_iso: String,
    kind: &'static str,
    kind_slug: &'static str,
    code: String,
    name: String,
    field: String,
    decision: Option<String>,
    replaces: Vec<Ref>,
    changes: Vec<Change>,
    url: Option<String>,
}

#[derive(Serialize)]
struct RetiredView {
    code: String,
    name: String,
    plain_name: String,
    field: Option<String>,
    replaced: bool,
    since: String,
    since_iso: String,
    decision: Option<String>,
    replacement: Option<Ref>,
}

fn event_view(cat: &Catalogue, ev: &Event) -> EventView {
    EventView {
        id: ev.id.clone(),
        kind: ev.kind.label(),
        kind_slug: ev.kind.slug(),
        code: ev.code.clone(),
        name: ev.name.clone(),
        url: ev.url.clone(),
        decision: ev.decision.as_ref().map(decision_ref),
        replaces: refs(cat, &ev.replaces),
    }
}

/// The lifecycle pages: what changed, what is coming, and the old addresses of retired
/// procedures. Called with the lists (they name procedures as cards do).
pub(crate) fn render(
    r: &SiteRenderer,
    out: &Output,
    base: &super::Base,
    ctx: &RenderContext<'_>,
) -> Result<()> {
    let cat = ctx.catalogue;
    let life = &cat.lifecycle;
    let mut days: Vec<Day> = Vec::new();
    for ev in &life.events {
        if days.last().is_none_or(|d| d.date_iso != ev.date.iso()) {
            days.push(Day {
                date: ev.date.vn(),
                date_iso: ev.date.iso(),
                events: Vec::new(),
            });
        }
        if let Some(day) = days.last_mut() {
            day.events.push(event_view(cat, ev));
        }
    }
    let upcoming: Vec<UpcomingView> = life
        .upcoming
        .iter()
        .map(|u| UpcomingView {
            date: u.date.vn(),
            date_iso: u.date.iso(),
            kind: u.kind.label(),
            kind_slug: u.kind.slug(),
            code: u.code.clone(),
            name: u.name.clone(),
            field: u.field.clone(),
            decision: u.decision.as_ref().map(decision_ref),
            replaces: refs(cat, &u.replaces),
            changes: u.changes.clone(),
            url: u.url.clone(),
        })
        .collect();
    r.page(out, base, "updates.html", permalink::UPDATES, |c| {
        c.insert("days", &days);
        c.insert("upcoming_count", &upcoming.len());
    })?;
    r.page(out, base, "upcoming.html", permalink::UPCOMING, |c| {
        c.insert("items", &upcoming);
    })?;
    out.write(permalink::FEED, atom(ctx, cat, &life.events).as_bytes())?;

    life.retired.par_iter().try_for_each(|ret| {
        let (replaced, since, decision, replacement) = match &ret.status {
            Status::Replaced {
                by,
                since,
                decision,
            } => (true, *since, decision, find(cat, by)),
            Status::Abolished { since, decision } => (false, *since, decision, None),
            _ => return Ok(()),
        };
        let view = RetiredView {
            code: ret.record.code.clone(),
            name: ret.record.name.clone(),
            plain_name: ret.record.plain_name.clone(),
            field: ret.record.procedure.linh_vuc.clone(),
            replaced,
            since: since.vn(),
            since_iso: since.iso(),
            decision: decision.as_ref().map(decision_ref),
            replacement,
        };
        r.page(out, base, "retired.html", &ret.record.url_path(), |c| {
            c.insert("r", &view);
        })
    })
}

/// RFC 3339 at the start of the day in Vietnam: records carry dates, not times.
fn stamp(d: Date) -> String {
    format!("{}T00:00:00+07:00", d.iso())
}

/// Atom 1.0 (RFC 4287). Ids are URLs of the entry's anchor on the "Cập nhật" page, so
/// they never change between builds; `updated` is the newest change's date.
fn atom(ctx: &RenderContext<'_>, cat: &Catalogue, events: &[Event]) -> String {
    let base = &ctx.site.base_url;
    let authority = &ctx.site.co_quan.ten;
    // Without any change on record, the newest review date; the build date only for a
    // catalogue that has neither.
    let updated = events
        .first()
        .map(|e| e.date)
        .or_else(|| cat.last_updated())
        .unwrap_or(ctx.as_of);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n");
    let _ = writeln!(
        x,
        "  <title>{}</title>\n  <subtitle>Thủ tục hành chính mới ban hành, sửa đổi, thay thế, bãi bỏ</subtitle>",
        xml_escape(&format!("Cập nhật thủ tục hành chính — {authority}"))
    );
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&format!("{base}cap-nhat/")));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&format!("{base}cap-nhat/atom.xml"))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&format!("{base}cap-nhat/"))
    );
    let _ = writeln!(x, "  <updated>{}</updated>", stamp(updated));
    let _ = writeln!(
        x,
        "  <author><name>{}</name></author>",
        xml_escape(authority)
    );
    for ev in events.iter().take(FEED_ENTRIES) {
        let v = event_view(cat, ev);
        let mut summary = format!("{}: {} (mã {})", v.kind, v.name, v.code);
        if !v.replaces.is_empty() {
            let old: Vec<String> = v
                .replaces
                .iter()
                .map(|r| {
                    if r.name.is_empty() {
                        r.code.clone()
                    } else {
                        format!("{} (mã {})", r.name, r.code)
                    }
                })
                .collect();
            let _ = write!(summary, ", thay thế {}", old.join("; "));
        }
        if let Some(d) = &v.decision {
            let _ = write!(summary, ". {d}");
        }
        let _ = write!(summary, ". Có hiệu lực từ {}.", ev.date.vn());
        x.push_str("  <entry>\n");
        let _ = writeln!(
            x,
            "    <id>{}</id>",
            xml_escape(&format!("{base}cap-nhat/#{}", v.id))
        );
        let _ = writeln!(
            x,
            "    <title>{}</title>",
            xml_escape(&format!("{}: {}", v.kind, v.name))
        );
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&format!("{base}{}", v.url))
        );
        let _ = writeln!(x, "    <updated>{}</updated>", stamp(ev.date));
        let _ = writeln!(
            x,
            "    <category term=\"{}\" label=\"{}\"/>",
            v.kind_slug,
            xml_escape(v.kind)
        );
        let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&summary));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}
