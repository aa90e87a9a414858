//! The public website: home, field pages, one page per procedure, lists, contact, 404.
//!
//! Pages use pretty URLs (`thu-tuc/dang-ky-khai-sinh/index.html`) and relative links
//! (`{{ root }}`), so the output works from any folder of any static host, and every
//! page reads fully without JavaScript.

pub mod pager;
mod short;
pub mod updates;
pub mod view;

use super::{Output, RenderContext, Renderer, Theme};
use crate::cache::{hex, Digest32, Key};
use crate::permalink;
use anyhow::{anyhow, Result};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};
use view::{Card, FieldView, ProcedureView, SiteView, Surroundings};

pub struct SiteRenderer {
    tera: Tera,
    /// Digest of every template, part of each page's digest ([`crate::cache::pages`]).
    templates: Digest32,
}

impl SiteRenderer {
    pub fn new(theme: &Theme) -> Result<Self> {
        if let Some(ring) = super::theme::include_cycle(&theme.templates) {
            anyhow::bail!(
                "lỗi mẫu giao diện: các mẫu chèn lẫn nhau thành vòng ({}); bỏ một lệnh include",
                ring.join(" → ")
            );
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(super::prose::escape_html);
        super::prose::register(&mut tera);
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .map_err(|e| anyhow!("lỗi mẫu giao diện: {}", tera_error_chain(&e)))?;
        // A theme older than some pages lays them out with the default templates.
        let names: Vec<String> = tera.get_template_names().map(str::to_owned).collect();
        let missing: Vec<(String, String)> = Theme::embedded()
            .templates
            .into_iter()
            .filter(|(n, _)| LATER_TEMPLATES.contains(&n.as_str()) && !names.contains(n))
            .collect();
        let mut all: Vec<&(String, String)> = theme.templates.iter().chain(&missing).collect();
        all.sort();
        let mut key = Key::new();
        for (name, text) in all {
            key.part(name.as_bytes()).part(text.as_bytes());
        }
        let templates = key.digest();
        if !missing.is_empty() {
            tera.add_raw_templates(missing)
                .map_err(|e| anyhow!("lỗi mẫu giao diện: {}", tera_error_chain(&e)))?;
        }
        Ok(SiteRenderer { tera, templates })
    }

    /// Render one page of the theme's templates at `path` (also used for form pages).
    /// `base` holds what every page shares (`site`, `inject`), serialised once: cloning
    /// a Tera context is much cheaper than serialising the site view per page.
    /// `extra` adds the page's own data; when the output remembers pages, the page is
    /// rendered only if its template context differs from the last build's.
    pub(crate) fn page(
        &self,
        out: &Output,
        base: &Base,
        template: &str,
        path: &str,
        extra: impl FnOnce(&mut Context),
    ) -> Result<()> {
        let own = {
            let mut c = Context::new();
            extra(&mut c);
            c.into_json()
        };
        let digest = self.digest(out, base, template, path, &own);
        out.write_page(&format!("{path}index.html"), digest, || {
            self.render_page(base, template, path, Context::from_value(own)?)
        })
    }

    /// [`SiteRenderer::page`] for a page whose own data is one value, `name`: its
    /// digest comes straight from the value, which becomes a Tera value only when the
    /// page is rendered (most pages of a rebuild are not).
    pub(crate) fn page_of(
        &self,
        out: &Output,
        base: &Base,
        template: &str,
        path: &str,
        name: &str,
        value: &impl Serialize,
    ) -> Result<()> {
        self.page_from(out, base, template, path, name, value, || value)
    }

    /// [`SiteRenderer::page_of`] with a value made by `value` only when the page is
    /// written. `made_from` stands for the value in the page's digest, so it must
    /// determine it: equal `made_from`, equal value.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn page_from<V: Serialize>(
        &self,
        out: &Output,
        base: &Base,
        template: &str,
        path: &str,
        name: &str,
        made_from: &impl Serialize,
        value: impl FnOnce() -> V,
    ) -> Result<()> {
        let digest = self.digest(out, base, template, path, &(name, made_from));
        out.write_page(&format!("{path}index.html"), digest, || {
            let mut own = Context::new();
            own.insert(name, &value());
            self.render_page(base, template, path, own)
        })
    }

    /// What a page is made from, when the output remembers pages. `root` and
    /// `canonical` follow from `path` and the site view (in `base`).
    fn digest(
        &self,
        out: &Output,
        base: &Base,
        template: &str,
        path: &str,
        own: &impl Serialize,
    ) -> Option<Digest32> {
        out.remembers_pages().then(|| {
            let mut key = Key::new();
            key.part(&self.templates)
                .part(&base.digest)
                .part(template.as_bytes())
                .part(path.as_bytes())
                .json(own);
            key.digest()
        })
    }

    fn render_page(
        &self,
        base: &Base,
        template: &str,
        path: &str,
        own: Context,
    ) -> Result<Vec<u8>> {
        let mut c = base.context.clone();
        c.insert("root", &permalink::root_for(path));
        c.insert("path", path);
        c.insert("canonical", &format!("{}{}", base.base_url, path));
        c.extend(own);
        // Into bytes: `render` would check the whole page is UTF-8 once more.
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, &c, &mut html)
            .map_err(|e| anyhow!("{template} ({path}): {}", tera_error_chain(&e)))?;
        Ok(html)
    }
}

