//! The pipeline: content → load → validate → catalogue → renderers → writer.
//! `check`, `build` and `serve` all run through here, so they always agree.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Diagnostics, FieldPath, Severity};
use crate::load::{self, ContentFiles, LoadedRecord, SourceFile};
use crate::model::{Date, SiteConfig};
use crate::render::{self, Output, RenderContext, Theme};
use crate::validate;
use crate::writer::Staging;
use anyhow::Result;
use include_dir::{include_dir, Dir};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

static SAMPLE_CONTENT: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// Where the content comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A content folder on disk; its parent is the site root (themes/, templates/).
    Dir(PathBuf),
    /// The sample catalogue compiled into the binary.
    Embedded,
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

    pub fn site_root(&self) -> Option<PathBuf> {
        match self {
            Source::Dir(d) => Some(match d.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }),
            Source::Embedded => None,
        }
    }

    pub fn read(&self) -> Result<ContentFiles> {
        match self {
            Source::Dir(d) => load::read_dir(d),
            Source::Embedded => Ok(embedded_files()),
        }
    }
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
            }
        }
        for d in dir.dirs() {
            walk(d, files);
        }
    }
    walk(&SAMPLE_CONTENT, &mut files);
    files.records.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Loaded and validated content: what `check` reports and `build` renders.
pub struct Checked {
    pub site: Option<SiteConfig>,
    pub records: Vec<LoadedRecord>,
    pub catalogue: Option<Catalogue>,
    pub diagnostics: Diagnostics,
}

/// Load every file, validate everything, and build the catalogue when there is no error.
pub fn check(files: &ContentFiles) -> Checked {
    let mut diagnostics = Diagnostics::default();
    let site = match &files.site {
        Some(file) => {
            let (site, diags) = load::parse_yaml_file::<SiteConfig>(file);
            diagnostics.extend(diags);
            if let Some(s) = &site {
                diagnostics.0.extend(check_site(s, file));
            }
            site
        }
        None => {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: PathBuf::from("content/site.yaml"),
                line: 1,
                column: 1,
                field: FieldPath::root(),
                message: "thiếu tệp cấu hình site.yaml".into(),
                fix: Some(
                    "tạo content/site.yaml (xem docs/record-format.md, mục site.yaml)".into(),
                ),
                source: None,
            });
            None
        }
    };
    let parsed: Vec<(Option<LoadedRecord>, Diagnostics)> = files
        .records
        .par_iter()
        .map(|f| {
            let (rec, mut diags) = load::parse_record(f);
            if let Some(r) = &rec {
                diags
                    .0
                    .extend(r.locate(validate::check_record(&r.procedure)));
            }
            (rec, diags)
        })
        .collect();
    let mut records = Vec::with_capacity(parsed.len());
    for (rec, diags) in parsed {
        diagnostics.extend(diags);
        records.extend(rec);
    }
    diagnostics.extend(validate::check_catalogue(&records));
    let catalogue = if diagnostics.has_errors() || site.is_none() {
        None
    } else {
        let (cat, warnings) = Catalogue::build(&records);
        for (i, w) in warnings {
            diagnostics.0.extend(records[i].locate(vec![w]));
        }
        Some(cat)
    };
    diagnostics.sort();
    Checked {
        site,
        records,
        catalogue,
        diagnostics,
    }
}

fn check_site(site: &SiteConfig, file: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut bad_url = |key: &str, url: &str| {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            let loc = load::locate::Locator::new(&file.text, 0);
            let field = FieldPath::root().key(key);
            let pos = loc.find(&field);
            out.push(Diagnostic {
                severity: Severity::Error,
                file: file.path.clone(),
                line: pos.line,
                column: pos.column,
                field,
                message: format!("\"{url}\" không phải địa chỉ web"),
                fix: Some("ghi đầy đủ, ví dụ https://niemyet.phuong.gov.vn/".into()),
                source: Some(Arc::from(file.text.as_str())),
            });
        }
    };
    bad_url("base_url", &site.base_url);
    out
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub source: Source,
    pub output: PathBuf,
    pub as_of: Date,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub procedures: usize,
    pub fields: usize,
    pub pages: usize,
    pub files: usize,
    pub bytes: usize,
    pub warnings: usize,
    pub elapsed: Duration,
}

/// What a build did: the diagnostics always, the summary only when it wrote a site.
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub summary: Option<Summary>,
}

/// Full build. On any validation error nothing is written and the previous output stays.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let files = opts.source.read()?;
    let checked = check(&files);
    drop(files);
    let (Some(site), Some(catalogue)) = (checked.site, checked.catalogue) else {
        return Ok(BuildReport {
            diagnostics: checked.diagnostics,
            summary: None,
        });
    };
    drop(checked.records);
    let theme = Theme::load(opts.source.site_root().as_deref(), &site.giao_dien)?;
    let staging = Staging::new(&opts.output)?;
    let out = Output::new(staging.path().to_path_buf());
    let ctx = RenderContext {
        catalogue: &catalogue,
        site: &site,
        theme: &theme,
        as_of: opts.as_of,
        inject: "",
    };
    let renderers = render::all(&theme)?;
    renderers.par_iter().try_for_each(|r| {
        r.render(&ctx, &out)
            .map_err(|e| e.context(format!("bộ dựng {}", r.name())))
    })?;
    let summary = Summary {
        procedures: catalogue.entries.len(),
        fields: catalogue.fields.len(),
        pages: out.pages(),
        files: out.files(),
        bytes: out.bytes(),
        warnings: checked.diagnostics.warnings(),
        elapsed: Duration::ZERO,
    };
    staging.commit()?;
    Ok(BuildReport {
        diagnostics: checked.diagnostics,
        summary: Some(Summary {
            elapsed: start.elapsed(),
            ..summary
        }),
    })
}
