//! Renderers: each takes the catalogue and writes its part of the output.
//!
//! A renderer never reads content files and never decides where the output goes:
//! it gets a [`RenderContext`] and writes through an [`Output`], which the writer
//! points at a staging folder. Adding an output kind (posters, forms, open data) means
//! adding a `Renderer`, not touching the others.

pub mod data;
pub mod forms;
pub mod jsonld;
pub mod markdown;
pub mod open_data;
mod output;
#[cfg(feature = "pdf")]
pub mod print;
pub mod prose;
pub mod search;
pub mod site;
pub mod theme;

pub use output::{Group, Output};
pub use theme::Theme;

use crate::cache::{Digest32, Key};
use crate::catalogue::Catalogue;
use crate::model::{Date, SiteConfig, Synonyms};
use anyhow::Result;
use std::collections::BTreeSet;

/// What a render pass must produce. A build renders everything; the live preview
/// re-renders only what an edit touched, and must then write exactly the bytes a full
/// build would (tests compare the two).
#[derive(Debug, Clone, Default)]
pub enum Scope {
    #[default]
    All,
    Part(Part),
}

/// The pages an edit touched. Indices are into the *new* catalogue.
#[derive(Debug, Clone, Default)]
pub struct Part {
    /// Procedures whose own pages (site and print) must be rendered again.
    pub entries: BTreeSet<usize>,
    /// Fields whose pages (site and print) must be rendered again.
    pub fields: BTreeSet<usize>,
    /// Everything that lists the whole catalogue as cards: home, lists, sitemap, print
    /// index.
    pub lists: bool,
    /// The search index (terms come from names, keywords and documents, not guidance).
    pub search: bool,
    /// Open data (`du-lieu/`): every record in full, so any change touches it. The live
    /// preview renders it in a second pass, after the pages an officer looks at.
    pub data: bool,
}

impl Scope {
    pub fn entry(&self, i: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Part(p) => p.entries.contains(&i),
        }
    }
    pub fn field(&self, i: usize) -> bool {
        match self {
            Scope::All => true,
            Scope::Part(p) => p.fields.contains(&i),
        }
    }
    pub fn lists(&self) -> bool {
        match self {
            Scope::All => true,
            Scope::Part(p) => p.lists,
        }
    }
    pub fn search(&self) -> bool {
        match self {
            Scope::All => true,
            Scope::Part(p) => p.search || p.lists,
        }
    }
    pub fn data(&self) -> bool {
        match self {
            Scope::All => true,
            Scope::Part(p) => p.data,
        }
    }
    /// Theme assets and other files that change only with the theme or the config.
    pub fn assets(&self) -> bool {
        matches!(self, Scope::All)
    }
}

/// Everything a renderer may read.
pub struct RenderContext<'a> {
    pub catalogue: &'a Catalogue,
    pub site: &'a SiteConfig,
    pub synonyms: &'a Synonyms,
    pub theme: &'a Theme,
    /// The date the build describes (today unless `--as-of`).
    pub as_of: Date,
    /// Where a renderer may keep work between builds (`<site root>/.niemyet-cache/`),
    /// never inside the output; `None`: keep nothing.
    pub cache_dir: Option<&'a std::path::Path>,
    /// Extra HTML put before `</body>` of every page (the live-reload script in serve
    /// mode); empty for `build`, whose output never carries it.
    pub inject: &'a str,
    /// Which pages to produce; [`Scope::All`] for a build.
    pub scope: &'a Scope,
    /// Digest of everything read from the content folder and the date (see
    /// [`crate::load::ContentFiles::digest`]); `None` where outputs are not remembered.
    pub inputs: Option<Digest32>,
}

impl RenderContext<'_> {
    /// The digest of a part of the output made from the content alone (not the theme):
    /// equal digests, equal files.
    pub fn inputs_digest(&self, part: &str) -> Option<Digest32> {
        let mut key = Key::new();
        key.part(&self.inputs?).part(part.as_bytes());
        Some(key.digest())
    }
}

pub trait Renderer: Sync {
    /// Short name for timings and errors.
    fn name(&self) -> &'static str;
    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()>;
}

/// Run every renderer over `ctx` into `out`, in parallel (they write disjoint files),
/// started in the order given; an error says which renderer failed.
pub fn run_all(
    renderers: &[Box<dyn Renderer>],
    ctx: &RenderContext<'_>,
    out: &Output,
) -> Result<()> {
    let failed = std::sync::Mutex::new(None);
    rayon::scope_fifo(|s| {
        for r in renderers {
            let failed = &failed;
            s.spawn_fifo(move |_| {
                if let Err(e) = r.render(ctx, out) {
                    let e = e.context(format!("bộ dựng {}", r.name()));
                    failed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                }
            });
        }
    });
    match failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The renderers of a normal build (they write disjoint files). The search index and
/// open data come first: each has a long stretch only one thread can do (merging
/// terms, writing one large file), and the pages' parallel work fills in around them.
/// Started the other way round, a rebuild after an edit spent a third of its
/// rendering time on the search index alone.
pub fn all(theme: &Theme) -> Result<Vec<Box<dyn Renderer>>> {
    Ok(vec![
        Box::new(search::SearchRenderer),
        Box::new(open_data::OpenDataRenderer),
        Box::new(site::SiteRenderer::new(theme)?),
        Box::new(data::DataRenderer),
        #[cfg(feature = "pdf")]
        Box::new(print::PrintRenderer::new(theme)?),
        Box::new(forms::FormsRenderer::new(theme)?),
    ])
}
