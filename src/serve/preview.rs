//! The live preview's folder: the project rendered into `.niemyet-cache/xem-truoc/`
//! (never `output/`: its pages carry the reload script), again after every save.
//!
//! A save renders everything but open data at once, leaving alone what the save did not
//! change (by digest, as a build does); open data, every record in full, follows once no
//! edit is waiting ([`Preview::settle`]). After that the folder is what `niemyet build`
//! would write, apart from the script (`tests/serve.rs` compares them).

use crate::diagnostic::Diagnostics;
use crate::model::Date;
use crate::project::{Project, Source};
use crate::render::Scope;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Preview {
    project: Project,
    dir: PathBuf,
    inject: String,
    /// Open data not yet rendered for what the pages show.
    pending: bool,
}

/// What one rebuild did.
pub struct Outcome {
    /// Everything `niemyet check` would report now.
    pub diagnostics: Diagnostics,
    /// A failure outside the records (a broken template, an unreadable file).
    pub error: Option<String>,
    /// Files rewritten or removed (site-relative, sorted); empty when nothing was rendered.
    pub changed: Vec<String>,
    pub rendered: bool,
    pub elapsed: Duration,
}

impl Outcome {
    /// Whether the open pages should show an error overlay instead of reloading.
    pub fn failed(&self) -> bool {
        self.error.is_some() || self.diagnostics.has_errors()
    }
}

impl Preview {
    /// Read `content` and render it all into `dir`, a folder the preview owns (emptied of
    /// anything it does not write).
    pub fn open(
        content: &Path,
        dir: &Path,
        as_of: Date,
        inject: &str,
    ) -> Result<(Preview, Outcome)> {
        let start = Instant::now();
        let project = Project::load(Source::Dir(content.to_path_buf()), as_of)?;
        let mut p = Preview {
            project,
            dir: dir.to_path_buf(),
            inject: inject.to_owned(),
            pending: false,
        };
        let outcome = p.render(Scope::All, start);
        Ok((p, outcome))
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Take changed paths (as the watcher reports them) and render what follows.
    pub fn update(&mut self, paths: &[PathBuf]) -> Outcome {
        let start = Instant::now();
        self.project.update(paths);
        let outcome = self.render(Scope::Pages, start);
        self.pending |= outcome.rendered;
        outcome
    }

    /// Whether open data still has to catch up with the pages (call [`Preview::settle`]).
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// Render open data for what the pages show; after it the folder equals a full
    /// build again.
    pub fn settle(&mut self) -> Outcome {
        let start = Instant::now();
        if !self.pending {
            return self.outcome(None, Vec::new(), false, start);
        }
        let outcome = self.render(Scope::Data, start);
        if outcome.error.is_none() {
            self.pending = false;
        }
        outcome
    }

    fn render(&mut self, scope: Scope, start: Instant) -> Outcome {
        match self.project.preview(&self.dir, &self.inject, scope) {
            Ok(Some(r)) => {
                if scope == Scope::All {
                    self.pending = false;
                }
                self.outcome(None, r.changed, true, start)
            }
            Ok(None) => self.outcome(None, Vec::new(), false, start),
            Err(e) => self.outcome(Some(format!("{e:#}")), Vec::new(), false, start),
        }
    }

    fn outcome(
        &mut self,
        error: Option<String>,
        changed: Vec<String>,
        rendered: bool,
        start: Instant,
    ) -> Outcome {
        Outcome {
            diagnostics: self.project.check().diagnostics.clone(),
            error,
            changed,
            rendered,
            elapsed: start.elapsed(),
        }
    }
}
