//! One project: a content folder (or the embedded sample) read once and kept parsed,
//! checked, and rendered. `niemyet check`, `build` and `serve` all run through it, so
//! they always agree; the live preview only tells it which files changed.
//!
//! The stages, each a module of the crate: load → validate → identity → lifecycle →
//! catalogue → render → writer. What a render leaves alone it leaves by digest (each page,
//! group of files or PDF says what it is made from, and the output folder's memo what it
//! holds), the same in a build and in the preview: there is no second pipeline deciding
//! what an edit touched.

mod assemble;
mod files;
mod overrides;
mod source;
mod unchanged;

pub use assemble::{
    assemble, parse_config, parse_record, parse_record_cached, Checked, ParsedConfig, ParsedRecord,
};
pub use source::{office_cache, sample_file, OfficeFiles, Source};

use files::Files;

use crate::cache::pages::PageMemo;
use crate::diagnostic::Diagnostics;
use crate::model::Date;
use crate::render::{Output, RenderContext, Renderers, Scope, Theme};
use crate::writer::Staging;
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Project {
    source: Source,
    as_of: Date,
    cache_dir: PathBuf,
    /// The files, read on first need: a build with nothing to do never reads them.
    files: Option<Files>,
    /// Why reading the files failed, when it did.
    load_error: Option<String>,
    /// The check of the files as they are; `None` after an update until asked again.
    checked: Option<Checked>,
    /// Whether `checked` holds the print warnings too.
    print_checked: bool,
    /// Each record's sheets, as the print check found them.
    #[cfg(feature = "pdf")]
    sheets: Vec<crate::render::print::RecordSheets>,
    /// Shared: a province's offices with the same theme use one (templates parsed and
    /// fonts loaded once).
    renderers: Option<std::sync::Arc<(Theme, Renderers)>>,
    /// What the preview folder holds, between two renders into it.
    preview_memo: Option<PageMemo>,
    /// Every file the preview folder holds after the last render into it, so the next
    /// render removes what it no longer makes without listing 10,000 folders; `None`
    /// when unknown (before the first render, after a failed one).
    preview_files: Option<HashSet<PathBuf>>,
}

/// What a build did: the diagnostics always, the summary only when it wrote a site.
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub summary: Option<Summary>,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub procedures: usize,
    pub fields: usize,
    pub pages: usize,
    pub files: usize,
    pub bytes: usize,
    pub warnings: usize,
    /// Nothing to do: the output folder already held this build (see `unchanged`).
    pub unchanged: bool,
    /// Records read back from the cache instead of parsed (see [`crate::load::cache`]).
    pub cached_records: usize,
    /// Files whose inputs were unchanged, left as the previous build wrote them.
    pub reused_pages: usize,
    /// Procedures' pieces of the search index and open data read back, not made.
    pub reused_pieces: usize,
    pub elapsed: Duration,
    /// Cumulative time at the end of each stage, for `--timings`.
    pub stages: Vec<(&'static str, Duration)>,
}

/// What one render into the preview folder did.
pub struct Rendered {
    /// Site-relative files whose bytes changed or that were removed, sorted.
    pub changed: Vec<String>,
}

impl Project {
    /// A project over `source` at `as_of`, nothing read yet: files are read on first
    /// need, once.
    pub fn open(source: Source, as_of: Date) -> Project {
        Project {
            cache_dir: source.cache_dir(),
            source,
            as_of,
            files: None,
            load_error: None,
            checked: None,
            print_checked: false,
            #[cfg(feature = "pdf")]
            sheets: Vec::new(),
            renderers: None,
            preview_memo: None,
            preview_files: None,
        }
    }

    /// [`Project::open`], then read and parse everything (unchanged records come back
    /// from the record cache).
    pub fn load(source: Source, as_of: Date) -> Result<Project> {
        let mut project = Project::open(source, as_of);
        project.files()?;
        Ok(project)
    }

