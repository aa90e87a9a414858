//! A province's boards from one catalogue. The tree:
//!
//! ```text
//! content/
//!   tinh.yaml            # optional: { ten: "Tỉnh …" } for the province page
//!   danh-muc/            # the shared catalogue: thu-tuc/, bieu-mau/, tu-dong-nghia.yaml
//!   don-vi/<slug>/       # one folder per office
//!     site.yaml          # the office, as a single board's
//!     chon.yaml          # which procedures (see `select`)
//!     ghi-de/*.yaml      # local overrides (see `project::overrides`)
//! ```
//!
//! Each office becomes a [`Source::Office`]: its own `site.yaml`, the catalogue's files it
//! selects, and its overrides. From there it is an ordinary [`Project`]: check, build,
//! the same pages, PDFs and open data as a single board, into `output/<slug>/`. The
//! catalogue is read once; records parse once (the record cache serves the other
//! offices), and PDFs whose layout data is equal are laid out once (the print cache).

mod page;
mod select;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::RecordCache;
use crate::load::{self, ContentFiles, SourceFile};
use crate::model::Date;
use crate::project::{parse_record_cached, OfficeFiles, ParsedRecord, Project, Source, Summary};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use select::Facts;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The offices of two province builds (`old` and `new` each with `don-vi.json`), in
/// order; `None` when either is not a province's output.
pub fn offices_in(old: &Path, new: &Path) -> Option<Vec<String>> {
    let (a, b) = (page::read_lines(old), page::read_lines(new));
    if !old.join("don-vi.json").is_file() || !new.join("don-vi.json").is_file() {
        return None;
    }
    let mut slugs: Vec<String> = a.into_iter().chain(b).map(|l| l.slug).collect();
    slugs.sort();
    slugs.dedup();
    Some(slugs)
}

/// Whether `content` is a province tree rather than one office's folder.
pub fn is_province(content: &Path) -> bool {
    content.join("danh-muc").is_dir() && content.join("don-vi").is_dir()
}

pub struct Province {
    content: PathBuf,
    /// The province's cache folder (`.niemyet-cache/` beside `content/`), and the folder
    /// holding `content/` and `themes/`.
    cache: PathBuf,
    site_root: Option<PathBuf>,
    pub name: String,
    catalogue: ContentFiles,
    /// Every catalogue record, parsed once for all offices (in `catalogue.records`' order).
    parsed: Vec<(PathBuf, ParsedRecord)>,
    facts: Vec<Option<Facts>>,
    /// Form files by their `ma_mau`, to give each office the forms its records name.
    form_ids: Vec<Option<String>>,
    pub offices: Vec<OfficeDir>,
}

/// One office's own files.
pub struct OfficeDir {
    pub slug: String,
    site: Option<SourceFile>,
    chon: Option<SourceFile>,
    overrides: Vec<SourceFile>,
    problems: Vec<Diagnostic>,
}

