//! Incremental rebuilds for the live preview (`niemyet serve`).
//!
//! A [`Session`] keeps every record file parsed in memory, with the last catalogue it
//! published. On a change it re-reads only the files named, runs the cross-file rules
//! and the catalogue again (cheap next to parsing), and then compares the new catalogue
//! with the old one to decide which pages to render: the procedures that changed, the
//! ones that show a changed procedure among their related ones, the fields either
//! belongs to, and the pages listing everything. A change to `site.yaml`, the synonyms,
//! the theme, or to anything every page shows (counts, last update date in the footer)
//! renders everything, writing only files whose bytes changed.
//!
//! The promise, tested in `tests/serve.rs`: after any sequence of edits the output is
//! byte for byte what a full `niemyet build` of the same content writes (apart from the
//! injected live-reload snippet). This module does not watch files or serve HTTP.

use crate::build::{self, Checked, FormFiles, ParsedConfig, ParsedRecord};
use crate::catalogue::{Catalogue, Entry};
use crate::diagnostic::Diagnostics;
use crate::load::RecordCache;
use crate::load::{self, SourceFile};
use crate::model::{Date, SiteConfig, Synonyms};
use crate::render::site::view::Card;
use crate::render::{self, Output, Part, RenderContext, Renderer, Scope, Theme};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Session {
    content: PathBuf,
    site_root: PathBuf,
    output: PathBuf,
    cache_dir: PathBuf,
    as_of: Date,
    inject: String,
    site_file: Option<SourceFile>,
    synonyms_file: Option<SourceFile>,
    config: ParsedConfig,
    forms: FormFiles,
    records: BTreeMap<PathBuf, ParsedRecord>,
    /// Files whose reading failed (not UTF-8, unreadable), reported with the rest.
    unreadable: BTreeMap<PathBuf, String>,
    renderers: Option<(Theme, Vec<Box<dyn Renderer>>)>,
    published: Option<Published>,
    /// Open data not yet rendered for the published catalogue (see [`Session::settle`]).
    pending_data: bool,
}

/// What the last good build shows.
struct Published {
    catalogue: Catalogue,
    site: SiteConfig,
    synonyms: Synonyms,
    /// The site-wide view every page shows, serialised: if it changes, every page does.
    site_view: String,
}

/// The result of one rebuild.
pub struct Outcome {
    /// Everything `niemyet check` would report now.
    pub diagnostics: Diagnostics,
    /// A failure outside the records (a broken template, an unreadable file).
    pub error: Option<String>,
    /// Files rewritten (site-relative, sorted); empty when nothing was rendered.
    pub changed: Vec<String>,
    /// Whether every page was rendered (else only the part an edit touched).
    pub full: bool,
    pub rendered: bool,
    pub elapsed: Duration,
}

impl Outcome {
    /// Whether the open pages should show an error overlay instead of reloading.
    pub fn failed(&self) -> bool {
        self.error.is_some() || self.diagnostics.has_errors()
    }
}

impl Session {
    /// Read and parse everything in `content` and render it all into `output` (a folder
    /// the session owns; it is emptied of anything it does not write).
    pub fn open(
        content: &Path,
        output: &Path,
        cache_dir: &Path,
        as_of: Date,
        inject: &str,
    ) -> Result<(Session, Outcome)> {
        let start = Instant::now();
        let mut files = load::read_dir(content)?;
        let forms = FormFiles {
            files: std::mem::take(&mut files.forms),
            assets: std::mem::take(&mut files.form_assets),
        };
        let site_root = build::Source::Dir(content.to_path_buf())
            .site_root()
            .unwrap_or_else(|| PathBuf::from("."));
        let config = build::parse_config(files.site.as_ref(), files.synonyms.as_ref());
        // Unchanged records are read back as `build` reads them; later edits are parsed.
        let cache = RecordCache::open(Some(cache_dir));
        let records: BTreeMap<PathBuf, ParsedRecord> = files
            .records
            .into_par_iter()
            .map(|f| (f.path.clone(), build::parse_record_cached(f, &cache)))
            .collect();
        cache.save();
        std::fs::create_dir_all(output)
            .with_context(|| format!("không tạo được {}", output.display()))?;
        let mut s = Session {
            content: content.to_path_buf(),
            site_root,
            output: output.to_path_buf(),
            cache_dir: cache_dir.to_path_buf(),
            as_of,
            inject: inject.to_owned(),
            site_file: files.site,
            synonyms_file: files.synonyms,
            config,
            forms,
            records,
            unreadable: BTreeMap::new(),
            renderers: None,
            published: None,
            pending_data: false,
        };
        let outcome = s.rebuild(true, start);
        Ok((s, outcome))
    }

    pub fn content(&self) -> &Path {
        &self.content
    }

