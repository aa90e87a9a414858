//! The pipeline: content → load → validate → catalogue → renderers → writer.
//! `check`, `build` and `serve` all run through here, so they always agree.

use crate::cache::pages::PageMemo;
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Diagnostics, FieldPath, Severity};
use crate::identity::Keys;
pub use crate::load::FormFiles;
use crate::load::RecordCache;
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
    check_cached(files, as_of, &RecordCache::off())
}

/// [`check_at`], reading unchanged records back from `cache` (see [`crate::load::cache`]).
pub fn check_cached(mut files: ContentFiles, as_of: Date, cache: &RecordCache) -> Checked {
    let config = parse_config(files.site.as_ref(), files.synonyms.as_ref());
    let forms = FormFiles {
        files: std::mem::take(&mut files.forms),
        assets: std::mem::take(&mut files.form_assets),
    };
    let record_files = files.records.len();
    let parsed: Vec<ParsedRecord> = files
        .records
        .into_par_iter()
        .map(|f| parse_record_cached(f, cache))
        .collect();
    let mut diagnostics = Diagnostics::default();
    let mut records = Vec::with_capacity(parsed.len());
    let mut unreadable = Vec::new();
    for p in parsed {
        diagnostics.extend(p.diagnostics);
        records.extend(p.record);
        unreadable.extend(p.claimed_code);
    }
    assemble(
        config,
        &forms,
        as_of,
        record_files,
        records,
        &unreadable,
        diagnostics,
    )
}

/// `site.yaml` and `tu-dong-nghia.yaml`, parsed and checked.
#[derive(Clone)]
pub struct ParsedConfig {
    pub site: Option<SiteConfig>,
    /// `site.yaml` as read: rules that need the records (life events) locate their
    /// findings in it.
    pub site_file: Option<SourceFile>,
    pub synonyms: Synonyms,
    pub diagnostics: Diagnostics,
}

