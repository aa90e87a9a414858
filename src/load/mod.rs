//! Load: read the content folder (or the embedded sample) into typed records.
//!
//! What this stage does: walk `thu-tuc/`, normalise text to NFC, split Markdown front
//! matter, deserialise with serde_yaml, and turn serde's failures into located,
//! Vietnamese diagnostics. What it does not do: rules about meaning (mandatory parts,
//! duplicate codes…) — those are `validate`'s.

mod aliases;
pub mod cache;
mod form;
mod front_matter;
pub mod locate;
mod record;
mod serde_msg;
mod syntax;

pub use cache::RecordCache;
pub use form::{form_slug, parse_form, Attachment, CheckedForm, LoadedForm};
pub use front_matter::{loose_record, record_code, split_front_matter};
pub use record::{parse_record, parse_record_cached, parse_yaml_file, LoadedRecord};
pub use serde_msg::suggest;

use crate::cache::{Digest32, Key};
use crate::diagnostic::Diagnostic;
use crate::text::normalize;
use anyhow::Result;
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
    /// Files and folders that could not be read (not UTF-8, no permission, a broken
    /// link), each located; reported with the rest of the check.
    pub problems: Vec<Diagnostic>,
    /// An office's local overrides of catalogue records (`don-vi/<x>/ghi-de/`), each a
    /// partial record merged over the record with its code (see `project::overrides`).
    pub overrides: Vec<SourceFile>,
    /// Procedures of the province's catalogue this office does not post, by code, with
    /// their names: a record naming one as related links it as posted elsewhere.
    pub elsewhere: std::collections::BTreeMap<String, String>,
}

/// Where a file under the content folder belongs to the forms: `Some(true)` a definition,
/// `Some(false)` an attachment, `None` not a form file.
pub fn form_file_kind(rel: &Path) -> Option<bool> {
    let in_forms = rel
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == "bieu-mau");
    let hidden = hidden(rel);
    if !in_forms || hidden {
        return None;
    }
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    Some(matches!(ext, "yaml" | "yml"))
}

/// Whether a path under the content folder passes through a dot file or `_` folder,
/// which niemyet ignores (editor locks, `.git`, `_nhap/` drafts).
fn hidden(rel: &Path) -> bool {
    rel.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with(['.', '_']))
}

/// Record files live under `thu-tuc/`, in any sub-folder, as `.md`, `.yaml` or `.yml`.
pub fn is_record_file(rel: &Path) -> bool {
    let in_records = rel
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == "thu-tuc");
    let hidden = hidden(rel);
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    in_records && !hidden && matches!(ext, "md" | "yaml" | "yml")
}

/// Read one content file (UTF-8, normalised to NFC). A file that cannot be read, or is
/// not UTF-8, is a diagnostic on that file (at the first bad byte's line and column).
pub fn read(p: &Path) -> Result<SourceFile, Box<Diagnostic>> {
    let size = std::fs::metadata(p)
        .map_err(|e| Box::new(io_problem(p, &e)))?
        .len();
    if size > crate::limits::MAX_FILE_BYTES {
        return Err(Box::new(Diagnostic::whole_file(
            p.to_path_buf(),
            format!(
                "tệp nặng {:.1} MB, quá giới hạn {} MB của một tệp nội dung",
                size as f64 / 1_048_576.0,
                crate::limits::MAX_FILE_BYTES / 1_048_576
            ),
            Some("mỗi thủ tục một tệp; nội dung dài (hướng dẫn, văn bản) thì tóm tắt và dẫn liên kết".into()),
        )));
    }
    let raw = std::fs::read(p).map_err(|e| Box::new(io_problem(p, &e)))?;
    match String::from_utf8(raw) {
        Ok(text) => Ok(SourceFile::new(p.to_path_buf(), &text)),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // The valid prefix is UTF-8 by definition.
            let before = std::str::from_utf8(good).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(Box::new(Diagnostic {
                line,
                column,
                ..Diagnostic::whole_file(
                    p.to_path_buf(),
                    "tệp không phải UTF-8 (có thể lưu bằng mã hóa Windows-1258 hoặc TCVN3)".into(),
                    Some("mở tệp và lưu lại với mã hóa UTF-8".into()),
                )
            }))
        }
    }
}

/// What went wrong reading `p`, in the officer's words.
fn io_problem(p: &Path, e: &std::io::Error) -> Diagnostic {
    use std::io::ErrorKind as K;
    let (message, fix) = match e.kind() {
        K::NotFound => (
            "không mở được tệp: tệp không còn, hoặc là liên kết (symlink) trỏ tới chỗ không có",
            "xóa liên kết hỏng, hoặc chép tệp thật vào đây",
        ),
        K::PermissionDenied => (
            "không có quyền đọc tệp này",
            "cho tài khoản chạy niemyet quyền đọc (chmod a+r), hoặc chép lại tệp",
        ),
        K::IsADirectory => (
            "đây là thư mục, không phải tệp",
            "đổi tên thư mục, bỏ đuôi .yaml/.md",
        ),
        _ => ("không đọc được tệp", "kiểm tra ổ đĩa và quyền đọc của tệp"),
    };
    Diagnostic::whole_file(p.to_path_buf(), message.into(), Some(fix.into()))
}