impl Province {
    /// Read the catalogue and every office folder (`only`: these slugs).
    pub fn read(content: &Path, only: Option<&[String]>) -> Result<Province> {
        let mut catalogue = load::read_dir(&content.join("danh-muc"))?;
        let dir = Source::Dir(content.to_path_buf());
        let (province_cache, site_root) = (dir.cache_dir(), dir.site_root());
        let cache = RecordCache::open(Some(&province_cache.join("danh-muc")));
        let parsed: Vec<(PathBuf, ParsedRecord)> = std::mem::take(&mut catalogue.records)
            .into_par_iter()
            .map(|f| (f.path.clone(), parse_record_cached(f, &cache)))
            .collect();
        cache.save();
        // What selection needs: from the record, or read loosely from a record with
        // errors (its office's check reports them).
        let facts = parsed
            .iter()
            .map(|(path, p)| match &p.record {
                Some((r, _)) => Facts::of_record(&r.procedure),
                None => load::read(path).ok().as_ref().and_then(Facts::of),
            })
            .collect();
        let form_ids = catalogue
            .forms
            .iter()
            .map(|f| {
                serde_yaml::from_str::<serde_yaml::Value>(&f.text)
                    .ok()?
                    .get("ma_mau")?
                    .as_str()
                    .map(|s| s.trim().to_owned())
            })
            .collect();
        let mut offices = Vec::new();
        let dir = content.join("don-vi");
        let mut slugs: Vec<String> = std::fs::read_dir(&dir)
            .with_context(|| format!("không đọc được {}", dir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|s| !s.starts_with('.'))
            .collect();
        slugs.sort();
        if let Some(only) = only {
            for s in only {
                if !slugs.contains(s) {
                    bail!(
                        "không có đơn vị \"{s}\" trong {}; các đơn vị: {}",
                        dir.display(),
                        slugs.join(", ")
                    );
                }
            }
            slugs.retain(|s| only.contains(s));
        }
        for slug in slugs {
            offices.push(OfficeDir::read(&dir.join(&slug), slug)?);
        }
        if offices.is_empty() {
            bail!(
                "{} chưa có đơn vị nào (mỗi đơn vị một thư mục có site.yaml và chon.yaml)",
                dir.display()
            );
        }
        let name = std::fs::read_to_string(content.join("tinh.yaml"))
            .ok()
            .and_then(|t| serde_yaml::from_str::<serde_yaml::Value>(&t).ok())
            .and_then(|v| {
                v.get("ten")?
                    .as_str()
                    .map(|s| crate::text::normalize(s.trim()))
            })
            .unwrap_or_else(|| "Danh mục thủ tục hành chính".to_owned());
        Ok(Province {
            content: content.to_path_buf(),
            cache: province_cache,
            site_root,
            name,
            catalogue,
            parsed,
            facts,
            form_ids,
            offices,
        })
    }

    /// What one office's board is made from, and what is wrong with its selection.
    pub fn office(&self, o: &OfficeDir) -> (Source, Diagnostics) {
        let mut diags = Diagnostics::default();
        let chosen = match &o.chon {
            Some(chon) => {
                let (chosen, d) = select::select(chon, &self.facts);
                diags.extend(d);
                chosen
            }
            None => {
                diags.push(missing(
                    &o.slug,
                    "chon.yaml",
                    "ghi cap: [Xã] để niêm yết mọi thủ tục cấp xã",
                ));
                Default::default()
            }
        };
        let parsed: Vec<(PathBuf, ParsedRecord)> =
            chosen.iter().map(|&i| self.parsed[i].clone()).collect();
        let used: HashSet<&str> = chosen
            .iter()
            .filter_map(|&i| self.facts[i].as_ref())
            .flat_map(|f| f.forms.iter().map(String::as_str))
            .collect();
        let forms = self
            .catalogue
            .forms
            .iter()
            .zip(&self.form_ids)
            .filter(|(_, id)| id.as_deref().is_none_or(|id| used.contains(id)))
            .map(|(f, _)| f.clone())
            .collect();
        let files = ContentFiles {
            site: o.site.clone(),
            records: Vec::new(),
            synonyms: self.catalogue.synonyms.clone(),
            forms,
            form_assets: self.catalogue.form_assets.clone(),
            problems: [self.catalogue.problems.clone(), o.problems.clone()].concat(),
            overrides: o.overrides.clone(),
            elsewhere: self
                .facts
                .iter()
                .enumerate()
                .filter(|(i, _)| !chosen.contains(i))
                .filter_map(|(_, f)| {
                    let f = f.as_ref()?;
                    Some((
                        f.code.clone(),
                        f.name.clone().unwrap_or_else(|| f.code.clone()),
                    ))
                })
                .collect(),
        };
        (
            Source::Office(Arc::new(OfficeFiles {
                content: self.content.clone(),
                slug: o.slug.clone(),
                files,
                parsed,
            })),
            diags,
        )
    }
}

fn missing(slug: &str, file: &str, fix: &str) -> Diagnostic {
    Diagnostic {
        severity: crate::diagnostic::Severity::Error,
        file: PathBuf::from("don-vi").join(slug).join(file),
        line: 1,
        column: 1,
        field: crate::diagnostic::FieldPath::root(),
        message: format!("đơn vị {slug} thiếu {file}"),
        fix: Some(fix.to_owned()),
        source: None,
    }
}

impl OfficeDir {
    fn read(dir: &Path, slug: String) -> Result<OfficeDir> {
        let mut problems = Vec::new();
        let mut one = |name: &str| {
            let p = dir.join(name);
            if !p.exists() {
                return None;
            }
            match load::read(&p) {
                Ok(f) => Some(f),
                Err(d) => {
                    problems.push(*d);
                    None
                }
            }
        };
        let site = one("site.yaml");
        let chon = one("chon.yaml");
        let mut overrides = Vec::new();
        let ghi_de = dir.join("ghi-de");
        if ghi_de.is_dir() {
            let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&ghi_de)
                .into_iter()
                .filter_map(|e| e.ok())
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            paths.sort();
            for p in paths {
                match load::read(&p) {
                    Ok(f) => overrides.push(f),
                    Err(d) => problems.push(*d),
                }
            }
        }
        if site.is_none() {
            problems.push(missing(
                &slug,
                "site.yaml",
                "chép site.yaml của một đơn vị khác rồi sửa tên, địa chỉ, giờ làm việc",
            ));
        }
        Ok(OfficeDir {
            slug,
            site,
            chon,
            overrides,
            problems,
        })
    }
}

