//! The province page (`output/index.html`): every office with its address and how many
//! procedures it posts, linking its board, and the catalogue's recent changes with the
//! offices each one reaches. `output/don-vi.json` keeps the same list for tools and for
//! a build of a subset of offices (`--don-vi`), which updates only their lines.

use crate::catalogue::Catalogue;
use crate::model::SiteConfig;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfficeLine {
    pub slug: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub procedures: usize,
    pub online: usize,
    /// What took effect most recently among the office's procedures.
    pub events: Vec<EventLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventLine {
    pub date_iso: String,
    pub date: String,
    pub code: String,
    pub name: String,
    pub kind: String,
}

/// How many of the catalogue's changes the page lists.
const RECENT: usize = 20;

impl OfficeLine {
    pub fn new(slug: &str, name: &str, site: Option<&SiteConfig>, cat: &Catalogue) -> Self {
        OfficeLine {
            slug: slug.to_owned(),
            name: name.to_owned(),
            address: site.map(|s| s.co_quan.dia_chi.clone()).unwrap_or_default(),
            phone: site
                .map(|s| s.co_quan.dien_thoai.clone())
                .unwrap_or_default(),
            procedures: cat.entries.len(),
            online: cat
                .entries
                .iter()
                .filter(|e| e.online().is_online())
                .count(),
            events: cat
                .lifecycle
                .events
                .iter()
                .take(RECENT)
                .map(|e| EventLine {
                    date_iso: e.date.iso(),
                    date: e.date.vn(),
                    code: e.code.clone(),
                    name: e.name.clone(),
                    kind: e.kind.label().to_owned(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct Change<'a> {
    event: &'a EventLine,
    offices: Vec<&'a str>,
    every: bool,
}

const TEMPLATE: &str = include_str!("../../themes/default/province.html");

/// Write the page and the list for `offices` (every office of the province) into
/// `dir`; returns the files written.
pub fn write(
    dir: &Path,
    province: &str,
    offices: &[&OfficeLine],
) -> Result<Vec<std::path::PathBuf>> {
    let mut by_event: BTreeMap<&EventLine, Vec<&str>> = BTreeMap::new();
    for o in offices {
        for e in &o.events {
            by_event.entry(e).or_default().push(&o.name);
        }
    }
    let mut changes: Vec<Change<'_>> = by_event
        .into_iter()
        .map(|(event, names)| Change {
            every: names.len() == offices.len() && offices.len() > 1,
            event,
            offices: names,
        })
        .collect();
    changes.sort_by(|a, b| {
        b.event
            .date_iso
            .cmp(&a.event.date_iso)
            .then(a.event.code.cmp(&b.event.code))
    });
    changes.truncate(RECENT);
    let mut ctx = tera::Context::new();
    ctx.insert("province", province);
    ctx.insert("offices", offices);
    ctx.insert("changes", &changes);
    ctx.insert(
        "total",
        &offices.iter().map(|o| o.procedures).sum::<usize>(),
    );
    let html = tera::Tera::one_off(TEMPLATE, &ctx, true).context("trang của tỉnh")?;
    let (page, list) = (dir.join("index.html"), dir.join(LIST));
    put(&page, html.as_bytes())?;
    put(&list, &serde_json::to_vec_pretty(offices)?)?;
    Ok(vec![page, list])
}

/// The offices' lines of the last build in `output`.
pub fn read_lines(output: &Path) -> Vec<OfficeLine> {
    std::fs::read(output.join(LIST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The machine-readable list of offices beside the page.
const LIST: &str = "don-vi.json";

fn put(path: &Path, bytes: &[u8]) -> Result<()> {
    if crate::cache::write_atomic(path, bytes) {
        Ok(())
    } else {
        anyhow::bail!("không ghi được {}", path.display())
    }
}
