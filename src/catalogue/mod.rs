//! The catalogue: every valid procedure, with the derived facts renderers need
//! (URL slugs, fields and their members, sort orders), built once per build.
//!
//! Renderers read only this; none of them reads files or re-derives a slug.

mod events;
mod format;
mod forms;

pub use events::*;
pub use format::*;
pub use forms::*;

use crate::cache::{Digest32, Key};
use crate::diagnostic::{Diagnostic, FieldPath, Finding};
use crate::load::LoadedRecord;
use crate::model::{Date, OnlineLevel, Procedure};
use crate::text::{fold, slugify};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// What the catalogue derives from one record alone: computed once per record file
/// (in parallel in a build; kept between rebuilds by the live preview), so assembling
/// the catalogue is only sorting and counting.
#[derive(Debug)]
pub struct Keys {
    code: String,
    name: String,
    /// The slug from the name, before collisions are resolved.
    slug_base: String,
    field_name: String,
    field_key: String,
    field_slug: String,
    /// Plain name folded, for sorting.
    sort_key: String,
    body: Option<Arc<str>>,
}

impl Keys {
    pub fn of(rec: &LoadedRecord) -> Keys {
        let p = &rec.procedure;
        let code = p
            .ma_thu_tuc
            .as_ref()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let name = p.ten_thu_tuc.clone().unwrap_or_default();
        let base = slugify(strip_thu_tuc(&name), SLUG_MAX);
        let slug_base = if base.is_empty() {
            slugify(&code, SLUG_MAX)
        } else {
            base
        };
        let field_name = p.linh_vuc.clone().unwrap_or_default();
        Keys {
            sort_key: fold(p.ten_than_thien.as_deref().unwrap_or(&name)),
            field_key: fold(&field_name),
            field_slug: slugify(&field_name, SLUG_MAX),
            field_name,
            slug_base,
            code,
            name,
            body: rec.body().map(Arc::from),
        }
    }
}

/// Longest auto-generated slug, in bytes; long official names are cut at a word.
const SLUG_MAX: usize = 80;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub code: String,
    /// Official name.
    pub name: String,
    /// Plain-language name; the official name when the record has none.
    pub plain_name: String,
    pub slug: String,
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
    /// Records not in force at the build date, what is coming, what changed
    /// (filled by `lifecycle::apply`; empty before it).
    pub lifecycle: crate::lifecycle::Lifecycle,
}

impl Catalogue {
    /// Build from records that passed validation. Returns warnings about slugs that
    /// collided and were disambiguated (an officer may want to set `slug:` by hand).
    /// Consumes the records so each file's text is freed as its entry is made: at
    /// province scale the catalogue, not two copies of it, is what stays in memory.
    pub fn build(records: Vec<LoadedRecord>, keys: Vec<Arc<Keys>>) -> (Catalogue, Vec<Diagnostic>) {
        debug_assert_eq!(records.len(), keys.len());
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by(|&a, &b| {
            keys[a]
                .code
                .cmp(&keys[b].code)
                .then_with(|| records[a].path.cmp(&records[b].path))
        });

        let mut warnings = Vec::new();
        let mut taken: HashMap<String, usize> = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.procedure.slug.clone().map(|s| (s, i)))
            .collect();
        let mut slugs: Vec<String> = vec![String::new(); records.len()];
        for &i in &order {
            let k = &keys[i];
            let slug = match &records[i].procedure.slug {
                Some(s) => s.clone(),
                None => {
                    let base = k.slug_base.as_str();
                    // Taken by another record, or a list page's address (`trang-2/`):
                    // keep the code beside it.
                    let other = taken.get(base).copied();
                    if other.is_some() || crate::permalink::is_list_page_slug(base) {
                        let slug = format!("{base}-{}", slugify(&k.code, SLUG_MAX));
                        if let Some(other) = other {
                            warnings.push((
                                i,
                                Finding::warning(
                                    FieldPath::root().key("ten_thu_tuc"),
                                    format!(
                                        "đường dẫn \"{base}\" trùng với {}; dùng \"{slug}\"",
                                        records[other].path.display()
                                    ),
                                    Some(
                                        "đặt slug: riêng cho thủ tục này để đường dẫn dễ đọc"
                                            .into(),
                                    ),
                                ),
                            ));
                        }
                        taken.insert(slug.clone(), i);
                        slugs[i] = slug;
                        continue;
                    }
                    taken.insert(base.to_owned(), i);
                    base.to_owned()
                }
            };
            slugs[i] = slug;
        }
        let warnings: Vec<Diagnostic> = warnings
            .into_iter()
            .flat_map(|(i, w)| records[i].locate(vec![w]))
            .collect();