pub fn parse_config(site: Option<&SourceFile>, synonyms: Option<&SourceFile>) -> ParsedConfig {
    let mut diagnostics = Diagnostics::default();
    let site_file = site;
    let site = match site {
        Some(file) => {
            let (mut site, diags) = load::parse_yaml_file::<SiteConfig>(file);
            diagnostics.extend(diags);
            // Every output writes the address with one final `/`: made so once, here.
            if let Some(s) = &mut site {
                s.base_url = crate::permalink::normalise_base(&s.base_url);
            }
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
    let synonyms = match synonyms {
        Some(file) => {
            let (syn, diags) = load::parse_yaml_file::<Synonyms>(file);
            diagnostics.extend(diags);
            syn.unwrap_or_default()
        }
        None => Synonyms::default(),
    };
    ParsedConfig {
        site,
        site_file: site_file.cloned(),
        synonyms,
        diagnostics,
    }
}

/// One record file, parsed and checked on its own (cross-file rules come later), with
/// what the catalogue derives from it.
#[derive(Clone)]
pub struct ParsedRecord {
    pub record: Option<(LoadedRecord, Arc<Keys>)>,
    pub diagnostics: Diagnostics,
    /// The code a file that could not be read seems to carry: other records may name it,
    /// and that is not a second mistake.
    pub claimed_code: Option<String>,
}

pub fn parse_record(file: SourceFile) -> ParsedRecord {
    parse_record_cached(file, &RecordCache::off())
}

/// [`parse_record`], reading the record back from `cache` when its text is unchanged.
pub fn parse_record_cached(file: SourceFile, cache: &RecordCache) -> ParsedRecord {
    let (record, mut diagnostics) = load::parse_record_cached(&file, cache);
    let claimed_code = record.is_none().then(|| claimed_code(&file.text)).flatten();
    drop(file);
    if let Some(r) = &record {
        diagnostics
            .0
            .extend(r.locate(validate::check_record(&r.procedure)));
    }
    ParsedRecord {
        record: record.map(|r| {
            let keys = Arc::new(Keys::of(&r));
            (r, keys)
        }),
        diagnostics,
        claimed_code,
    }
}

/// `ma_thu_tuc: "1.001193"` read off a line, without YAML (the file did not parse).
fn claimed_code(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("ma_thu_tuc:"))
        .map(|v| v.trim().trim_matches(['"', '\'', '[', ']', ' ']).to_owned())
        .filter(|c| !c.is_empty())
}

/// Cross-file rules, then the catalogue when nothing is wrong. `diagnostics` holds
/// what the per-file stages found.
pub fn assemble(
    config: ParsedConfig,
    forms: &FormFiles,
    as_of: Date,
    record_files: usize,
    records: Vec<(LoadedRecord, Arc<Keys>)>,
    unreadable_codes: &[String],
    mut diagnostics: Diagnostics,
) -> Checked {
    let (records, keys): (Vec<LoadedRecord>, Vec<Arc<Keys>>) = records.into_iter().unzip();
    diagnostics.extend(config.diagnostics);
    if let (Some(site), Some(file)) = (&config.site, &config.site_file) {
        let codes: std::collections::HashSet<&str> = records
            .iter()
            .filter_map(|r| r.procedure.ma_thu_tuc.as_ref().map(|c| c.as_str()))
            .chain(unreadable_codes.iter().map(String::as_str))
            .collect();
        let found = validate::check_life_events(site, &|c| codes.contains(c));
        diagnostics
            .0
            .extend(load::locate::Locator::new(&file.text, 0).diagnostics(
                &file.path,
                &Arc::from(file.text.as_str()),
                found,
            ));
    }
    diagnostics.extend(validate::check_catalogue(&records, unreadable_codes));
    diagnostics.extend(crate::lifecycle::check(&records, as_of));
    let (mut forms, form_diags) = check_form_files(&forms.files, &forms.assets, &records);
    diagnostics.extend(form_diags);
    let catalogue = if diagnostics.has_errors() || config.site.is_none() {
        None
    } else {
        let (placed, warnings) = crate::identity::place(records, keys);
        diagnostics.0.extend(warnings);
        let (current, life) = crate::lifecycle::apply(placed, as_of);
        let mut cat = Catalogue::build(current, life);
        forms.link(&cat.entries);
        cat.forms = forms;
        Some(cat)
    };
    diagnostics.sort();
    Checked {
        site: config.site,
        synonyms: config.synonyms,
        record_files,
        catalogue,
        diagnostics,
    }
}

/// Parse the form definitions and check them against each other and the records.
fn check_form_files(
    files: &[SourceFile],
    assets: &[(PathBuf, Vec<u8>)],
    records: &[LoadedRecord],
) -> (crate::catalogue::Forms, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut loaded = Vec::new();
    for f in files {
        let (form, diags) = load::parse_form(f);
        diagnostics.extend(diags);
        loaded.extend(form);
    }
    let (forms, diags) = validate::check_forms(loaded, assets, records);
    diagnostics.extend(diags);
    (crate::catalogue::Forms::new(forms), diagnostics)
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
    out.extend(
        load::locate::Locator::new(&file.text, 0).diagnostics(
            &file.path,
            &Arc::from(file.text.as_str()),
            validate::check_portal(site)
                .into_iter()
                .chain(validate::check_lists(site))
                .chain(validate::check_feedback(site))
                .collect::<Vec<_>>(),
        ),
    );
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
    /// Records read back from the cache instead of parsed (see [`crate::cache`]).
    pub cached_records: usize,
    /// Files whose inputs were unchanged, left as the previous build wrote them.
    pub reused_pages: usize,
    /// Procedures' pieces of the search index and open data read back, not made.
    pub reused_pieces: usize,
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
    let inputs = files.digest(opts.as_of);
    stages.push(("đọc tệp", start.elapsed()));
    let cache_dir = cache_dir(&opts.source);
    let records = RecordCache::open(cache_dir.as_deref());
    let checked = check_cached(files, opts.as_of, &records);
    let cached_records = records.hits();
    records.save();
    stages.push(("kiểm tra", start.elapsed()));
    let (Some(site), Some(catalogue)) = (checked.site, checked.catalogue) else {
        return Ok(BuildReport {
            diagnostics: checked.diagnostics,
            summary: None,
        });
    };
    let theme = Theme::load(opts.source.site_root().as_deref(), &site.giao_dien)?;
    let staging = Staging::new(&opts.output)?;
    // The staging folder keeps its identity when swapped in: its page memo is filed
    // under it.
    let folder = staging.folder_id();
    let mut out = Output::with_compare(staging.path().to_path_buf(), staging.reused());
    let memo_dir = cache_dir
        .as_deref()
        .filter(|_| crate::cache::stamp().is_some());
    if let (Some(dir), Some(id)) = (memo_dir, &folder) {
        // Taken, not just read: from now until this build commits, the folder's files
        // may differ from what the memo says.
        let memo = PageMemo::take(dir, id);
        out = out.with_memo(if staging.reused() {
            memo
        } else {
            PageMemo::default()
        });
    }
    let ctx = RenderContext {
        catalogue: &catalogue,
        site: &site,
        synonyms: &checked.synonyms,
        theme: &theme,
        as_of: opts.as_of,
        cache_dir: cache_dir.as_deref(),
        inject: "",
        scope: &render::Scope::All,
        inputs,
    };
    render::run_all(&render::all(&theme)?, &ctx, &out)?;
    stages.push(("dựng trang", start.elapsed()));
    #[allow(unused_mut)]
    let mut diagnostics = checked.diagnostics;
    // The sheets were just laid out: their page counts come from the print cache.
    #[cfg(feature = "pdf")]
    {
        diagnostics.0.extend(print_diagnostics(
            &site,
            &catalogue,
            &theme,
            opts.as_of,
            cache_dir.as_deref(),
        )?);
        diagnostics.sort();
    }
    let memo = out.take_memo();
    let reused_pages = memo.as_ref().map_or(0, PageMemo::reused);
    let summary = Summary {
        procedures: catalogue.entries.len(),
        fields: catalogue.fields.len(),
        pages: out.pages(),
        files: out.files(),
        bytes: out.bytes(),
        warnings: diagnostics.warnings(),
        cached_records,
        reused_pages,
        reused_pieces: out.reused_pieces(),
        elapsed: Duration::ZERO,
        stages: Vec::new(),
    };
    // Freeing 10,000 records takes a tenth of a second; let it overlap the swap.
    rayon::spawn(move || drop(catalogue));
    if let (Some(memo), Some(dir), Some(id)) = (memo, cache_dir.as_deref(), &folder) {
        memo.save(dir, id);
    }
    // The destination becomes the next build's staging folder: its memo stays.
    let replaced = crate::writer::folder_id(&opts.output);
    staging.commit(&out.take_written())?;
    if let (Some(dir), Some(id)) = (cache_dir.as_deref(), &folder) {
        let mut keep = vec![id.as_str()];
        keep.extend(replaced.as_deref());
        crate::cache::pages::forget_others(dir, &keep);
    }
    stages.push(("thay thư mục", start.elapsed()));
    Ok(BuildReport {
        diagnostics,
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
    let found = print_diagnostics(site, catalogue, &theme, as_of, cache_dir(source).as_deref())?;
    checked.diagnostics.0.extend(found);
    checked.diagnostics.sort();
    Ok(())
}

/// Posters and guide sheets that need a second sheet even at the smallest type, as
/// warnings on their records (`check` and `build` both report them).
#[cfg(feature = "pdf")]
fn print_diagnostics(
    site: &SiteConfig,
    catalogue: &Catalogue,
    theme: &Theme,
    as_of: Date,
    cache_dir: Option<&Path>,
) -> Result<Vec<Diagnostic>> {
    let found = render::print::sheet_findings(site, catalogue, theme, as_of, cache_dir)?;
    Ok(found
        .into_iter()
        .map(|(path, finding)| locate_on_disk(&path, finding))
        .collect())
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
