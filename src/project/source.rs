//! Where a project's content comes from: a folder on disk, or the sample catalogue compiled
//! into the binary (so a new user gets a working site with nothing else).

use crate::load::{self, ContentFiles, SourceFile};
use anyhow::Result;
use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};
use std::sync::Arc;

static SAMPLE_CONTENT: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/content");

#[derive(Debug, Clone)]
pub enum Source {
    /// A content folder on disk; its parent is the site root (themes/, templates/).
    Dir(PathBuf),
    /// The sample catalogue compiled into the binary.
    Embedded,
    /// One office of a province tree: its files gathered from the catalogue, its
    /// `site.yaml`, selection and overrides (see `province`).
    Office(Arc<OfficeFiles>),
}

/// What one office's board is made from.
#[derive(Debug)]
pub struct OfficeFiles {
    /// The province's content folder (`danh-muc/`, `don-vi/`).
    pub content: PathBuf,
    pub slug: String,
    /// Its `site.yaml`, overrides and forms; `records` is empty when `parsed` holds them.
    pub files: ContentFiles,
    /// The catalogue's records this office posts, parsed once for the whole province.
    pub parsed: Vec<(PathBuf, super::ParsedRecord)>,
}

impl std::fmt::Debug for super::ParsedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParsedRecord")
    }
}

impl Source {
    /// `--content DIR` if given; else `./content` if it exists; else the embedded sample.
    pub fn resolve(content: Option<&Path>) -> Source {
        match content {
            Some(dir) => Source::Dir(dir.to_path_buf()),
            None if Path::new("content").is_dir() => Source::Dir(PathBuf::from("content")),
            None => Source::Embedded,
        }
    }

    /// The folder holding `content/`, `themes/` and `templates/`.
    pub fn site_root(&self) -> Option<PathBuf> {
        let dir = match self {
            Source::Dir(d) => d,
            Source::Office(o) => &o.content,
            Source::Embedded => return None,
        };
        Some(match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        })
    }

    /// The content folder on disk, if there is one (a province's for an office).
    pub fn content_dir(&self) -> Option<&Path> {
        match self {
            Source::Dir(d) => Some(d),
            Source::Office(o) => Some(&o.content),
            Source::Embedded => None,
        }
    }

    /// Work kept between builds: `<site root>/.niemyet-cache/`, or a folder in the
    /// system's temporary directory for the embedded sample, which has no site root.
    /// An office of a province keeps its own (`.niemyet-cache/don-vi/<slug>/`): page
    /// memos, search pieces and the print cache keep only what one build used.
    pub fn cache_dir(&self) -> PathBuf {
        let base = match self.site_root() {
            Some(root) => root.join(".niemyet-cache"),
            None => std::env::temp_dir().join("niemyet-cache"),
        };
        match self {
            Source::Office(o) => office_cache(&base, &o.slug),
            _ => base,
        }
    }

    pub fn read(&self) -> Result<ContentFiles> {
        match self {
            Source::Dir(d) => load::read_dir(d),
            Source::Embedded => Ok(embedded_files()),
            Source::Office(o) => Ok(o.files.clone()),
        }
    }
}

/// The cache folder of office `slug` of a province whose cache folder is `base`.
pub fn office_cache(base: &Path, slug: &str) -> PathBuf {
    base.join("don-vi").join(slug)
}

/// A file of the embedded sample (`rel` under `content/`), as text.
pub fn sample_file(rel: &str) -> Option<&'static str> {
    SAMPLE_CONTENT.get_file(rel)?.contents_utf8()
}

fn embedded_files() -> ContentFiles {
    let mut files = ContentFiles::default();
    fn walk(dir: &Dir<'_>, files: &mut ContentFiles) {
        for f in dir.files() {
            let rel = f.path();
            let shown = Path::new("content").join(rel);
            let text = String::from_utf8_lossy(f.contents());
            if rel == Path::new("site.yaml") {
                files.site = Some(SourceFile::new(shown, &text));
            } else if rel == Path::new("tu-dong-nghia.yaml") {
                files.synonyms = Some(SourceFile::new(shown, &text));
            } else if load::is_record_file(rel) {
                files.records.push(SourceFile::new(shown, &text));
            } else if let Some(def) = load::form_file_kind(rel) {
                if def {
                    files.forms.push(SourceFile::new(shown, &text));
                } else {
                    files.form_assets.push((shown, f.contents().to_vec()));
                }
            }
        }
        for d in dir.dirs() {
            walk(d, files);
        }
    }
    walk(&SAMPLE_CONTENT, &mut files);
    files.records.sort_by(|a, b| a.path.cmp(&b.path));
    files.forms.sort_by(|a, b| a.path.cmp(&b.path));
    files.form_assets.sort_by(|a, b| a.0.cmp(&b.0));
    files
}