/// What every page's context starts with, and its digest.
pub(crate) struct Base {
    context: Context,
    /// The site's address, for each page's canonical URL.
    base_url: String,
    digest: Digest32,
}

pub(crate) fn base_context(ctx: &RenderContext<'_>, site: &SiteView) -> Base {
    let mut context = Context::new();
    context.insert("site", site);
    context.insert("inject", ctx.inject);
    let mut key = Key::new();
    key.json(site).part(ctx.inject.as_bytes());
    Base {
        context,
        base_url: site.base_url.clone(),
        digest: key.digest(),
    }
}

/// A Tera error with its causes (Tera puts the useful part in `source()`).
pub fn tera_error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Templates of pages added after the first themes were written: a theme without them
/// gets the default theme's.
const LATER_TEMPLATES: [&str; 6] = [
    "updates.html",
    "upcoming.html",
    "retired.html",
    "events.html",
    "event.html",
    "account.html",
];

/// A life event as the home page and the event index list it.
#[derive(Serialize)]
struct EventLink {
    name: String,
    url: String,
    description: Option<String>,
    count: usize,
}

impl EventLink {
    fn new(ev: &crate::catalogue::LifeEvent) -> Self {
        EventLink {
            name: ev.name.clone(),
            url: ev.url_path(),
            description: ev.description.clone(),
            count: ev.entries.len(),
        }
    }
}

#[derive(Serialize)]
struct EventPage<'a> {
    name: &'a str,
    description: Option<&'a str>,
    cards: Vec<&'a Card>,
}

impl SiteRenderer {
    /// `su-kien/` and one page per life event, its procedures in the order a family
    /// meets them.
    fn life_events(
        &self,
        out: &Output,
        base: &Base,
        cards: &[Card],
        events: &[crate::catalogue::LifeEvent],
    ) -> Result<()> {
        let links: Vec<EventLink> = events.iter().map(EventLink::new).collect();
        self.page(out, base, "events.html", permalink::LIFE_EVENTS, |c| {
            c.insert("events", &links);
        })?;
        events.par_iter().try_for_each(|ev| {
            let page = EventPage {
                name: &ev.name,
                description: ev.description.as_deref(),
                cards: ev.entries.iter().map(|&i| &cards[i]).collect(),
            };
            self.page_of(out, base, "event.html", &ev.url_path(), "event", &page)
        })
    }
}

#[derive(Serialize)]
struct FieldPage<'a> {
    field: &'a FieldView,
    cards: Vec<&'a Card>,
}

