//! Renderers: each takes the catalogue and writes its part of the output.
//!
//! A renderer never reads content files and never decides where the output goes:
//! it gets a [`RenderContext`] and writes through an [`Output`], which the writer
//! points at a staging folder. Adding an output kind (posters, forms, open data) means
//! adding a `Renderer`, not touching the others.

pub mod data;
pub mod jsonld;
pub mod markdown;
pub mod open_data;
mod output;
#[cfg(feature = "pdf")]
pub mod print;
pub mod search;
pub mod site;
pub mod theme;

pub use output::Output;
pub use theme::Theme;

use crate::catalogue::Catalogue;
use crate::model::{Date, SiteConfig, Synonyms};
use anyhow::Result;

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
}

pub trait Renderer: Sync {
    /// Short name for timings and errors.
    fn name(&self) -> &'static str;
    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()>;
}

/// The renderers of a normal build, in no particular order (they write disjoint files).
pub fn all(theme: &Theme) -> Result<Vec<Box<dyn Renderer>>> {
    Ok(vec![
        Box::new(site::SiteRenderer::new(theme)?),
        Box::new(data::DataRenderer),
        Box::new(open_data::OpenDataRenderer),
        #[cfg(feature = "pdf")]
        Box::new(print::PrintRenderer::new(theme)?),
        Box::new(search::SearchRenderer),
    ])
}
