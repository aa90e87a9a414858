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

/// What a render pass must produce. Every pass renders every output of its scope; what
/// is skipped is skipped by digest (each page, group of files or PDF says what it is made
/// from, and the output's memo knows what the folder holds), never by a list of what an
/// edit touched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// Everything: a build.
    #[default]
    All,
    /// Everything but open data: what the live preview renders first after a save.
    Pages,
    /// Open data only (`du-lieu/`): every record in full, which the live preview writes
    /// once no edit is waiting.
    Data,
}

impl Scope {
    /// Pages, PDFs, the search index, the sitemap.
    pub fn pages(self) -> bool {
        self != Scope::Data
    }
    /// Open data.
    pub fn data(self) -> bool {
        self != Scope::Pages
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
    /// Which outputs to produce; [`Scope::All`] for a build.
    pub scope: Scope,
}

impl RenderContext<'_> {
    /// A digest of the site config: part of what every procedure page and poster is made
    /// from.
    pub fn config_digest(&self) -> Digest32 {
        let mut key = Key::new();
        key.json(self.site);
        key.digest()
    }
}

pub trait Renderer: Send + Sync {
    /// Short name for timings and errors.
    fn name(&self) -> &'static str;
    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()>;
}

/// A shared renderer is a renderer (the site's templates serve the form pages too).
impl<T: Renderer + Send> Renderer for std::sync::Arc<T> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        (**self).render(ctx, out)
    }
}

/// The renderers of a theme, each made once: templates parsed and fonts loaded once for a
/// build, and kept by the live preview until the theme changes.
pub struct Renderers {
    list: Vec<Box<dyn Renderer>>,
    #[cfg(feature = "pdf")]
    print: std::sync::Arc<print::PrintRenderer>,
}

impl Renderers {
    /// The renderers of a normal build (they write disjoint files). The search index and
    /// open data come first: each has a long stretch only one thread can do (merging
    /// terms, writing one large file), and the pages' parallel work fills in around them.
    /// Started the other way round, a rebuild after an edit spent a third of its
    /// rendering time on the search index alone.
    pub fn new(theme: &Theme) -> Result<Renderers> {
        let site = std::sync::Arc::new(site::SiteRenderer::new(theme)?);
        #[cfg(feature = "pdf")]
        let print = std::sync::Arc::new(print::PrintRenderer::new(theme)?);
        Ok(Renderers {
            list: vec![
                Box::new(search::SearchRenderer),
                Box::new(open_data::OpenDataRenderer),
                Box::new(site.clone()),
                Box::new(data::DataRenderer),
                #[cfg(feature = "pdf")]
                Box::new(print.clone()),
                Box::new(forms::FormsRenderer::new(site)),
            ],
            #[cfg(feature = "pdf")]
            print,
        })
    }

    /// Run every renderer over `ctx` into `out`.
    pub fn run(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        run_all(&self.list, ctx, out)
    }

    /// The print renderer (what `check` asks about sheets).
    #[cfg(feature = "pdf")]
    pub fn print(&self) -> &print::PrintRenderer {
        &self.print
    }
}

/// Run every renderer over `ctx` into `out`, in parallel (they write disjoint files),
/// started in the order given; an error says which renderer failed.
fn run_all(renderers: &[Box<dyn Renderer>], ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
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
