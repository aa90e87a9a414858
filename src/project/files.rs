//! The content as read: `site.yaml`, the synonyms, the forms and every record, each
//! parsed on its own and kept, so that a changed path reads again only what it holds.
//! Knows files, not what they mean together (that is `assemble`).

use super::assemble::{
    parse_config, parse_record, parse_record_cached, Keyed, ParsedConfig, ParsedRecord,
};
use super::Source;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, FormFiles, RecordCache, SourceFile};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub(super) struct Files {
    site_file: Option<SourceFile>,
    synonyms_file: Option<SourceFile>,
    pub config: ParsedConfig,
    pub forms: FormFiles,
    records: BTreeMap<PathBuf, ParsedRecord>,
    /// Files whose reading failed (not UTF-8, unreadable), reported with the rest.
    unreadable: BTreeMap<PathBuf, Diagnostic>,
    /// Records read back from the record cache instead of parsed.
    pub cached_records: usize,
    /// How long reading and parsing every file took.
    pub loaded_in: Duration,
    /// What the office's overrides of catalogue records got wrong.
    override_diagnostics: Diagnostics,
}

impl Files {
    /// Read and parse everything (unchanged records come back from the record cache).
    pub fn read(source: &Source, cache_dir: &Path) -> Result<Files> {
        let start = Instant::now();
        let mut files = source.read()?;
        let forms = FormFiles {
            files: std::mem::take(&mut files.forms),
            assets: std::mem::take(&mut files.form_assets),
            problems: Vec::new(),
        };
        let unreadable = std::mem::take(&mut files.problems)
            .into_iter()
            .map(|d| (d.file.clone(), d))
            .collect();
        let config = parse_config(files.site.as_ref(), files.synonyms.as_ref());
        let cache = RecordCache::open(Some(cache_dir));
        let mut records: BTreeMap<PathBuf, ParsedRecord> = files
            .records
            .into_par_iter()
            .map(|f| (f.path.clone(), parse_record_cached(f, &cache)))
            .collect();
        // A province's office: the catalogue's records come parsed already.
        if let Source::Office(o) = source {
            records.extend(o.parsed.iter().cloned());
        }
        let cached_records = cache.hits();
        cache.save();
        let override_diagnostics = super::overrides::apply(&mut records, files.overrides);
        super::overrides::link_elsewhere(&mut records, &files.elsewhere);
        Ok(Files {
            site_file: files.site,
            synonyms_file: files.synonyms,
            config,
            forms,
            records,
            unreadable,
            cached_records,
            loaded_in: start.elapsed(),
            override_diagnostics,
        })
    }

    /// How many record files were read.
    pub fn record_files(&self) -> usize {
        self.records.len()
            + self
                .unreadable
                .keys()
                .filter(|p| p.components().any(|c| c.as_os_str() == "thu-tuc"))
                .count()
    }

    /// The records that parsed, the codes of those that did not (so naming them is not
    /// another error), and every file's own diagnostics.
    pub fn parsed(&self) -> (Vec<Keyed>, Vec<String>, Diagnostics) {
        let mut diagnostics = Diagnostics::default();
        let mut records = Vec::with_capacity(self.records.len());
        let mut unreadable = Vec::new();
        diagnostics.0.extend(self.unreadable.values().cloned());
        diagnostics.0.extend(self.forms.problems.iter().cloned());
        diagnostics
            .0
            .extend(self.override_diagnostics.0.iter().cloned());
        for p in self.records.values() {
            diagnostics.0.extend(p.diagnostics.0.iter().cloned());
            records.extend(p.record.clone());
            unreadable.extend(p.claimed_code.clone());
        }
        (records, unreadable, diagnostics)
    }

    /// Read again what the changed path `abs` (absolute) holds, `rel` to the content
    /// folder `content`. True when `site.yaml` changed, which names the theme.
    pub fn changed(&mut self, content: &Path, content_abs: &Path, abs: &Path, rel: &Path) -> bool {
        let shown = content.join(rel);
        if rel == Path::new("site.yaml") || rel == Path::new("tu-dong-nghia.yaml") {
            self.unreadable.remove(&shown);
            let file = match load::read(&shown) {
                Ok(f) => Some(f),
                Err(d) if shown.symlink_metadata().is_ok() => {
                    self.unreadable.insert(shown.clone(), *d);
                    None
                }
                Err(_) => None,
            };
            let site = rel == Path::new("site.yaml");
            if site {
                self.site_file = file;
            } else {
                self.synonyms_file = file;
            }
            self.config = parse_config(self.site_file.as_ref(), self.synonyms_file.as_ref());
            return site;
        }
        if rel.starts_with("bieu-mau") {
            // Forms are few: read them all again.
            self.forms = load::read_forms(content);
        } else if abs.is_dir() {
            // A folder moved in or created: read every record under it.
            for entry in walkdir::WalkDir::new(abs).into_iter().flatten() {
                if let Ok(r) = entry.path().strip_prefix(content_abs) {
                    if entry.file_type().is_file() && load::is_record_file(r) {
                        self.reread(content.join(r));
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
        false
    }

    fn reread(&mut self, path: PathBuf) {
        self.unreadable.remove(&path);
        if !path.is_file() {
            self.records.remove(&path);
            return;
        }
        match load::read(&path) {
            // Kept in memory from now on: nothing to gain from the record cache.
            Ok(file) => {
                self.records.insert(path, parse_record(file));
            }
            Err(d) => {
                self.records.remove(&path);
                self.unreadable.insert(path, *d);
            }
        }
    }
}