/// One office's part of a province check or build.
pub struct OfficeReport {
    pub slug: String,
    /// The office's name (`co_quan.ten`), or its slug when `site.yaml` did not read.
    pub name: String,
    pub diagnostics: Diagnostics,
    pub summary: Option<Summary>,
    page: Option<page::OfficeLine>,
}

pub struct ProvinceReport {
    pub offices: Vec<OfficeReport>,
    /// Every office's diagnostics, one each: a catalogue problem met by several offices
    /// is reported once, naming them.
    pub diagnostics: Diagnostics,
}

impl OfficeReport {
    /// What `project`, the office `o`, came to.
    fn new(
        o: &OfficeDir,
        project: &mut Project,
        diagnostics: Diagnostics,
        summary: Option<Summary>,
    ) -> Self {
        let checked = project.check();
        let name = office_name(checked.site.as_ref(), &o.slug);
        let page = checked
            .catalogue
            .as_ref()
            .map(|cat| page::OfficeLine::new(&o.slug, &name, checked.site.as_ref(), cat));
        OfficeReport {
            slug: o.slug.clone(),
            name,
            diagnostics,
            summary,
            page,
        }
    }
}

impl ProvinceReport {
    pub fn built(&self) -> bool {
        self.offices.iter().all(|o| o.summary.is_some())
    }
}

/// Check every office (`only`: these).
pub fn check(content: &Path, as_of: Date, only: Option<&[String]>) -> Result<ProvinceReport> {
    let province = Province::read(content, only)?;
    let offices = province
        .offices
        .par_iter()
        .map(|o| {
            let (source, mut diagnostics) = province.office(o);
            let mut project = Project::load(source, as_of)?;
            diagnostics.extend(project.check().diagnostics.clone());
            Ok(OfficeReport::new(o, &mut project, diagnostics, None))
        })
        .collect::<Result<Vec<_>>>()?;
    let diagnostics = merged(&offices);
    Ok(ProvinceReport {
        offices,
        diagnostics,
    })
}

/// Build every office into `output/<slug>/` and the province page into `output/`. The
/// whole province is one staging folder swapped in at once, and only when no office has
/// an error, so `output/` never holds a half-built board and holds nothing but the
/// boards (a folder beside it keeps the previous build).
/// With `only`, the other offices are carried over from the current `output/` as they are.
pub fn build(
    content: &Path,
    output: &Path,
    as_of: Date,
    only: Option<&[String]>,
) -> Result<ProvinceReport> {
    let province = Province::read(content, only)?;
    // Nothing reaches `output` before the commit: an office with errors drops the
    // staging folder (kept beside `output` as the next build's start).
    let staging = crate::writer::Staging::new(output)?;
    let memo = staging.folder_id().map(|id| Memo {
        id,
        reused: staging.reused(),
        replaced: crate::writer::folder_id(output),
    });
    // The default theme's templates and fonts, made once for every office that uses it.
    let shared = {
        let theme = crate::render::Theme::load(province.site_root.as_deref(), "default")?;
        let all = crate::render::Renderers::new(&theme)?;
        Arc::new((theme, all))
    };
    // Offices in parallel: each is its own project (its renders are parallel too).
    let done: Vec<Result<(OfficeReport, HashSet<PathBuf>)>> = province
        .offices
        .par_iter()
        .map(|o| {
            let (source, mut diagnostics) = province.office(o);
            let mut project = Project::open(source, as_of);
            project.share_renderers("default", &shared);
            // An office whose selection is wrong is only checked.
            let (summary, files) = if diagnostics.has_errors() {
                diagnostics.extend(project.check().diagnostics.clone());
                (None, HashSet::new())
            } else {
                let (built, files) = project.build_into(
                    &staging.path().join(&o.slug),
                    memo.as_ref()
                        .map(|m| (m.id.as_str(), m.reused, m.replaced.as_deref())),
                )?;
                diagnostics.extend(built.diagnostics);
                (built.summary, files)
            };
            Ok((
                OfficeReport::new(o, &mut project, diagnostics, summary),
                files,
            ))
        })
        .collect();
    let mut written = HashSet::new();
    let mut offices = Vec::new();
    for d in done {
        let (report, files) = d?;
        written.extend(files);
        offices.push(report);
    }
    let failed = offices.iter().any(|o| o.summary.is_none());
    let diagnostics = merged(&offices);
    let mut report = ProvinceReport {
        offices,
        diagnostics,
    };
    if failed || report.diagnostics.has_errors() {
        for o in &mut report.offices {
            o.summary = None;
        }
        return Ok(report);
    }
    let lines: Vec<&page::OfficeLine> = report
        .offices
        .iter()
        .filter_map(|o| o.page.as_ref())
        .collect();
    let kept = match only {
        None => Vec::new(),
        Some(_) => carry_over(
            output,
            staging.path(),
            &report.offices,
            memo.as_ref(),
            &province.cache,
            &mut written,
        )?,
    };
    let mut all: Vec<&page::OfficeLine> = kept.iter().chain(lines.iter().copied()).collect();
    all.sort_by(|a, b| a.slug.cmp(&b.slug));
    written.extend(page::write(staging.path(), &province.name, &all)?);
    staging.commit(&written)?;
    Ok(report)
}