impl Renderer for SiteRenderer {
    fn name(&self) -> &'static str {
        "site"
    }

    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        if !ctx.scope.pages() {
            return Ok(());
        }
        let cat = ctx.catalogue;
        let site = SiteView::new(ctx.site, cat);
        let base = base_context(ctx, &site);
        let fields: Vec<FieldView> = cat
            .fields
            .iter()
            .map(|f| FieldView {
                name: f.name.clone(),
                url: f.url_path(),
                count: f.entries.len(),
                online_count: f
                    .entries
                    .iter()
                    .filter(|&&i| cat.entries[i].online().is_online())
                    .count(),
            })
            .collect();

        // Every card once: field pages, lists, life events and related procedures show them.
        let cards: Vec<Card> = cat.entries.par_iter().map(|e| Card::new(e, cat)).collect();
        // What a procedure view takes from the site config, for the pages' digests.
        let config = hex(&ctx.config_digest());
        // Procedure pages are most of the work: render them in parallel, straight to disk.
        cat.entries.par_iter().try_for_each(|e| {
            let around = Surroundings::with_cards(e, cat, &cards);
            let path = e.url_path();
            match e.identity().filter(|_| out.remembers_pages()) {
                // The view follows from the entry, the config and its surroundings.
                Some(id) => {
                    let made_from = ("entry", hex(&id), &config, &around);
                    self.page_from(out, &base, "procedure.html", &path, "p", &made_from, || {
                        ProcedureView::with(e, around.clone(), ctx.site)
                    })
                }
                None => {
                    let view = ProcedureView::with(e, around, ctx.site);
                    self.page_of(out, &base, "procedure.html", &path, "p", &view)
                }
            }
        })?;

        // Short addresses for the printed QR codes: a few hundred bytes each.
        for e in &cat.entries {
            out.write(
                &format!("{}index.html", permalink::short(&e.code)),
                short::page(e, &ctx.site.base_url).as_bytes(),
            )?;
        }

        // A field of a province can hold hundreds of procedures: its page is split like
        // the lists, at `linh-vuc/<slug>/trang-2/`…
        let per_page = ctx.site.so_thu_tuc_moi_trang.max(1);
        let field_pages: Vec<(usize, pager::Pager)> = cat
            .fields
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                pager::Pager::all(&f.url_path(), f.entries.len(), per_page)
                    .map(move |p| (i, p))
                    .collect::<Vec<_>>()
            })
            .collect();
        field_pages.par_iter().try_for_each(|(i, pager)| {
            let (f, fv) = (&cat.fields[*i], &fields[*i]);
            let page_cards: Vec<&Card> = f.entries[pager.range()]
                .iter()
                .map(|&e| &cards[e])
                .collect();
            self.page(out, &base, "field.html", &pager.url(), |c| {
                c.insert(
                    "page",
                    &FieldPage {
                        field: fv,
                        cards: page_cards,
                    },
                );
                c.insert("pager", pager);
            })
        })?;

        let events = crate::catalogue::life_events(cat, ctx.site);
        self.life_events(out, &base, &cards, &events)?;

        let recent: Vec<&Card> = cat
            .recently_updated(ctx.site.so_thu_tuc_moi_cap_nhat)
            .into_iter()
            .filter_map(|e| cat.index_of(&e.code).map(|i| &cards[i]))
            .collect();
        let event_links: Vec<EventLink> = events.iter().map(EventLink::new).collect();
        let card_template = Card::template();
        self.page(out, &base, "index.html", "", |c| {
            c.insert("card_template", &card_template);
            c.insert("fields", &fields);
            c.insert("recent", &recent);
            c.insert("online_total", &site.online_count);
            c.insert("events", &event_links);
        })?;

        // Both lists in name order: one sort, and the cards made once.
        let mut by_name: Vec<usize> = (0..cat.entries.len()).collect();
        by_name.sort_by_cached_key(|&i| {
            let e = &cat.entries[i];
            (crate::text::fold(&e.plain_name), e.code.clone())
        });
        let all: Vec<&Card> = by_name.iter().map(|&i| &cards[i]).collect();
        let online: Vec<&Card> = all.iter().copied().filter(|c| c.online).collect();
        let lists = [
            (
                permalink::PROCEDURES,
                "Tất cả thủ tục",
                "Danh sách đầy đủ, xếp theo tên thường gọi.",
                &all,
            ),
            (
                permalink::ONLINE,
                "Làm được trực tuyến",
                "Các thủ tục nộp hồ sơ được qua mạng, không cần đến trụ sở.",
                &online,
            ),
        ];
        let pages: Vec<(&str, &str, &Vec<&Card>, pager::Pager)> = lists
            .iter()
            .flat_map(|&(path, title, intro, cards)| {
                pager::Pager::all(path, cards.len(), per_page)
                    .map(move |p| (title, intro, cards, p))
            })
            .collect();
        pages
            .par_iter()
            .try_for_each(|(title, intro, cards, pager)| {
                self.page(out, &base, "list.html", &pager.url(), |c| {
                    c.insert("title", title);
                    c.insert("intro", intro);
                    c.insert("cards", &cards[pager.range()]);
                    c.insert("total", &cards.len());
                    c.insert("pager", pager);
                })
            })?;
        // Under the search box, with JavaScript off: the first page of the full list and
        // a link to the rest.
        let first = &all[..all.len().min(per_page)];
        self.page(out, &base, "search.html", permalink::SEARCH_PAGE, |c| {
            c.insert("card_template", &card_template);
            c.insert("fields", &fields);
            c.insert("events", &event_links);
            c.insert("cards", first);
            c.insert("total", &all.len());
            c.insert(
                "more",
                &(all.len() > first.len()).then(|| permalink::list_page(permalink::PROCEDURES, 2)),
            );
        })?;
        self.page(out, &base, "contact.html", permalink::CONTACT, |_| {})?;
        if let Some(help) = &ctx.site.huong_dan_tai_khoan {
            let html = super::markdown::to_html(help);
            self.page(out, &base, "account.html", permalink::ACCOUNT_HELP, |c| {
                c.insert("help_html", &html);
            })?;
        }
        updates::render(self, out, &base, ctx)?;

        // The 404 page is served at any depth, so its links are absolute from the base URL.
        let mut c = Context::new();
        c.insert("site", &site);
        let root = permalink::base_path(&site.base_url);
        // For the page's script: a JSON string that cannot end the script element.
        let root_js = super::jsonld::script_safe(&serde_json::to_string(&root)?);
        c.insert("root", &root);
        c.insert("root_js", &root_js);
        c.insert("path", permalink::NOT_FOUND);
        c.insert(
            "canonical",
            &format!("{}{}", site.base_url, permalink::NOT_FOUND),
        );
        let sections: Vec<&str> = permalink::SECTIONS
            .iter()
            .map(|s| s.trim_end_matches('/'))
            .collect();
        c.insert("sections", &sections.join("|"));
        c.insert("inject", ctx.inject);
        let html = self
            .tera
            .render("404.html", &c)
            .map_err(|e| anyhow!("404.html: {}", tera_error_chain(&e)))?;
        out.write(permalink::NOT_FOUND, html.as_bytes())?;

        for (rel, bytes) in &ctx.theme.assets {
            out.write(&format!("{}{rel}", permalink::STATIC), bytes)?;
        }
        Ok(())
    }
}