    fn files(&mut self) -> Result<&mut Files> {
        if self.files.is_none() {
            match Files::read(&self.source, &self.cache_dir) {
                Ok(files) => {
                    self.load_error = None;
                    self.files = Some(files);
                }
                Err(e) => {
                    self.load_error = Some(format!("{e:#}"));
                    return Err(e);
                }
            }
        }
        self.files.as_mut().context("chưa đọc được nội dung")
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// Where work is kept between runs (`.niemyet-cache/` beside `content/`).
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// How many record files were read.
    pub fn record_files(&self) -> usize {
        self.files.as_ref().map_or(0, Files::record_files)
    }

    /// Folders whose changes matter besides `content/`: the site's theme and template
    /// overrides (which may not exist yet).
    pub fn theme_dirs(&self) -> Vec<PathBuf> {
        match self.source.site_root() {
            Some(root) => vec![root.join("themes"), root.join("templates")],
            None => Vec::new(),
        }
    }

    /// Take changed paths (files or folders, existing or deleted; absolute or not, as a
    /// watcher reports them) and read again what they hold. The next check and render
    /// follow from the files as they now are.
    pub fn update(&mut self, paths: &[PathBuf]) {
        let Source::Dir(content) = self.source.clone() else {
            return;
        };
        let content_abs = absolute(&content);
        let theme_dirs: Vec<PathBuf> = self.theme_dirs().iter().map(|d| absolute(d)).collect();
        for path in paths {
            let abs = absolute(path);
            self.checked = None;
            if theme_dirs.iter().any(|d| abs.starts_with(d)) {
                self.renderers = None;
                continue;
            }
            let Ok(rel) = abs.strip_prefix(&content_abs) else {
                continue;
            };
            match &mut self.files {
                Some(files) => {
                    if files.changed(&content, &content_abs, &abs, rel) {
                        // The theme's name lives in site.yaml.
                        self.renderers = None;
                    }
                }
                // Not read yet (or reading failed): the next read sees the change.
                None => self.renderers = None,
            }
        }
    }

    /// Everything `niemyet check` reports about the files as they are, and the catalogue
    /// when nothing is wrong (nothing, when the files could not be read: see
    /// [`Project::read_error`]).
    pub fn check(&mut self) -> &Checked {
        if self.checked.is_none() {
            let as_of = self.as_of;
            if let Ok(files) = self.files() {
                let (records, unreadable, diagnostics) = files.parsed();
                let checked = assemble(
                    files.config.clone(),
                    &files.forms,
                    as_of,
                    files.record_files(),
                    records,
                    &unreadable,
                    diagnostics,
                );
                self.checked = Some(checked);
            }
            self.print_checked = false;
        }
        self.checked.get_or_insert_with(Checked::empty)
    }

    /// A failure outside the records (an unreadable file), which `check` cannot place at
    /// a line.
    pub fn read_error(&self) -> Option<String> {
        self.load_error.clone()
    }

    /// Add to the check what print finds: posters and guide sheets that need a second
    /// sheet even at the smallest type, forms that print on other than their declared
    /// pages. Laid out (or read from the print cache) once per state of the files.
    #[cfg(feature = "pdf")]
    pub fn check_print(&mut self) -> Result<()> {
        self.check();
        if self.print_checked {
            return Ok(());
        }
        self.renderers()?;
        let (Some(checked), Some((_, renderers))) = (&mut self.checked, self.renderers.as_deref())
        else {
            return Ok(());
        };
        let (Some(site), Some(catalogue)) = (&checked.site, &checked.catalogue) else {
            return Ok(());
        };
        let (found, sheets) =
            renderers
                .print()
                .sheet_findings(site, catalogue, self.as_of, Some(&self.cache_dir))?;
        self.sheets = sheets;
        checked
            .diagnostics
            .0
            .extend(found.into_iter().map(|(path, f)| locate_on_disk(&path, f)));
        checked.diagnostics.sort();
        self.print_checked = true;
        Ok(())
    }

    /// Each record's sheets (count, smallest type), after [`Project::check_print`].
    #[cfg(feature = "pdf")]
    pub fn sheets(&self) -> &[crate::render::print::RecordSheets] {
        &self.sheets
    }

    /// What the last build's print renderer did.
    #[cfg(feature = "pdf")]
    pub fn print_stats(&self) -> Option<crate::render::print::PrintStats> {
        self.renderers.as_ref().map(|r| r.1.print().stats())
    }

    /// The theme the site names, with the site's template overrides.
    fn theme(&self) -> Result<Theme> {
        let name = self
            .checked
            .as_ref()
            .and_then(|c| c.site.as_ref())
            .map_or("default", |s| s.giao_dien.as_str());
        Theme::load(self.source.site_root().as_deref(), name)
    }

    fn renderers(&mut self) -> Result<&(Theme, Renderers)> {
        if self.renderers.is_none() {
            let theme = self.theme()?;
            let all = Renderers::new(&theme)?;
            self.renderers = Some(std::sync::Arc::new((theme, all)));
        }
        self.renderers.as_deref().context("bộ dựng chưa sẵn sàng")
    }

    /// Use `shared`, the renderers of theme `name`, when this project's site names that
    /// theme (a province's offices: one set of parsed templates and loaded fonts).
    pub fn share_renderers(&mut self, name: &str, shared: &std::sync::Arc<(Theme, Renderers)>) {
        let same = self
            .check()
            .site
            .as_ref()
            .is_some_and(|s| s.giao_dien == name);
        if same {
            self.renderers = Some(shared.clone());
        }
    }

    /// Build into `output`: a staging folder beside it (the build before last, reused),
    /// swapped in only when every file is written. On any error in the content nothing is
    /// written and the previous output stays.
    ///
    /// A project not read yet first asks whether `output` already holds this build
    /// (`unchanged`): then nothing is read or written, and the report is that build's.
    pub fn build(&mut self, output: &Path) -> Result<BuildReport> {
        let mut start = Instant::now();
        // Only a project not read yet can vouch that what it reads is what it
        // fingerprinted: a file may have changed since an earlier read.
        let inputs = match &self.files {
            Some(files) => {
                // Times count from the start of the earlier read.
                start = start.checked_sub(files.loaded_in).unwrap_or(start);
                None
            }
            None => {
                let inputs = self.fingerprint();
                if let Some(report) = inputs.and_then(|i| self.already_built(output, &i, start)) {
                    return Ok(report);
                }
                inputs
            }
        };
        self.files()?;
        let mut stages = vec![("đọc tệp", start.elapsed())];
        if let Some(e) = self.read_error() {
            anyhow::bail!("{e}");
        }
        let ok = self.check().catalogue.is_some();
        stages.push(("kiểm tra", start.elapsed()));
        if !ok {
            return Ok(BuildReport {
                diagnostics: self.check().diagnostics.clone(),
                summary: None,
            });
        }
        // What killed builds left in the cache (the output's leftovers are the writer's).
        crate::cache::sweep_temps(
            &self.cache_dir,
            |name| crate::writer::pid_after(name, ".tmp"),
            crate::writer::is_dead,
        );
        let staging = Staging::new(output)?;
        // The staging folder keeps its identity when swapped in: its page memo is filed
        // under it.
        let folder = staging.folder_id();
        let mut out = Output::with_compare(staging.path().to_path_buf(), staging.reused());
        let remember = crate::cache::stamp().is_some();
        if let (Some(id), true) = (&folder, remember) {
            // Taken, not just read: from now until this build commits, the folder's files
            // may differ from what the memo says.
            let memo = PageMemo::take(&self.cache_dir, id);
            out = out.with_memo(if staging.reused() {
                memo
            } else {
                PageMemo::default()
            });
        }
        self.render(&out, "", Scope::All)?;
        stages.push(("dựng trang", start.elapsed()));
        // The sheets were just laid out: their fits come from the print cache.
        #[cfg(feature = "pdf")]
        self.check_print()?;
        let mut memo = out.take_memo();
        let (summary, diagnostics) = self.rendered(&out, memo.as_ref().map_or(0, PageMemo::reused));
        if let (Some(mut memo), Some(id)) = (memo.take(), &folder) {
            if let Some(inputs) = inputs {
                memo.set_made_from(inputs, unchanged::keep(&summary, &diagnostics));
            }
            memo.save(&self.cache_dir, id);
        }
        // The destination becomes the next build's staging folder: its memo stays.
        let replaced = crate::writer::folder_id(output);
        staging.commit(&out.take_written())?;
        if let Some(id) = &folder {
            let mut keep = vec![id.as_str()];
            keep.extend(replaced.as_deref());
            crate::cache::pages::forget_others(&self.cache_dir, &keep);
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

    /// Build into `dir`, a folder inside a staging folder the caller owns and swaps in (a
    /// province's offices, all swapped together): files whose bytes are unchanged are left
    /// as they are; returns the report and every file written, which the caller keeps
    /// when it prunes. On an error in the content nothing is written.
    ///
    /// `memo`: the staging folder's identity, whether it holds a previous build, and the
    /// identity of the folder it replaces; what this project's sub-folder holds is filed
    /// under it, so a rebuild renders only the pages whose inputs changed.
    pub fn build_into(
        &mut self,
        dir: &Path,
        memo: Option<(&str, bool, Option<&str>)>,
    ) -> Result<(BuildReport, HashSet<PathBuf>)> {
        let start = Instant::now();
        self.files()?;
        if let Some(e) = self.read_error() {
            anyhow::bail!("{e}");
        }
        if self.check().catalogue.is_none() {
            let diagnostics = self.check().diagnostics.clone();
            return Ok((
                BuildReport {
                    diagnostics,
                    summary: None,
                },
                HashSet::new(),
            ));
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("không tạo được {}", dir.display()))?;
        let mut out = Output::with_compare(dir.to_path_buf(), true);
        let remember = crate::cache::stamp().is_some();
        if let (Some((id, reused, _)), true) = (memo, remember) {
            let kept = PageMemo::take(&self.cache_dir, id);
            out = out.with_memo(if reused { kept } else { PageMemo::default() });
        }
        self.render(&out, "", Scope::All)?;
        #[cfg(feature = "pdf")]
        self.check_print()?;
        let memo_now = out.take_memo();
        let (summary, diagnostics) =
            self.rendered(&out, memo_now.as_ref().map_or(0, PageMemo::reused));
        if let (Some(m), Some((id, _, replaced))) = (memo_now, memo) {
            m.save(&self.cache_dir, id);
            let mut keep = vec![id];
            keep.extend(replaced);
            crate::cache::pages::forget_others(&self.cache_dir, &keep);
        }
        let summary = Summary {
            elapsed: start.elapsed(),
            ..summary
        };
        Ok((
            BuildReport {
                diagnostics,
                summary: Some(summary),
            },
            out.take_written(),
        ))
    }

    /// What a render into `out` made, and the check's findings after it.
    fn rendered(&mut self, out: &Output, reused_pages: usize) -> (Summary, Diagnostics) {
        let cached_records = self.files.as_ref().map_or(0, |f| f.cached_records);
        let checked = self.check();
        let diagnostics = checked.diagnostics.clone();
        let (procedures, fields) = checked
            .catalogue
            .as_ref()
            .map_or((0, 0), |c| (c.entries.len(), c.fields.len()));
        let summary = Summary {
            procedures,
            fields,
            pages: out.pages(),
            files: out.files(),
            bytes: out.bytes(),
            warnings: diagnostics.warnings(),
            unchanged: false,
            cached_records,
            reused_pages,
            reused_pieces: out.reused_pieces(),
            elapsed: Duration::ZERO,
            stages: Vec::new(),
        };
        (summary, diagnostics)
    }

    /// What the build would be made from (see `unchanged`).
    fn fingerprint(&self) -> Option<crate::cache::Digest32> {
        let content = self.source.content_dir();
        unchanged::fingerprint(content, self.source.site_root().as_deref(), self.as_of)
    }

    /// The report of the build that made `output`, if it was made from `inputs` and is
    /// still as that build left it.
    fn already_built(
        &self,
        output: &Path,
        inputs: &crate::cache::Digest32,
        start: Instant,
    ) -> Option<BuildReport> {
        let id = crate::writer::folder_id(output)?;
        let memo = PageMemo::load(&self.cache_dir, &id);
        let (made_from, kept) = memo.made_from()?;
        (made_from == inputs && memo.intact(output))
            .then(|| unchanged::recall(kept, start.elapsed()))
            .flatten()
    }

    /// Render `scope` into `dir`, a folder this project owns (the live preview's):
    /// unchanged files are left as they are, files no longer made are removed. `inject`
    /// goes before `</body>` of every page. Nothing is rendered while the check finds an
    /// error (the caller shows it); `Ok(None)` then.
    pub fn preview(&mut self, dir: &Path, inject: &str, scope: Scope) -> Result<Option<Rendered>> {
        if let Some(e) = self.read_error() {
            anyhow::bail!("{e}");
        }
        if self.check().catalogue.is_none() {
            return Ok(None);
        }
        std::fs::create_dir_all(dir)
            .with_context(|| format!("không tạo được {}", dir.display()))?;
        let mut out = Output::with_compare(dir.to_path_buf(), true);
        if crate::cache::stamp().is_some() {
            out = out.with_memo(self.preview_memo.take().unwrap_or_default());
        }
        let result = self.render(&out, inject, scope);
        let data = crate::permalink::DATA;
        let in_scope = |rel: &str| match scope {
            Scope::All => true,
            Scope::Pages => !rel.starts_with(data),
            Scope::Data => rel.starts_with(data),
        };
        // What the folder holds now, for the next render: a failed render leaves none.
        let memo = out.take_memo();
        let before = self.preview_files.take();
        result?;
        self.preview_memo = memo.map(|m| m.into_previous(|rel| !in_scope(rel)));
        let mut changed = out.take_changed();
        let written = out.take_written();
        let rel = |p: &Path| {
            p.strip_prefix(dir)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default()
        };
        changed.extend(match &before {
            Some(before) => {
                crate::writer::prune_known(dir, before, &written, |p| in_scope(&rel(p)))?
            }
            None => crate::writer::prune_where(dir, &written, in_scope)?,
        });
        // Out of scope, the folder holds what it held.
        let mut files = written;
        if scope != Scope::All {
            match before {
                Some(before) => files.extend(before.into_iter().filter(|p| !in_scope(&rel(p)))),
                None => {
                    return Ok(Some(Rendered {
                        changed: sorted(changed),
                    }))
                }
            }
        }
        self.preview_files = Some(files);
        Ok(Some(Rendered {
            changed: sorted(changed),
        }))
    }

    fn render(&mut self, out: &Output, inject: &str, scope: Scope) -> Result<()> {
        self.check();
        self.renderers()?;
        let (Some(checked), Some((theme, all))) = (&self.checked, self.renderers.as_deref()) else {
            return Ok(());
        };
        let (Some(site), Some(catalogue)) = (&checked.site, &checked.catalogue) else {
            return Ok(());
        };
        let ctx = RenderContext {
            catalogue,
            site,
            synonyms: &checked.synonyms,
            theme,
            as_of: self.as_of,
            cache_dir: Some(&self.cache_dir),
            inject,
            scope,
        };
        all.run(&ctx, out)
    }
}

/// The check of `source` at `as_of`, with its catalogue when nothing is wrong: what
/// `niemyet check` reports (without print's warnings).
pub fn checked(source: Source, as_of: Date) -> Result<Checked> {
    let mut project = Project::load(source, as_of)?;
    project.check();
    Ok(project.checked.take().unwrap_or_else(Checked::empty))
}

impl Checked {
    fn empty() -> Checked {
        Checked {
            site: None,
            synonyms: Default::default(),
            record_files: 0,
            catalogue: None,
            diagnostics: Diagnostics::default(),
        }
    }
}

/// Locate a finding by reading its record again (the project keeps findings' places,
/// not texts). A record that cannot be read (the embedded sample) gets line 1.
#[cfg(feature = "pdf")]
fn locate_on_disk(path: &Path, f: crate::diagnostic::Finding) -> crate::diagnostic::Diagnostic {
    let text = std::fs::read_to_string(path)
        .ok()
        .map(|t| crate::text::normalize(&t));
    let pos = text
        .as_deref()
        .map(|t| match crate::load::split_front_matter(t) {
            Some(split) => {
                crate::load::locate::Locator::new(split.yaml, split.yaml_line_offset).find(&f.field)
            }
            None => crate::load::locate::Locator::new(t, 0).find(&f.field),
        });
    crate::diagnostic::Diagnostic {
        severity: f.severity,
        file: path.to_path_buf(),
        line: pos.map_or(1, |p| p.line),
        column: pos.map_or(1, |p| p.column),
        field: f.field,
        message: f.message,
        fix: f.fix,
        source: text.map(std::sync::Arc::from),
    }
}

fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list.dedup();
    list
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
