//! Load: read the content folder (or the embedded sample) into typed records.
//!
//! What this stage does: walk `thu-tuc/`, normalise text to NFC, split Markdown front
//! matter, deserialise with serde_yaml, and turn serde's failures into located,
//! Vietnamese diagnostics. What it does not do: rules about meaning (mandatory parts,
//! duplicate codes…) — those are `validate`'s.

pub mod cache;
mod form;
mod front_matter;
pub mod locate;
mod record;
mod serde_msg;
mod syntax;

pub use cache::RecordCache;
pub use form::{form_slug, parse_form, Attachment, CheckedForm, LoadedForm};
#[cfg(feature = "pdf")]
pub use front_matter::split_front_matter;
pub use record::{parse_record, parse_record_cached, parse_yaml_file, LoadedRecord};
pub use serde_msg::suggest;

use crate::cache::{Digest32, Key};
use crate::text::normalize;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use walkdir::WalkDir;

/// One file of the content tree, its text already normalised (and never changed after).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown in messages: relative to the current directory when possible.
    pub path: PathBuf,
    pub text: String,
    digest: OnceLock<Digest32>,
}

impl SourceFile {
    pub fn new(path: PathBuf, raw: &str) -> Self {
        SourceFile {
            path,
            text: normalize(raw.strip_prefix('\u{feff}').unwrap_or(raw)),
            digest: OnceLock::new(),
        }
    }

    /// Whether the file is Markdown with YAML front matter (else plain YAML).
    pub fn is_md(&self) -> bool {
        self.path.extension().is_some_and(|e| e == "md")
    }

    /// Digest of what the file says: its kind and normalised text, not its path. Made
    /// once: the build's input digest and the record cache both ask for it, and hashing
    /// a province's records twice is a measurable part of a rebuild.
    pub fn digest(&self) -> Digest32 {
        *self.digest.get_or_init(|| {
            let mut k = Key::new();
            k.part(&[self.is_md() as u8]).part(self.text.as_bytes());
            k.digest()
        })
    }
}

/// The files of a content tree that niemyet reads.
#[derive(Debug, Clone, Default)]
pub struct ContentFiles {
    pub site: Option<SourceFile>,
    pub records: Vec<SourceFile>,
    pub synonyms: Option<SourceFile>,
    /// Form definitions (`bieu-mau/*.yaml`).
    pub forms: Vec<SourceFile>,
    /// Every other file under `bieu-mau/` (official originals), by shown path.
    pub form_assets: Vec<(PathBuf, Vec<u8>)>,
}

/// Where a file under the content folder belongs to the forms: `Some(true)` a definition,
/// `Some(false)` an attachment, `None` not a form file.
pub fn form_file_kind(rel: &Path) -> Option<bool> {
    let in_forms = rel
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == "bieu-mau");
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with(['.', '_']));
    if !in_forms || hidden {
        return None;
    }
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    Some(matches!(ext, "yaml" | "yml"))
}

/// Record files live under `thu-tuc/`, in any sub-folder, as `.md`, `.yaml` or `.yml`.
pub fn is_record_file(rel: &Path) -> bool {
    let in_records = rel
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == "thu-tuc");
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with(['.', '_']));
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    in_records && !hidden && matches!(ext, "md" | "yaml" | "yml")
}

/// Read one content file (UTF-8, normalised to NFC).
pub fn read(p: &Path) -> Result<SourceFile> {
    let raw = std::fs::read(p).with_context(|| format!("không đọc được {}", p.display()))?;
    let raw = String::from_utf8(raw).map_err(|_| {
        anyhow::anyhow!(
            "{}: tệp không phải UTF-8; hãy lưu lại với mã hóa UTF-8",
            p.display()
        )
    })?;
    Ok(SourceFile::new(p.to_path_buf(), &raw))
}

/// The form definitions (`content/bieu-mau/*.yaml`) and the official files beside them.
#[derive(Clone, Default)]
pub struct FormFiles {
    pub files: Vec<SourceFile>,
    pub assets: Vec<(PathBuf, Vec<u8>)>,
}

/// Read only the form definitions and their official files (`content/bieu-mau/`): what
/// the live preview reloads when anything in that folder changes.
pub fn read_forms(content: &Path) -> Result<FormFiles> {
    let (mut forms, mut assets) = (Vec::new(), Vec::new());
    let dir = content.join("bieu-mau");
    if !dir.is_dir() {
        return Ok(FormFiles::default());
    }
    for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
        let entry = entry.with_context(|| format!("không duyệt được {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(content).unwrap_or(entry.path());
        match form_file_kind(rel) {
            Some(true) => forms.push(read(entry.path())?),
            Some(false) => {
                let bytes = std::fs::read(entry.path())
                    .with_context(|| format!("không đọc được {}", entry.path().display()))?;
                assets.push((entry.path().to_path_buf(), bytes));
            }
            None => {}
        }
    }
    Ok(FormFiles {
        files: forms,
        assets,
    })
}

/// Read a content folder from disk.
pub fn read_dir(content: &Path) -> Result<ContentFiles> {
    if !content.is_dir() {
        anyhow::bail!(
            "không tìm thấy thư mục nội dung {}: tạo thư mục này (có site.yaml và thu-tuc/) hoặc chỉ đường dẫn bằng --content",
            content.display()
        );
    }
    let mut files = ContentFiles::default();
    let site = content.join("site.yaml");
    if site.is_file() {
        files.site = Some(read(&site)?);
    }
    let synonyms = content.join("tu-dong-nghia.yaml");
    if synonyms.is_file() {
        files.synonyms = Some(read(&synonyms)?);
    }
    let mut paths = Vec::new();
    for entry in WalkDir::new(content).follow_links(true).sort_by_file_name() {
        let entry = entry.with_context(|| format!("không duyệt được {}", content.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(content).unwrap_or(entry.path());
        if is_record_file(rel) {
            paths.push(entry.path().to_path_buf());
        }
        match form_file_kind(rel) {
            Some(true) => files.forms.push(read(entry.path())?),
            Some(false) => {
                let bytes = std::fs::read(entry.path())
                    .with_context(|| format!("không đọc được {}", entry.path().display()))?;
                files.form_assets.push((entry.path().to_path_buf(), bytes));
            }
            None => {}
        }
    }
    use rayon::prelude::*;
    files.records = paths
        .par_iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>>>()?;
    Ok(files)
}
