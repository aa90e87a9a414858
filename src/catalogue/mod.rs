//! The catalogue: the procedures in force at the build date, with the derived facts
//! renderers need (fields and their members, sort orders, forms, life events), built once
//! per build from what `identity` placed and `lifecycle` kept.
//!
//! Renderers read only this; none of them reads files or re-derives a slug.

mod events;
mod forms;

pub use events::*;
pub use forms::*;

use crate::cache::{Digest32, Key};
use crate::identity::Placed;
use crate::lifecycle::Lifecycle;
use crate::model::{Date, OnlineLevel, Procedure};
use crate::text::{fold, slugify};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub code: String,
    /// Official name.
    pub name: String,
    /// Plain-language name; the official name when the record has none.
    pub plain_name: String,
    pub slug: String,
    /// Index into `Catalogue::fields`.
    pub field: usize,
    pub procedure: Arc<Procedure>,
    /// Markdown guidance for citizens (the body of a `.md` record).
    pub body: Option<Arc<str>>,
    pub source: PathBuf,
    /// Digest of the record text `procedure` was parsed from, while `procedure` is
    /// exactly that parse: work kept per procedure between builds is keyed by it
    /// ([`crate::cache::pieces`]). `None` when nothing is cached, and for a procedure
    /// the lifecycle changed (a version merged in or dropped).
    pub origin: Option<Digest32>,
}

impl Entry {
    pub fn online(&self) -> OnlineLevel {
        self.procedure
            .muc_do_truc_tuyen
            .unwrap_or(OnlineLevel::Khong)
    }
    pub fn updated(&self) -> Option<Date> {
        self.procedure.ngay_cap_nhat
    }
    /// Digest of everything the entry holds (record, names, address, field), while its
    /// procedure is its file's parse ([`Entry::origin`]): what is made from the entry
    /// alone can be kept under it between builds. `None` otherwise.
    pub fn identity(&self) -> Option<Digest32> {
        let mut k = Key::new();
        k.part(self.origin.as_ref()?)
            .part(self.code.as_bytes())
            .part(self.name.as_bytes())
            .part(self.plain_name.as_bytes())
            .part(self.slug.as_bytes())
            .part(&(self.field as u64).to_le_bytes());
        Some(k.digest())
    }
    /// Site-relative URL path, e.g. `thu-tuc/dang-ky-khai-sinh/`.
    pub fn url_path(&self) -> String {
        crate::permalink::procedure(&self.slug)
    }
    /// Digest of everything the entry holds, always: its [`Entry::identity`] when it has
    /// one (cheap: no serialising), else made from the procedure itself.
    pub fn digest(&self) -> Digest32 {
        if let Some(id) = self.identity() {
            return id;
        }
        let mut k = Key::new();
        k.json(&*self.procedure)
            .part(self.body.as_deref().unwrap_or_default().as_bytes())
            .part(self.code.as_bytes())
            .part(self.name.as_bytes())
            .part(self.plain_name.as_bytes())
            .part(self.slug.as_bytes())
            .part(&(self.field as u64).to_le_bytes());
        k.digest()
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub slug: String,
    /// Indices into `Catalogue::entries`, sorted by plain name.
    pub entries: Vec<usize>,
}

impl Field {
    pub fn url_path(&self) -> String {
        crate::permalink::field(&self.slug)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Sorted by code, so output order never depends on the file system.
    pub entries: Vec<Entry>,
    /// Sorted by name without diacritics.
    pub fields: Vec<Field>,
    /// Form definitions (`bieu-mau/`), set by the build after the entries.
    pub forms: Forms,
    by_code: HashMap<String, usize>,
    /// Records not in force at the build date, what is coming, what changed.
    pub lifecycle: Lifecycle,
}

impl Catalogue {
    /// The catalogue of the procedures in force (as the lifecycle left them: next
    /// versions merged in), with the lifecycle around them. Built once: fields follow
    /// from each procedure's `linh_vuc` as it stands, grouped by its slug and
    /// named as the first record in code order spells it.
    pub fn build(current: Vec<Placed>, lifecycle: Lifecycle) -> Catalogue {
        let mut current = current;
        current.sort_by(|a, b| a.code.cmp(&b.code).then_with(|| a.source.cmp(&b.source)));
        let field_of: Vec<(String, &str)> = current
            .iter()
            .map(|p| {
                let name = p.procedure.linh_vuc.as_deref().unwrap_or_default();
                // By slug: two spellings that would share linh-vuc/<slug>/ are one field.
                (slugify(name, crate::text::SLUG_MAX), name)
            })
            .collect();
        let mut first: BTreeMap<&str, &str> = BTreeMap::new();
        for (key, name) in &field_of {
            first.entry(key.as_str()).or_insert(name);
        }
        let ids: HashMap<&str, usize> = first.keys().enumerate().map(|(n, k)| (*k, n)).collect();
        let mut fields: Vec<Field> = first
            .iter()
            .map(|(slug, name)| Field {
                name: (*name).to_owned(),
                slug: (*slug).to_owned(),
                entries: Vec::new(),
            })
            .collect();
        let field_ids: Vec<usize> = field_of.iter().map(|(k, _)| ids[k.as_str()]).collect();
        let entries: Vec<Entry> = current
            .into_iter()
            .zip(field_ids)
            .enumerate()
            .map(|(i, (p, field))| {
                fields[field].entries.push(i);
                Entry {
                    code: p.code,
                    name: p.name,
                    plain_name: p.plain_name,
                    slug: p.slug,
                    field,
                    procedure: p.procedure,
                    body: p.body,
                    source: p.source,
                    origin: p.origin,
                }
            })
            .collect();
        let sort_keys: Vec<String> = entries.iter().map(|e| fold(&e.plain_name)).collect();
        for f in &mut fields {
            f.entries.sort_by(|&a, &b| {
                sort_keys[a]
                    .cmp(&sort_keys[b])
                    .then_with(|| entries[a].code.cmp(&entries[b].code))
            });
        }
        let by_code = index_by_code(&entries);
        Catalogue {
            entries,
            fields,
            forms: Forms::default(),
            by_code,
            lifecycle,
        }
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    pub fn by_code(&self, code: &str) -> Option<&Entry> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }

    /// Most recently updated first; ties by code. Records without a date come last.
    pub fn recently_updated(&self, n: usize) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.updated().is_some())
            .collect();
        v.sort_by(|a, b| b.updated().cmp(&a.updated()).then(a.code.cmp(&b.code)));
        v.truncate(n);
        v
    }

    /// The latest review date of any record: the site's "updated" date. Derived from
    /// records, never from the clock, so the same input builds the same bytes.
    pub fn last_updated(&self) -> Option<Date> {
        self.entries.iter().filter_map(|e| e.updated()).max()
    }
}

fn index_by_code(entries: &[Entry]) -> HashMap<String, usize> {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.code.clone(), i))
        .collect()
}