    /// Folders whose changes matter besides `content/`: the site's theme and template
    /// overrides (which may not exist yet).
    pub fn theme_dirs(&self) -> Vec<PathBuf> {
        vec![
            self.site_root.join("themes"),
            self.site_root.join("templates"),
        ]
    }

    /// Take changed paths (files or folders, existing or deleted; as the watcher reports
    /// them, absolute or not) and rebuild what they affect.
    pub fn update(&mut self, paths: &[PathBuf]) -> Outcome {
        let start = Instant::now();
        let mut full = false;
        let content_abs = absolute(&self.content);
        let theme_dirs: Vec<PathBuf> = self.theme_dirs().iter().map(|d| absolute(d)).collect();
        for path in paths {
            let abs = absolute(path);
            if theme_dirs.iter().any(|d| abs.starts_with(d)) {
                self.renderers = None;
                full = true;
                continue;
            }
            let Ok(rel) = abs.strip_prefix(&content_abs) else {
                continue;
            };
            let shown = self.content.join(rel);
            if rel == Path::new("site.yaml") || rel == Path::new("tu-dong-nghia.yaml") {
                let file = load::read(&shown).ok();
                if rel == Path::new("site.yaml") {
                    self.site_file = file;
                } else {
                    self.synonyms_file = file;
                }
                self.config =
                    build::parse_config(self.site_file.as_ref(), self.synonyms_file.as_ref());
                // The theme name lives in site.yaml.
                self.renderers = None;
                full = true;
            } else if rel.starts_with("bieu-mau") {
                // Forms are few: read them all again, and render everything (procedure
                // pages, posters and guide sheets name them).
                let forms_dir = self.content.join("bieu-mau");
                self.unreadable.retain(|p, _| !p.starts_with(&forms_dir));
                match load::read_forms(&self.content) {
                    Ok(forms) => self.forms = forms,
                    Err(e) => {
                        self.unreadable.insert(shown, format!("{e:#}"));
                    }
                }
                full = true;
            } else if abs.is_dir() {
                // A folder moved in or created: read every record under it.
                for entry in walkdir::WalkDir::new(&abs).into_iter().flatten() {
                    let p = entry.path();
                    if let Ok(r) = p.strip_prefix(&content_abs) {
                        if entry.file_type().is_file() && load::is_record_file(r) {
                            self.reread(self.content.join(r));
                        }
                    }
                }
            } else if load::is_record_file(rel) {
                self.reread(shown);
            } else if !abs.exists() {
                // A folder deleted or moved away: forget every record under it.
                self.records.retain(|p, _| !p.starts_with(&shown));
                self.unreadable.retain(|p, _| !p.starts_with(&shown));
            }
        }
        self.rebuild(full, start)
    }

    /// Whether open data still has to catch up with the pages (call [`Session::settle`]).
    pub fn pending(&self) -> bool {
        self.pending_data
    }

    /// Render what a partial rebuild left for later: open data (`du-lieu/`), which holds
    /// every record in full and takes far longer than the pages an officer is looking
    /// at. The preview calls this once no edit is waiting; after it, the folder equals a
    /// full build again.
    pub fn settle(&mut self) -> Outcome {
        let start = Instant::now();
        let mut outcome = Outcome {
            diagnostics: Diagnostics::default(),
            error: None,
            changed: Vec::new(),
            full: false,
            rendered: false,
            elapsed: Duration::ZERO,
        };
        let (Some(p), Some((theme, renderers))) = (&self.published, &self.renderers) else {
            return outcome;
        };
        if !self.pending_data {
            return outcome;
        }
        let scope = Scope::Part(Part {
            data: true,
            ..Part::default()
        });
        let out = Output::with_compare(self.output.clone(), true);
        let ctx = RenderContext {
            catalogue: &p.catalogue,
            site: &p.site,
            synonyms: &p.synonyms,
            theme,
            as_of: self.as_of,
            cache_dir: Some(&self.cache_dir),
            inject: &self.inject,
            scope: &scope,
            inputs: None,
        };
        match render::run_all(renderers, &ctx, &out) {
            Ok(()) => {
                self.pending_data = false;
                outcome.rendered = true;
                outcome.changed = out.take_changed();
            }
            Err(e) => outcome.error = Some(format!("{e:#}")),
        }
        outcome.elapsed = start.elapsed();
        outcome
    }

    fn reread(&mut self, path: PathBuf) {
        self.unreadable.remove(&path);
        if !path.is_file() {
            self.records.remove(&path);
            return;
        }
        match load::read(&path) {
            Ok(file) => {
                self.records.insert(path, build::parse_record(file));
            }
            Err(e) => {
                self.records.remove(&path);
                self.unreadable.insert(path, format!("{e:#}"));
            }
        }
    }