/// Make `to` a copy of `from`. A file with the same size and modification time is taken
/// as the same (rsync's quick check; a copy here gives it `from`'s time): reading 78,000
/// files of 99 offices on every subset build took longer than building the office asked
/// for.
fn copy_if_changed(from: &Path, to: &Path) -> Result<()> {
    let src =
        std::fs::metadata(from).with_context(|| format!("không đọc được {}", from.display()))?;
    let modified = src.modified().ok();
    let dst = std::fs::metadata(to).ok();
    if let (Some(dst), Some(m)) = (&dst, modified) {
        if dst.len() == src.len() && dst.modified().ok() == Some(m) {
            return Ok(());
        }
    }
    // Same size: the bytes may be the same (a build rewrites only what changed, so
    // times differ between the two folders); then only the time is set.
    let same = dst.is_some_and(|d| d.len() == src.len())
        && std::fs::read(from).ok() == std::fs::read(to).ok();
    if !same {
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(from, to).with_context(|| format!("không ghi được {}", to.display()))?;
    }
    if let Some(m) = modified {
        std::fs::File::options()
            .write(true)
            .open(to)
            .and_then(|f| f.set_modified(m))
            .with_context(|| format!("không ghi được {}", to.display()))?;
    }
    Ok(())
}

/// The staging folder's identity, under which each office files the memo of what its
/// sub-folder holds (see `cache::pages`).
struct Memo {
    id: String,
    reused: bool,
    replaced: Option<String>,
}

/// For a build of some offices: every other office's board, copied from the current
/// `output/` into the staging folder where it differs, and its line of the page.
fn carry_over(
    output: &Path,
    staging: &Path,
    built: &[OfficeReport],
    memo: Option<&Memo>,
    cache: &Path,
    written: &mut HashSet<PathBuf>,
) -> Result<Vec<page::OfficeLine>> {
    let lines = page::read_lines(output);
    let mut kept = Vec::new();
    for line in lines {
        if built.iter().any(|b| b.slug == line.slug) {
            continue;
        }
        // Its sub-folder is rewritten here: the memo of what it held no longer holds.
        if let Some(m) = memo {
            let office = crate::project::office_cache(cache, &line.slug);
            drop(crate::cache::pages::PageMemo::take(&office, &m.id));
        }
        let from = output.join(&line.slug);
        for e in walkdir::WalkDir::new(&from)
            .into_iter()
            .filter_map(|e| e.ok())
        {
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e.path().strip_prefix(output).unwrap_or(e.path());
            let to = staging.join(rel);
            copy_if_changed(e.path(), &to)?;
            written.insert(to);
        }
        kept.push(line);
    }
    Ok(kept)
}

fn office_name(site: Option<&crate::model::SiteConfig>, slug: &str) -> String {
    site.map_or_else(|| slug.to_owned(), |s| s.co_quan.ten.clone())
}

/// Every office's diagnostics with catalogue problems said once: the same problem at the
/// same place is one diagnostic, its fix naming the offices it reaches.
fn merged(offices: &[OfficeReport]) -> Diagnostics {
    // By place and message: the diagnostic, and the offices that met it.
    type Place = (PathBuf, usize, usize, String);
    let mut seen: BTreeMap<Place, (Diagnostic, Vec<String>)> = BTreeMap::new();
    for o in offices {
        for d in &o.diagnostics.0 {
            let key = (d.file.clone(), d.line, d.column, d.message.clone());
            seen.entry(key)
                .or_insert_with(|| (d.clone(), Vec::new()))
                .1
                .push(o.slug.clone());
        }
    }
    let total = offices.len();
    let mut out = Diagnostics::default();
    for (_, (mut d, reach)) in seen {
        let in_catalogue = d.file.components().any(|c| c.as_os_str() == "danh-muc");
        if in_catalogue {
            let who = if reach.len() == total && total > 1 {
                format!("mọi đơn vị ({total})")
            } else {
                reach.join(", ")
            };
            let note = format!("ảnh hưởng: {who}");
            d.fix = Some(match d.fix.take() {
                Some(f) => format!("{f} ({note})"),
                None => note,
            });
        }
        out.push(d);
    }
    out.sort();
    out
}
