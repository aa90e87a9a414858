//! Machine-readable files beside the pages: `sitemap.xml` and `robots.txt`.

use super::{Output, RenderContext, Renderer};
use crate::permalink;
use anyhow::Result;
use std::fmt::Write;

pub struct DataRenderer;

/// The five XML specials (sitemap, Atom feed).
pub(crate) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

impl Renderer for DataRenderer {
    fn name(&self) -> &'static str {
        "data"
    }

    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        if !ctx.scope.pages() {
            return Ok(());
        }
        let base = &ctx.site.base_url;
        let cat = ctx.catalogue;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let mut url = |path: &str, lastmod: Option<String>| {
            let _ = write!(
                xml,
                "  <url><loc>{}</loc>",
                xml_escape(&format!("{base}{path}"))
            );
            if let Some(d) = lastmod {
                let _ = write!(xml, "<lastmod>{d}</lastmod>");
            }
            xml.push_str("</url>\n");
        };
        let last = cat.last_updated().map(|d| d.iso());
        for path in [
            "",
            permalink::PROCEDURES,
            permalink::ONLINE,
            permalink::CONTACT,
            permalink::UPDATES,
            permalink::UPCOMING,
        ] {
            url(path, last.clone());
        }
        for f in &cat.fields {
            let lastmod = f
                .entries
                .iter()
                .filter_map(|&i| cat.entries[i].updated())
                .max();
            url(&f.url_path(), lastmod.map(|d| d.iso()));
        }
        for e in &cat.entries {
            url(&e.url_path(), e.updated().map(|d| d.iso()));
        }
        let events = crate::catalogue::life_events(cat, ctx.site);
        if !events.is_empty() {
            url(permalink::LIFE_EVENTS, last.clone());
            for ev in &events {
                url(&ev.url_path(), None);
            }
        }
        if ctx.site.huong_dan_tai_khoan.is_some() {
            url(permalink::ACCOUNT_HELP, None);
        }
        if !cat.forms.list.is_empty() {
            url(permalink::FORMS, None);
            for f in &cat.forms.list {
                url(&f.url_path(), None);
            }
        }
        xml.push_str("</urlset>\n");
        out.write("sitemap.xml", xml.as_bytes())?;
        out.write(
            "robots.txt",
            format!("User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n").as_bytes(),
        )?;
        Ok(())
    }
}