    fn check(&self) -> Checked {
        let mut diagnostics = Diagnostics::default();
        let mut records = Vec::with_capacity(self.records.len());
        let mut unreadable = Vec::new();
        for p in self.records.values() {
            diagnostics.0.extend(p.diagnostics.0.iter().cloned());
            records.extend(p.record.clone());
            unreadable.extend(p.claimed_code.clone());
        }
        build::assemble(
            self.config.clone(),
            &self.forms,
            self.as_of,
            self.records.len(),
            records,
            &unreadable,
            diagnostics,
        )
    }

    fn rebuild(&mut self, mut full: bool, start: Instant) -> Outcome {
        let checked = self.check();
        let mut outcome = Outcome {
            diagnostics: checked.diagnostics,
            error: None,
            changed: Vec::new(),
            full: false,
            rendered: false,
            elapsed: Duration::ZERO,
        };
        if let Some((path, msg)) = self.unreadable.iter().next() {
            outcome.error = Some(format!("{}: {msg}", path.display()));
        }
        let (Some(site), Some(catalogue)) = (checked.site, checked.catalogue) else {
            outcome.elapsed = start.elapsed();
            return outcome;
        };
        if outcome.error.is_some() {
            outcome.elapsed = start.elapsed();
            return outcome;
        }
        if self.renderers.is_none() {
            let loaded = Theme::load(Some(&self.site_root), &site.giao_dien)
                .and_then(|theme| render::all(&theme).map(|r| (theme, r)));
            match loaded {
                Ok(r) => self.renderers = Some(r),
                Err(e) => {
                    outcome.error = Some(format!("{e:#}"));
                    outcome.elapsed = start.elapsed();
                    return outcome;
                }
            }
            full = true;
        }
        let site_view =
            serde_json::to_string(&render::site::view::SiteView::new(&site, &catalogue))
                .unwrap_or_default();
        // Lifecycle pages (changes, upcoming, retired addresses) and the site-wide view
        // are few and shared: when either moves, render everything.
        let scope = match &self.published {
            Some(old)
                if !full
                    && old.site_view == site_view
                    && old.catalogue.lifecycle == catalogue.lifecycle
                    && field_pages(&old.catalogue, &site) == field_pages(&catalogue, &site) =>
            {
                Scope::Part(touched(&old.catalogue, &catalogue))
            }
            _ => Scope::All,
        };
        let Some((theme, renderers)) = &self.renderers else {
            return outcome;
        };
        let out = Output::with_compare(self.output.clone(), true);
        let ctx = RenderContext {
            catalogue: &catalogue,
            site: &site,
            synonyms: &checked.synonyms,
            theme,
            as_of: self.as_of,
            cache_dir: Some(&self.cache_dir),
            inject: &self.inject,
            scope: &scope,
            inputs: None,
        };
        if let Err(e) = render::run_all(renderers, &ctx, &out) {
            outcome.error = Some(format!("{e:#}"));
            outcome.elapsed = start.elapsed();
            return outcome;
        }
        let mut changed = out.take_changed();
        let cleaned = match (&scope, &self.published) {
            (Scope::All, _) => crate::writer::prune(&self.output, &out.take_written()),
            (Scope::Part(_), Some(old)) => remove_gone(&self.output, &old.catalogue, &catalogue),
            (Scope::Part(_), None) => Ok(Vec::new()),
        };
        match cleaned {
            Ok(removed) => changed.extend(removed),
            Err(e) => outcome.error = Some(format!("{e:#}")),
        }
        changed.sort();
        outcome.changed = changed;
        outcome.full = matches!(scope, Scope::All);
        outcome.rendered = true;
        match &scope {
            Scope::All => self.pending_data = false,
            Scope::Part(p) => self.pending_data |= !p.entries.is_empty() || p.lists || p.search,
        }
        let old = self.published.replace(Published {
            catalogue,
            site,
            synonyms: checked.synonyms,
            site_view,
        });
        // Freeing 10,000 entries takes tens of milliseconds the reload need not wait for.
        std::thread::spawn(move || drop(old));
        outcome.elapsed = start.elapsed();
        outcome
    }
}

