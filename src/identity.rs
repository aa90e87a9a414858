//! Who each valid record is on the board: its code, official and plain names and its
//! address (slug), decided over every record at once — before the lifecycle sorts them
//! into in force, upcoming and retired, so that a retired procedure keeps the address it
//! had and a new one never takes it.
//!
//! Owns slug assignment (a name's slug, or its code beside it on a collision or where a
//! list page lives). Knows nothing of fields, dates or pages; those follow in
//! `lifecycle` and `catalogue`.

use crate::cache::Digest32;
use crate::diagnostic::{Diagnostic, FieldPath, Finding};
use crate::load::LoadedRecord;
use crate::model::Procedure;
use crate::text::{slugify, SLUG_MAX};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What is worked out from one record file alone, once per parse (in parallel in a
/// build; kept between rebuilds by the live preview): placing every record is then only
/// sorting and a look-up per name.
#[derive(Debug)]
pub struct Keys {
    code: String,
    name: String,
    /// The slug from the name, before collisions are resolved.
    slug_base: String,
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
        Keys {
            slug_base,
            code,
            name,
            body: rec.body().map(Arc::from),
        }
    }
}

/// A valid record and who it is on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub code: String,
    /// Official name.
    pub name: String,
    /// Plain-language name; the official name when the record has none.
    pub plain_name: String,
    pub slug: String,
    pub procedure: Arc<Procedure>,
    /// Markdown guidance for citizens (the body of a `.md` record).
    pub body: Option<Arc<str>>,
    pub source: PathBuf,
    /// Digest of the record text `procedure` was parsed from, while `procedure` is
    /// exactly that parse (the lifecycle clears it when it merges or strips a version):
    /// work kept per procedure between builds is keyed by it.
    pub origin: Option<Digest32>,
}

impl Placed {
    /// Site-relative URL path, e.g. `thu-tuc/dang-ky-khai-sinh/`.
    pub fn url_path(&self) -> String {
        crate::permalink::procedure(&self.slug)
    }
}

/// Give every record its address, in code order (then path), so the same content always
/// gives the same addresses. A `slug:` written in the record is kept; an automatic slug
/// taken by another record, or shaped like a list page (`trang-2`), gets the code beside
/// it, with a warning when two records collided. Returns the records placed, in code
/// order, and those warnings.
pub fn place(records: Vec<LoadedRecord>, keys: Vec<Arc<Keys>>) -> (Vec<Placed>, Vec<Diagnostic>) {
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
        if let Some(s) = &records[i].procedure.slug {
            slugs[i] = s.clone();
            continue;
        }
        let base = k.slug_base.as_str();
        let other = taken.get(base).copied();
        if other.is_none() && !crate::permalink::is_list_page_slug(base) {
            taken.insert(base.to_owned(), i);
            slugs[i] = base.to_owned();
            continue;
        }
        let slug = format!("{base}-{}", slugify(&k.code, SLUG_MAX));
        if let Some(other) = other {
            warnings.extend(records[i].locate(vec![Finding::warning(
                FieldPath::root().key("ten_thu_tuc"),
                format!(
                    "đường dẫn \"{base}\" trùng với {}; dùng \"{slug}\"",
                    records[other].path.display()
                ),
                Some("đặt slug: riêng cho thủ tục này để đường dẫn dễ đọc".into()),
            )]));
        }
        taken.insert(slug.clone(), i);
        slugs[i] = slug;
    }
    let mut records: Vec<Option<LoadedRecord>> = records.into_iter().map(Some).collect();
    let placed = order
        .into_iter()
        .filter_map(|i| {
            let rec = records[i].take()?;
            let k = &keys[i];
            Some(Placed {
                plain_name: rec
                    .procedure
                    .ten_than_thien
                    .clone()
                    .unwrap_or_else(|| k.name.clone()),
                code: k.code.clone(),
                name: k.name.clone(),
                slug: std::mem::take(&mut slugs[i]),
                procedure: rec.procedure,
                body: k.body.clone(),
                source: rec.path,
                origin: rec.source,
            })
        })
        .collect();
    (placed, warnings)
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
