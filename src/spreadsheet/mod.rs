//! Spreadsheets in and out: `niemyet export` writes the list of procedure records as
//! XLSX or CSV, one row a record; `niemyet import sheet` reads such a list back after
//! an office has edited it and writes the edits of its list-level columns (names,
//! field, level, online level, effective date) into the record files, as targeted
//! edits of the keys' lines. Offices keep their lists in spreadsheets; this lets them
//! go on doing so without the records and the sheet drifting apart.
//!
//! Above `load` (it reads records as `check` does), `wording` (time and fees worded as
//! the site's cards word them) and `project` (where content comes from). The columns
//! are one list (`columns`), shared by both directions.

mod apply;
mod columns;
mod edit;
mod export;
mod read;
mod rows;

pub use apply::{import, Imported};
pub use export::{export, Exported, ListFormat};

use crate::diagnostic::Severity;
use crate::load::{self, ContentFiles, RecordCache};
use crate::model::Procedure;
use crate::project::Source;
use anyhow::{bail, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A record file as the list sees it.
struct Listed {
    /// The path under the content folder, with `/`: the list's "Tệp" column.
    rel: String,
    /// The path as messages show it (the loader's).
    path: PathBuf,
    procedure: Arc<Procedure>,
    is_md: bool,
}

/// Every record of `source`, in path order. Refused when a record does not load: the
/// list would miss it, and an import could not tell which file holds its code.
fn records(source: &Source) -> Result<Vec<Listed>> {
    let files: ContentFiles = source.read()?;
    let root: PathBuf = match source {
        Source::Dir(d) => d.clone(),
        Source::Embedded => PathBuf::from("content"),
        Source::Office(o) => o.content.clone(),
    };
    let mut broken: Vec<String> = files
        .problems
        .iter()
        .filter(|d| load::is_record_file(d.file.strip_prefix(&root).unwrap_or(&d.file)))
        .map(|d| format!("{}: {}", d.file.display(), d.message))
        .collect();
    // Through the record cache `check` and `build` keep: at 10,000 records, reading
    // unchanged records back is most of an export's time saved.
    let cache = RecordCache::open(Some(&source.cache_dir()));
    let parsed: Vec<_> = files
        .records
        .par_iter()
        .map(|f| (f, load::parse_record_cached(f, &cache)))
        .collect();
    cache.save();
    let mut listed = Vec::with_capacity(parsed.len());
    for (file, (record, diags)) in parsed {
        let first_error = diags.0.iter().find(|d| d.severity == Severity::Error);
        match (record, first_error) {
            (Some(r), None) => listed.push(Listed {
                rel: relative(&root, &file.path),
                path: file.path.clone(),
                procedure: r.procedure,
                is_md: file.is_md(),
            }),
            (_, Some(d)) => broken.push(format!("{}:{}: {}", d.file.display(), d.line, d.message)),
            (None, None) => broken.push(file.path.display().to_string()),
        }
    }
    if !broken.is_empty() {
        bail!(
            "{} tệp hồ sơ chưa đọc được, nên chưa lập được danh sách:\n  {}\nchạy niemyet check, sửa các lỗi này rồi chạy lại",
            broken.len(),
            broken.join("\n  ")
        );
    }
    listed.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(listed)
}

/// `path` under `root`, with `/` whatever the platform: what the "Tệp" column holds.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