/// Whether a walk entry is skipped by name: dot files (editor locks `.#a.yaml`, `.git`)
/// and `_` folders (`_nhap/`) are documented as ignored, so nothing under them is even
/// opened.
fn ignored(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with(['.', '_'])
}

/// A walk error inside a folder niemyet reads, as a diagnostic on the path it names.
fn walk_problem(root: &Path, e: walkdir::Error) -> Option<Diagnostic> {
    let path = e.path().unwrap_or(root).to_path_buf();
    // A link that cannot be followed fails before the walk can skip it by name.
    let rel = path.strip_prefix(root).unwrap_or(&path);
    if hidden(rel) {
        return None;
    }
    if e.loop_ancestor().is_some() {
        return Some(Diagnostic::whole_file(
            path,
            "liên kết (symlink) trỏ ngược lên thư mục chứa nó: đọc sẽ không bao giờ hết".into(),
            Some("xóa liên kết này".into()),
        ));
    }
    Some(match e.io_error() {
        Some(io) => io_problem(&path, io),
        None => Diagnostic::whole_file(path, "không đọc được thư mục".into(), None),
    })
}

/// The form definitions (`content/bieu-mau/*.yaml`) and the official files beside them.
#[derive(Clone, Default)]
pub struct FormFiles {
    pub files: Vec<SourceFile>,
    pub assets: Vec<(PathBuf, Vec<u8>)>,
    pub problems: Vec<Diagnostic>,
}

/// Read only the form definitions and their official files (`content/bieu-mau/`): what
/// the live preview reloads when anything in that folder changes.
pub fn read_forms(content: &Path) -> FormFiles {
    let mut files = ContentFiles::default();
    walk_forms(content, &mut files);
    FormFiles {
        files: files.forms,
        assets: files.form_assets,
        problems: files.problems,
    }
}

fn walk_forms(content: &Path, files: &mut ContentFiles) {
    let dir = content.join("bieu-mau");
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !ignored(e))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                files.problems.extend(walk_problem(&dir, e));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(content).unwrap_or(entry.path());
        match form_file_kind(rel) {
            Some(true) => match read(entry.path()) {
                Ok(f) => files.forms.push(f),
                Err(d) => files.problems.push(*d),
            },
            Some(false) => match std::fs::read(entry.path()) {
                Ok(bytes) => files.form_assets.push((entry.path().to_path_buf(), bytes)),
                Err(e) => files.problems.push(io_problem(entry.path(), &e)),
            },
            None => {}
        }
    }
}

/// Read a content folder from disk: `site.yaml`, `tu-dong-nghia.yaml`, `thu-tuc/` and
/// `bieu-mau/`; nothing else in the folder is opened. A file or folder that cannot be
/// read is a diagnostic, and every other file is still read.
pub fn read_dir(content: &Path) -> Result<ContentFiles> {
    if !content.is_dir() {
        anyhow::bail!(
            "không tìm thấy thư mục nội dung {}: tạo thư mục này (có site.yaml và thu-tuc/) hoặc chỉ đường dẫn bằng --content",
            content.display()
        );
    }
    let mut files = ContentFiles::default();
    for (name, slot) in [
        ("site.yaml", &mut files.site),
        ("tu-dong-nghia.yaml", &mut files.synonyms),
    ] {
        let path = content.join(name);
        if path.symlink_metadata().is_ok() {
            match read(&path) {
                Ok(f) => *slot = Some(f),
                Err(d) => files.problems.push(*d),
            }
        }
    }
    let records = content.join("thu-tuc");
    let mut paths = Vec::new();
    if records.is_dir() {
        for entry in WalkDir::new(&records)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !ignored(e))
        {
            match entry {
                Err(e) => files.problems.extend(walk_problem(&records, e)),
                Ok(entry) if entry.file_type().is_file() => {
                    let rel = entry.path().strip_prefix(content).unwrap_or(entry.path());
                    if is_record_file(rel) {
                        paths.push(entry.path().to_path_buf());
                    }
                }
                Ok(_) => {}
            }
        }
    }
    walk_forms(content, &mut files);
    use rayon::prelude::*;
    let read: Vec<Result<SourceFile, Box<Diagnostic>>> =
        paths.par_iter().map(|p| read(p)).collect();
    for r in read {
        match r {
            Ok(f) => files.records.push(f),
            Err(d) => files.problems.push(*d),
        }
    }
    Ok(files)
}