/// The part of the site an edit touched, from the old and new catalogues.
///
/// A procedure whose record changed is rendered again. Pages that show it only as a card
/// (fields, lists, related procedures, home, sitemap, print index) are rendered again
/// only if its card changed; the search index only if what it indexes changed. Editing
/// the guidance of one procedure thus renders that procedure's pages and nothing else.
fn touched(old: &Catalogue, new: &Catalogue) -> Part {
    let old_by_code: HashMap<&str, usize> = old
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.code.as_str(), i))
        .collect();
    let field_slug = |cat: &Catalogue, i: usize| cat.fields[cat.entries[i].field].slug.clone();
    let mut card_changed: BTreeSet<&str> = BTreeSet::new();
    let mut part = Part::default();
    for (i, e) in new.entries.iter().enumerate() {
        let Some(&j) = old_by_code.get(e.code.as_str()) else {
            part.entries.insert(i);
            card_changed.insert(&e.code);
            continue;
        };
        let o = &old.entries[j];
        if same(o, e) && slug_of(old, j) == slug_of(new, i) {
            continue;
        }
        part.entries.insert(i);
        if Card::new(o, old) != Card::new(e, new) {
            card_changed.insert(&e.code);
        }
        if search_key(o) != search_key(e) {
            part.search = true;
        }
        // Life events list their procedures on the home page and in the sitemap.
        if o.procedure.su_kien_cuoc_song != e.procedure.su_kien_cuoc_song {
            part.lists = true;
        }
    }
    for e in &old.entries {
        if new.by_code(&e.code).is_none() {
            card_changed.insert(&e.code);
        }
    }
    if card_changed.is_empty() {
        return part;
    }
    part.lists = true;
    // Pages that show a changed card among their related procedures.
    for (i, e) in new.entries.iter().enumerate() {
        if e.procedure
            .thu_tuc_lien_quan
            .iter()
            .any(|c| card_changed.contains(c.as_str()))
        {
            part.entries.insert(i);
        }
    }
    // Fields that hold, or held, a changed card.
    let mut slugs: BTreeSet<String> = BTreeSet::new();
    for code in &card_changed {
        if let Some(&j) = old_by_code.get(code) {
            slugs.insert(field_slug(old, j));
        }
        if let Some(i) = new.index_of(code) {
            slugs.insert(field_slug(new, i));
        }
    }
    for (i, f) in new.fields.iter().enumerate() {
        if slugs.contains(&f.slug) {
            part.fields.insert(i);
        }
    }
    part
}

fn slug_of(cat: &Catalogue, i: usize) -> &str {
    &cat.fields[cat.entries[i].field].slug
}

/// Whether two entries are equal; records not re-read since share their procedure, which
/// makes the common case a pointer comparison.
fn same(a: &Entry, b: &Entry) -> bool {
    let procedure = Arc::ptr_eq(&a.procedure, &b.procedure) || a.procedure == b.procedure;
    let body = match (&a.body, &b.body) {
        (Some(x), Some(y)) => Arc::ptr_eq(x, y) || x == y,
        (None, None) => true,
        _ => false,
    };
    procedure
        && body
        && a.code == b.code
        && a.name == b.name
        && a.plain_name == b.plain_name
        && a.slug == b.slug
        && a.source == b.source
}

/// What the search index reads from a procedure besides its card.
fn search_key(e: &Entry) -> impl PartialEq + '_ {
    let p = &e.procedure;
    (
        &p.tu_khoa,
        &p.su_kien_cuoc_song,
        p.thanh_phan_ho_so
            .iter()
            .flat_map(|g| &g.giay_to)
            .map(|d| (&d.ten, &d.thay_the, &d.bieu_mau))
            .collect::<Vec<_>>(),
    )
}

/// How many pages each field's list has: when one gains or loses a page, a partial render
/// would leave a stale `trang-<n>/` behind, so everything is rendered (and pruned).
fn field_pages(cat: &Catalogue, site: &SiteConfig) -> Vec<(String, usize)> {
    cat.fields
        .iter()
        .map(|f| {
            let n = render::site::pager::page_count(f.entries.len(), site.so_thu_tuc_moi_trang);
            (f.slug.clone(), n)
        })
        .collect()
}

/// After a partial render: remove the pages of procedures and fields that are gone (or
/// moved to another address). Returns the site-relative folders removed.
fn remove_gone(output: &Path, old: &Catalogue, new: &Catalogue) -> Result<Vec<String>> {
    let live: BTreeSet<String> = new
        .entries
        .iter()
        .map(|e| e.url_path())
        .chain(new.fields.iter().map(|f| f.url_path()))
        .collect();
    let mut removed = Vec::new();
    let gone = old
        .entries
        .iter()
        .map(|e| e.url_path())
        .chain(old.fields.iter().map(|f| f.url_path()))
        .filter(|u| !live.contains(u));
    for url in gone {
        // Each page has a web folder and, with print, a print folder of the same path.
        for dir in [url.clone(), crate::permalink::print_of(&url)] {
            let path = output.join(&dir);
            if path.is_dir() {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("không xóa được {}", path.display()))?;
                removed.push(dir);
            }
        }
    }
    Ok(removed)
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    // Resolve symlinks where the path exists (macOS /tmp, /var); keep deleted paths as is.
    match abs.parent().and_then(|parent| parent.canonicalize().ok()) {
        Some(parent) => match abs.file_name() {
            Some(name) => parent.join(name),
            None => parent,
        },
        None => abs,
    }
}