        // Fields in order of their folded names; each named as its first record in code
        // order spells it.
        let mut first: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in &order {
            first.entry(keys[i].field_key.as_str()).or_insert(i);
        }
        let field_ids: HashMap<&str, usize> =
            first.keys().enumerate().map(|(n, k)| (*k, n)).collect();
        let mut fields: Vec<Field> = first
            .values()
            .map(|&i| Field {
                name: keys[i].field_name.clone(),
                slug: keys[i].field_slug.clone(),
                entries: Vec::new(),
            })
            .collect();
        let mut entries = Vec::with_capacity(records.len());
        let mut records: Vec<Option<LoadedRecord>> = records.into_iter().map(Some).collect();
        for &i in &order {
            let Some(rec) = records[i].take() else {
                continue;
            };
            let k = &keys[i];
            let field = field_ids[k.field_key.as_str()];
            fields[field].entries.push(entries.len());
            entries.push(Entry {
                plain_name: rec
                    .procedure
                    .ten_than_thien
                    .clone()
                    .unwrap_or_else(|| k.name.clone()),
                code: k.code.clone(),
                name: k.name.clone(),
                slug: std::mem::take(&mut slugs[i]),
                field,
                procedure: rec.procedure,
                body: k.body.clone(),
                source: rec.path,
                origin: rec.source,
            });
        }
        let sort_keys: Vec<&str> = order.iter().map(|&i| keys[i].sort_key.as_str()).collect();
        for f in &mut fields {
            f.entries.sort_by(|&a, &b| {
                sort_keys[a]
                    .cmp(sort_keys[b])
                    .then_with(|| entries[a].code.cmp(&entries[b].code))
            });
        }
        let by_code = index_by_code(&entries);
        (
            Catalogue {
                entries,
                fields,
                forms: Forms::default(),
                by_code,
                lifecycle: Default::default(),
            },
            warnings,
        )
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// A catalogue of some of the entries of another (slugs kept), with its fields
    /// worked out again: a field whose every procedure left the board goes too.
    pub fn from_entries(
        mut entries: Vec<Entry>,
        lifecycle: crate::lifecycle::Lifecycle,
    ) -> Catalogue {
        entries.sort_by(|a, b| a.code.cmp(&b.code).then(a.source.cmp(&b.source)));
        let mut field_ids: BTreeMap<String, String> = BTreeMap::new();
        for e in &entries {
            let name = e.procedure.linh_vuc.clone().unwrap_or_default();
            field_ids.entry(fold(&name)).or_insert(name);
        }
        let keys: Vec<String> = field_ids.keys().cloned().collect();
        let mut fields: Vec<Field> = field_ids
            .into_values()
            .map(|name| Field {
                slug: slugify(&name, SLUG_MAX),
                name,
                entries: Vec::new(),
            })
            .collect();
        for (idx, e) in entries.iter_mut().enumerate() {
            let key = fold(e.procedure.linh_vuc.as_deref().unwrap_or_default());
            let f = keys.binary_search(&key).unwrap_or(0);
            e.field = f;
            fields[f].entries.push(idx);
        }
        for f in &mut fields {
            f.entries
                .sort_by_cached_key(|&i| (fold(&entries[i].plain_name), entries[i].code.clone()));
        }
        let by_code = index_by_code(&entries);
        Catalogue {
            entries,
            fields,
            by_code,
            lifecycle,
            forms: Default::default(),
        }
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

/// "Thủ tục đăng ký khai sinh" → "đăng ký khai sinh": every name starts the same way,
/// which would make every URL start with `thu-tuc-`.
fn strip_thu_tuc(name: &str) -> &str {
    let trimmed = name.trim_start();
    for prefix in ["Thủ tục ", "thủ tục ", "THỦ TỤC "] {
        if let Some(rest) = trimmed.strip_prefix(prefix) {
            return rest;
        }
    }
    trimmed
}
