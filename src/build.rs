//! The pipeline: content → load → validate → catalogue → renderers → writer.
//! `check`, `build` and `serve` all run through here, so they always agree.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Diagnostics, FieldPath, Severity};
use crate::load::{self, ContentFiles, LoadedRecord, SourceFile};
use crate::model::{Date, SiteConfig, Synonyms};
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
    pub synonyms: Synonyms,
    /// How many record files were read.
    pub record_files: usize,
    pub catalogue: Option<Catalogue>,
    pub diagnostics: Diagnostics,
}

/// Load every file, validate everything, and build the catalogue when there is no error.
/// Takes the files by value: each text is freed once its record is parsed.
/// Lifecycle rules and the catalogue are those of today; see [`check_at`].
pub fn check(files: ContentFiles) -> Checked {
    check_at(files, Date::today())
}

/// [`check`] at a given date: the catalogue holds the procedures in force at `as_of`
/// (`lifecycle::apply`), and references to procedures gone by then are errors.
pub fn check_at(files: ContentFiles, as_of: Date) -> Checked {
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
    let synonyms = match &files.synonyms {
        Some(file) => {
            let (syn, diags) = load::parse_yaml_file::<Synonyms>(file);
            diagnostics.extend(diags);
            syn.unwrap_or_default()
        }
        None => Synonyms::default(),
    };
    let record_files = files.records.len();
    let parsed: Vec<(Option<LoadedRecord>, Diagnostics)> = files
        .records
        .into_par_iter()
        .map(|f| {
            let (rec, mut diags) = load::parse_record(&f);
            drop(f);
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
    diagnostics.extend(crate::lifecycle::check(&records, as_of));
    let catalogue = if diagnostics.has_errors() || site.is_none() {
        None
    } else {
        let (cat, warnings) = Catalogue::build(records);
        diagnostics.0.extend(warnings);
        Some(crate::lifecycle::apply(cat, as_of))
    };
    diagnostics.sort();
    Checked {
        site,
        synonyms,
        record_files,
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
    let loc = load::locate::Locator::new(&file.text, 0);
    for f in validate::check_portal(site) {
        let pos = loc.find(&f.field);
        out.push(Diagnostic {
            severity: f.severity,
            file: file.path.clone(),
            line: pos.line,
            column: pos.column,
            field: f.field,
            message: f.message,
            fix: f.fix,
            source: Some(Arc::from(file.text.as_str())),
        });
    }
    out
}

/// Work kept between builds (rendered PDFs): `<site root>/.niemyet-cache/`, or a folder
/// in the system's temporary directory for the embedded sample, which has no site root.
pub fn cache_dir(source: &Source) -> Option<PathBuf> {
    Some(match source.site_root() {
        Some(root) => root.join(".niemyet-cache"),
        None => std::env::temp_dir().join("niemyet-cache"),
    })
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
    /// Cumulative time at the end of each stage, for `--timings`.
    pub stages: Vec<(&'static str, Duration)>,
}

/// What a build did: the diagnostics always, the summary only when it wrote a site.
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub summary: Option<Summary>,
}

/// Full build. On any validation error nothing is written and the previous output stays.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let mut stages = Vec::new();
    let files = opts.source.read()?;
    stages.push(("đọc tệp", start.elapsed()));
    let checked = check_at(files, opts.as_of);
    stages.push(("kiểm tra", start.elapsed()));
    let (Some(site), Some(catalogue)) = (checked.site, checked.catalogue) else {
        return Ok(BuildReport {
            diagnostics: checked.diagnostics,
            summary: None,
        });
    };
    let theme = Theme::load(opts.source.site_root().as_deref(), &site.giao_dien)?;
    let staging = Staging::new(&opts.output)?;
    let cache_dir = cache_dir(&opts.source);
    let out = Output::new(staging.path().to_path_buf());
    let ctx = RenderContext {
        catalogue: &catalogue,
        site: &site,
        synonyms: &checked.synonyms,
        theme: &theme,
        as_of: opts.as_of,
        cache_dir: cache_dir.as_deref(),
        inject: "",
    };
    let renderers = render::all(&theme)?;
    renderers.par_iter().try_for_each(|r| {
        r.render(&ctx, &out)
            .map_err(|e| e.context(format!("bộ dựng {}", r.name())))
    })?;
    stages.push(("dựng trang", start.elapsed()));
    let summary = Summary {
        procedures: catalogue.entries.len(),
        fields: catalogue.fields.len(),
        pages: out.pages(),
        files: out.files(),
        bytes: out.bytes(),
        warnings: checked.diagnostics.warnings(),
        elapsed: Duration::ZERO,
        stages: Vec::new(),
    };
    staging.commit()?;
    stages.push(("thay thư mục", start.elapsed()));
    Ok(BuildReport {
        diagnostics: checked.diagnostics,
        summary: Some(Summary {
            elapsed: start.elapsed(),
            stages,
            ..summary
        }),
    })
}

/// `check`, print part (feature `pdf`): lay out every poster and guide sheet (or read the
/// cache) and warn about procedures that need a second sheet even at the smallest type.
/// Adds nothing when the content has errors: there is no catalogue to lay out.
#[cfg(feature = "pdf")]
pub fn check_print(source: &Source, checked: &mut Checked, as_of: Date) -> Result<()> {
    let (Some(site), Some(catalogue)) = (&checked.site, &checked.catalogue) else {
        return Ok(());
    };
    let theme = Theme::load(source.site_root().as_deref(), &site.giao_dien)?;
    let found = render::print::sheet_findings(
        site,
        catalogue,
        &theme,
        as_of,
        cache_dir(source).as_deref(),
    )?;
    for (path, finding) in found {
        checked.diagnostics.push(locate_on_disk(&path, finding));
    }
    checked.diagnostics.sort();
    Ok(())
}

/// Locate a finding by reading its record again (`check` no longer holds the texts).
/// A record that cannot be read (the embedded sample) gets line 1.
#[cfg(feature = "pdf")]
fn locate_on_disk(path: &Path, f: crate::diagnostic::Finding) -> Diagnostic {
    let text = std::fs::read_to_string(path)
        .ok()
        .map(|t| crate::text::normalize(&t));
    let pos = text.as_deref().map(|t| match load::split_front_matter(t) {
        Some(split) => {
            load::locate::Locator::new(split.yaml, split.yaml_line_offset).find(&f.field)
        }
        None => load::locate::Locator::new(t, 0).find(&f.field),
    });
    Diagnostic {
        severity: f.severity,
        file: path.to_path_buf(),
        line: pos.map_or(1, |p| p.line),
        column: pos.map_or(1, |p| p.column),
        field: f.field,
        message: f.message,
        fix: f.fix,
        source: text.map(Arc::from),
    }
}
