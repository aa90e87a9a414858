//! Print (`output/in/`, "in" = print): the noticeboard as print-ready PDFs, laid out
//! in-process by typst, plus the same sheets as printable HTML.
//!
//! - `in/thu-tuc/<slug>/niem-yet.pdf`: one poster per procedure (A4, or A3 by `in_an`);
//!   `in/thu-tuc/<slug>/` its HTML version.
//! - `in/thu-tuc/<slug>/phieu-huong-dan.pdf`: the citizen's guide sheet (A4, one page);
//!   `in/thu-tuc/<slug>/phieu-huong-dan/` its HTML version.
//! - `in/linh-vuc/<slug>/danh-muc.pdf`: one field's table of procedures (A3 landscape).
//! - `in/muc-luc.pdf`: the board index, listing the fields (A3 landscape); `in/` links all.
//! - `bieu-mau/<slug>/mau-trong.pdf`, `mau-dien-<n>.pdf`: each form blank and filled with
//!   each sample (`forms.rs`).
//!
//! Layouts are the theme's `print/*.typ`; each gets its document as JSON (`sys.inputs.data`)
//! with every amount and time already worded by the site's view models, so a poster and a
//! web page never disagree. Fonts are the theme's `fonts/`, embedded (subset) in each PDF.

mod cache;
mod check;
mod fit;
mod forms;
mod pool;
mod qr;
mod sheet;
mod world;

use super::site::view::{Card, DocView, FeedbackView, ProcedureView, Projection, Surroundings};
use super::{Group, Output, RenderContext, Renderer, Theme};
use crate::cache::{Digest32, Key};
use crate::catalogue::{Catalogue, Entry};
use crate::model::{Date, PaperSize, SiteConfig};
use crate::permalink::{self, PrintFiles};
use crate::render::site::tera_error_chain;
use anyhow::{anyhow, Context as _, Result};
use cache::{key, Cache, Meta, Sheets};
use fit::Scale;
use pool::{in_turn, on_print_pool};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;
use std::sync::Arc;
use tera::Tera;
use world::Shared;

pub use check::{sheets_text, RecordSheets};

/// Body sizes. The floors are the issue's: a poster is read standing a metre away, and
/// its smallest type (notes, legal basis, footer: 0.85 of the body in the layouts) must
/// stay at 10 pt on A4 and 13 pt on A3.
const POSTER_A4: Scale = Scale {
    start: 14.0,
    floor: 12.0,
    sheets: 1,
    grow: true,
    least: 10.0,
};
const POSTER_A3: Scale = Scale {
    start: 19.0,
    floor: 16.0,
    sheets: 1,
    grow: true,
    least: 13.0,
};
/// The guide sheet is read in hand, but is A4: the same floor as an A4 poster.
const GUIDE: Scale = Scale {
    start: 13.0,
    floor: 12.0,
    sheets: 1,
    grow: true,
    least: 10.0,
};
/// The complaints notice: one sheet of large type.
const COMPLAINTS_A4: Scale = Scale {
    start: 18.0,
    floor: 12.0,
    sheets: 1,
    grow: true,
    least: 10.0,
};
const COMPLAINTS_A3: Scale = Scale {
    start: 24.0,
    floor: 16.0,
    sheets: 1,
    grow: true,
    least: 13.0,
};
/// The procedure poster's sizes on the site's paper (`in_an.kho_giay`).
fn poster_scale(paper: PaperSize) -> Scale {
    match paper {
        PaperSize::A4 => POSTER_A4,
        PaperSize::A3 => POSTER_A3,
    }
}

/// The complaints notice's sizes: it is posted on the posters' paper.
fn complaints_scale(paper: PaperSize) -> Scale {
    match paper {
        PaperSize::A4 => COMPLAINTS_A4,
        PaperSize::A3 => COMPLAINTS_A3,
    }
}

/// Rows of ordinary length a field poster (A3 landscape) holds on one sheet: its budget
/// is one sheet per this many procedures.
const FIELD_ROWS_PER_SHEET: usize = 15;
/// Fields the board index holds on one A3 sheet.
const INDEX_ROWS_PER_SHEET: usize = 30;
/// Field posters and the board index are lists on A3, set in one size (13 pt at least).
fn list_a3(rows: usize, per_sheet: usize) -> Scale {
    Scale {
        start: 15.0,
        floor: 13.0,
        sheets: rows.div_ceil(per_sheet).max(1),
        grow: false,
        least: 13.0,
    }
}

/// What the last build's print did, for `build --timings`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintStats {
    /// PDFs written (posters, guide sheets, field posters, index, notice, forms).
    pub pdfs: usize,
    /// Of those, laid out by typst in this build (the rest came from the print cache).
    pub laid_out: usize,
    /// Wall time of the print renderer.
    pub wall: std::time::Duration,
    /// Time spent laying out and exporting, summed over documents (threads run several
    /// at once, so this exceeds the wall time).
    pub layout: std::time::Duration,
}

pub struct PrintRenderer {
    stats: std::sync::Mutex<PrintStats>,
    shared: Arc<Shared>,
    tera: Tera,
    /// SHA-256 of every layout and font: part of each cache key.
    theme_digest: String,
    css: String,
}

/// One document to lay out.
struct Job {
    layout: &'static str,
    scale: Scale,
    /// Site-relative output path.
    path: String,
    /// `sys.inputs.data`.
    data: String,
}

impl Job {
    /// What the job is made from, as a page memo digest.
    fn digest(&self, theme: &str) -> Digest32 {
        let mut k = Key::new();
        k.part(self.key(theme).as_bytes())
            .part(self.path.as_bytes());
        k.digest()
    }

    fn key(&self, digest: &str) -> String {
        let mut k = key();
        k.part(digest.as_bytes())
            .part(self.layout.as_bytes())
            .part(format!("{:?}", self.scale).as_bytes())
            .part(self.data.as_bytes());
        k.finish()
    }
}

impl PrintRenderer {
    pub fn new(theme: &Theme) -> Result<Self> {
        let shared = Arc::new(Shared::new(&theme.print, &theme.fonts)?);
        for layout in [
            "poster.typ",
            "guide.typ",
            "field.typ",
            "index.typ",
            "complaints.typ",
        ] {
            if !shared.has(layout) {
                anyhow::bail!("giao diện thiếu mẫu in print/{layout}");
            }
        }
        if let Some(ring) = super::theme::include_cycle(&theme.print) {
            anyhow::bail!(
                "lỗi mẫu in: các mẫu chèn lẫn nhau thành vòng ({}); bỏ một lệnh include",
                ring.join(" → ")
            );
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::prose::escape_html);
        super::prose::register(&mut tera);
        tera.add_raw_templates(
            theme
                .print
                .iter()
                .filter(|(n, _)| n.ends_with(".html"))
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .map_err(|e| anyhow!("lỗi mẫu in: {e}"))?;
        let mut digest = key();
        for (name, text) in &theme.print {
            digest.part(name.as_bytes()).part(text.as_bytes());
        }
        for (name, bytes) in &theme.fonts {
            digest.part(name.as_bytes()).part(bytes);
        }
        let css = theme
            .print
            .iter()
            .find(|(n, _)| n == "in.css")
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        Ok(PrintRenderer {
            stats: std::sync::Mutex::new(PrintStats::default()),
            shared,
            tera,
            theme_digest: digest.finish(),
            css,
        })
    }

    /// Lay out (or fetch from the cache) one job. `want_pdf: false` only fits (for `check`).
    fn run(&self, job: &Job, cache: &Cache, want_pdf: bool) -> Result<(Meta, Option<Vec<u8>>)> {
        let key = job.key(&self.theme_digest);
        if want_pdf {
            if let Some((meta, pdf)) = cache.pdf(&key) {
                self.count(|s| s.pdfs += 1);
                return Ok((meta, Some(pdf)));
            }
        } else if let Some(meta) = cache.meta(&key) {
            return Ok((meta, None));
        }
        let started = std::time::Instant::now();
        let layout = |size: f64| {
            self.shared
                .compile(job.layout, &job.data, size, job.scale.least)
        };
        // Memoised layouts of one document are of no use to the next (each is another
        // record): typst's memo cache is emptied before every document, so memory holds
        // at most the documents being laid out. Kept for 8 documents, it held 16 field
        // posters at once at 10,000 records (2.9 GB).
        typst::comemo::evict(0);
        // A known size (from `check`, or an earlier layout-only run) needs one pass.
        let (doc, size) = match cache.meta(&key) {
            Some(m) => (layout(m.size)?, m.size),
            None => fit::fit(job.scale, layout)?,
        };
        let meta = Meta {
            size,
            pages: doc.pages.len(),
            smallest: fit::smallest_text(&doc),
        };
        let pdf = if want_pdf {
            let options = typst_pdf::PdfOptions {
                ident: typst::foundations::Smart::Custom(&job.path),
                ..Default::default()
            };
            Some(typst_pdf::pdf(&doc, &options).map_err(|errors| {
                anyhow!(
                    "{}",
                    errors
                        .iter()
                        .map(|e| e.message.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?)
        } else {
            None
        };
        cache.put(&key, meta, pdf.as_deref());
        let spent = started.elapsed();
        self.count(|s| {
            s.layout += spent;
            if want_pdf {
                s.pdfs += 1;
                s.laid_out += 1;
            }
        });
        Ok((meta, pdf))
    }

    fn count(&self, f: impl FnOnce(&mut PrintStats)) {
        f(&mut self.stats.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// What the last `render` did.
    pub fn stats(&self) -> PrintStats {
        *self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the layouts read about the site: who posts and where. Nothing that changes with
/// the catalogue (counts, the last update date): a poster stays as it was when another
/// procedure is added.
#[derive(Serialize)]
struct PrintSite<'a> {
    title: &'a str,
    base_url: &'a str,
    authority: &'a crate::model::Authority,
}

/// Everything the layouts read about the site.
#[derive(Serialize)]
struct Common<'a> {
    site: PrintSite<'a>,
    /// The complaints notice (`phan_anh_kien_nghi`) as plain paragraphs.
    complaints: &'a [String],
    /// "Niêm yết ngày …": the build's date.
    posted: String,
    paper: &'static str,
}

#[derive(Serialize)]
struct GroupLines<'a> {
    case: Option<&'a str>,
    docs: &'a [DocView],
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct Qr {
    url: String,
    svg: String,
    /// Width of the symbol in modules, and of the quiet zone on each side (in the SVG):
    /// the layouts size the symbol, not the picture.
    modules: usize,
    quiet: usize,
    /// What scanning leads to.
    caption: &'static str,
}

impl Qr {
    fn new(url: String, caption: &'static str) -> Result<Qr> {
        let (svg, modules) = qr::code(&url)?;
        Ok(Qr {
            url,
            svg,
            modules,
            quiet: qr::QUIET,
            caption,
        })
    }
}

#[derive(Serialize)]
struct ProcedureDoc<'a> {
    #[serde(flatten)]
    common: &'a Common<'a>,
    p: &'a ProcedureView,
    groups: Vec<GroupLines<'a>>,
    qr: &'a Qr,
    /// The same facts folded for paper: channels that agree share a line.
    folded: &'a sheet::Folded<'a>,
    /// Whether the board posts a complaints notice for the poster to point to.
    complaints_sheet: bool,
    /// Where to rate the service (`danh_gia` in `site.yaml`): a second code on the
    /// guide sheet a citizen takes home.
    feedback: Option<&'a FeedbackQr>,
    /// The page on the website.
    page_url: String,
}

#[derive(Serialize)]
struct FeedbackQr {
    url: String,
    svg: String,
    label: String,
}

#[derive(Serialize)]
struct FieldDoc<'a> {
    #[serde(flatten)]
    common: &'a Common<'a>,
    name: &'a str,
    cards: Vec<Card>,
    online_count: usize,
    page_url: String,
}

#[derive(Serialize)]
struct IndexField {
    name: String,
    count: usize,
    online_count: usize,
    /// Site-relative folder of the field's print page.
    print_path: String,
}

#[derive(Serialize)]
struct IndexDoc<'a> {
    #[serde(flatten)]
    common: &'a Common<'a>,
    fields: Vec<IndexField>,
    total: usize,
    online_total: usize,
    qr: &'a Qr,
}

/// The complaints notice, from Markdown to plain paragraphs (links keep their address).
pub fn plain_paragraphs(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut link: Option<(String, usize)> = None;
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        let t = cur.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push(t);
        }
        cur.clear();
    };
    for ev in Parser::new(markdown) {
        match ev {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                cur.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => cur.push(' '),
            Event::Start(Tag::Item) => {
                flush(&mut cur, &mut out);
                cur.push_str("– ");
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.into_string(), cur.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, start)) = link.take() {
                    let text = cur.get(start..).unwrap_or_default().trim().to_owned();
                    // Paper cannot be clicked: show a web address the text does not already
                    // show. Phone and mail links read fine as their text.
                    let web = url.starts_with("http://") || url.starts_with("https://");
                    if web && !text.contains(url.as_str()) {
                        cur.push_str(&format!(" ({url})"));
                    }
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                // Paragraphs run together on paper: a heading needs its full stop.
                if !cur.trim_end().ends_with(['.', ':', '!', '?']) {
                    cur.push('.');
                }
                flush(&mut cur, &mut out)
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => flush(&mut cur, &mut out),
            _ => {}
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Where a sheet's QR code leads: the procedure's short address on this website
/// (`m/<code>/`), which opens its page, and the page carries the online button and the
/// portal link. A short address keeps the code coarse (version 3 or 4 for a short base
/// address), so a phone reads it from a metre away, and it survives a renamed procedure.
fn qr_target(e: &Entry, site: &SiteConfig) -> (String, &'static str) {
    let caption = if e.online().is_online() {
        "Quét mã: hướng dẫn đầy đủ, nộp trực tuyến"
    } else {
        "Quét mã: hướng dẫn đầy đủ"
    };
    (
        format!("{}{}", site.base_url, permalink::short(&e.code)),
        caption,
    )
}

fn paper_name(p: PaperSize) -> &'static str {
    match p {
        PaperSize::A4 => "a4",
        PaperSize::A3 => "a3",
    }
}

/// The documents of one procedure: (poster, guide), plus what their HTML needs.
struct ProcedureJobs {
    poster: Job,
    guide: Job,
    links: PrintFiles,
    poster_html: String,
    guide_html: String,
    qr_svg: String,
}

impl ProcedureJobs {
    fn sheets(&self, theme: &str, poster: Meta, guide: Meta) -> Sheets {
        Sheets {
            poster: (self.poster.key(theme), poster),
            guide: (self.guide.key(theme), guide),
        }
    }
}

struct Planner<'a> {
    site: &'a SiteConfig,
    cat: &'a Catalogue,
    complaints: Vec<String>,
    as_of: Date,
    feedback: Option<FeedbackQr>,
    /// The site config's digest: part of what each procedure's sheets are made from.
    config: Digest32,
}

impl<'a> Planner<'a> {
    fn new(site: &'a SiteConfig, cat: &'a Catalogue, as_of: Date) -> Result<Self> {
        let feedback = match &FeedbackView::new(site) {
            Some(f) => Some(FeedbackQr {
                svg: qr::svg(&f.url)?,
                url: f.url.clone(),
                label: f.label.clone(),
            }),
            None => None,
        };
        let mut config = Key::new();
        config.json(site);
        Ok(Planner {
            site,
            cat,
            complaints: plain_paragraphs(&site.phan_anh_kien_nghi),
            as_of,
            feedback,
            config: config.digest(),
        })
    }

    fn common(&self, paper: &'static str) -> Common<'_> {
        Common {
            site: PrintSite {
                title: &self.site.tieu_de,
                base_url: &self.site.base_url,
                authority: &self.site.co_quan,
            },
            complaints: &self.complaints,
            posted: self.as_of.vn(),
            paper,
        }
    }

    /// What a procedure's sheets (both PDFs, their HTML, the QR code) are made from: the
    /// entry, its surroundings (related procedures left out: sheets do not show them),
    /// the site config, the posting date, the paper and the layouts (`theme`).
    fn made_from(&self, e: &Entry, theme: &str) -> Digest32 {
        let around = Surroundings::new_without_related(e, self.cat);
        let mut k = Key::new();
        k.part(theme.as_bytes())
            .part(b"procedure")
            .part(&e.digest())
            .part(&self.config)
            .part(self.as_of.iso().as_bytes())
            .json(&around);
        k.digest()
    }

    fn procedure(&self, e: &Entry, tera: Option<&Tera>) -> Result<ProcedureJobs> {
        let around = Surroundings::new_without_related(e, self.cat);
        let p = ProcedureView::project(e, around, self.site, Projection::Print);
        let links = p
            .print
            .clone()
            .unwrap_or_else(|| permalink::print_files(&e.url_path()));
        let page_url = format!("{}{}", self.site.base_url, e.url_path());
        let (url, caption) = qr_target(e, self.site);
        let qr = Qr::new(url, caption)?;
        let folded = sheet::Folded::new(e, &p);
        let groups = p
            .document_groups
            .iter()
            .map(|g| GroupLines {
                case: g.case.as_deref(),
                docs: &g.documents,
                note: g.note.as_deref(),
            })
            .collect();
        let poster_paper = self.site.in_an.kho_giay;
        // The poster and the guide sheet read the same data; only the paper differs.
        let common_poster = self.common(paper_name(poster_paper));
        let common_guide = self.common("a4");
        let poster_doc = ProcedureDoc {
            common: &common_poster,
            p: &p,
            groups,
            qr: &qr,
            folded: &folded,
            complaints_sheet: !self.complaints.is_empty(),
            feedback: None,
            page_url,
        };
        let poster_data = serde_json::to_string(&poster_doc)?;
        let guide_doc = ProcedureDoc {
            common: &common_guide,
            feedback: self.feedback.as_ref(),
            ..poster_doc
        };
        let guide_data = serde_json::to_string(&guide_doc)?;
        let (poster_html, guide_html) = match tera {
            Some(tera) => {
                let depth = links.poster_html.matches('/').count();
                let mut c = tera::Context::from_serialize(&guide_doc)?;
                c.insert("root", &"../".repeat(depth + 1));
                c.insert("here", "../");
                c.insert("pdf", "../phieu-huong-dan.pdf");
                let guide = tera
                    .render("guide.html", &c)
                    .map_err(|e| anyhow!("print/guide.html: {}", tera_error_chain(&e)))?;
                let mut c = tera::Context::from_serialize(&guide_doc)?;
                c.insert("paper", paper_name(poster_paper));
                c.insert("root", &"../".repeat(depth));
                c.insert("here", "");
                c.insert("pdf", "niem-yet.pdf");
                c.insert("page", &e.url_path());
                let poster = tera
                    .render("poster.html", &c)
                    .map_err(|e| anyhow!("print/poster.html: {}", tera_error_chain(&e)))?;
                (poster, guide)
            }
            None => (String::new(), String::new()),
        };
        let scale = poster_scale(poster_paper);
        Ok(ProcedureJobs {
            poster: Job {
                layout: "poster.typ",
                scale,
                path: links.poster_pdf.clone(),
                data: poster_data,
            },
            guide: Job {
                layout: "guide.typ",
                scale: GUIDE,
                path: links.guide_pdf.clone(),
                data: guide_data,
            },
            qr_svg: qr.svg,
            links,
            poster_html,
            guide_html,
        })
    }
}

impl Renderer for PrintRenderer {
    fn name(&self) -> &'static str {
        "print"
    }

    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        self.count(|s| *s = PrintStats::default());
        let started = std::time::Instant::now();
        let done = on_print_pool(|| self.render_all(ctx, out));
        self.count(|s| s.wall = started.elapsed());
        done
    }
}

impl PrintRenderer {
    fn render_all(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        if !ctx.scope.pages() {
            return Ok(());
        }
        let cat = ctx.catalogue;
        let plan = Planner::new(ctx.site, cat, ctx.as_of)?;
        let cache = Cache::open(ctx.cache_dir);
        let pdf = |g: &Group<'_>, job: &Job| -> Result<Meta> {
            let (meta, pdf) = self
                .run(job, &cache, true)
                .with_context(|| format!("in {}", job.path))?;
            g.write(&job.path, pdf.as_deref().unwrap_or_default())?;
            Ok(meta)
        };

        // Form pages list the procedures using them: rendered on every pass (a few).
        self.render_forms(cat, &plan.site.base_url, &cache, out)?;

        // A procedure's five files are one group, made from what `made_from` digests:
        // when the folder holds them made from the same, nothing is laid out again.
        in_turn(&cat.entries, |e| -> Result<()> {
            let made = out
                .remembers_pages()
                .then(|| plan.made_from(e, &self.theme_digest));
            let files = permalink::print_files(&e.url_path());
            out.write_group(&files.poster_html, made, |g| {
                let jobs = plan.procedure(e, Some(&self.tera))?;
                let dir = &jobs.links.poster_html;
                g.write(&format!("{dir}index.html"), jobs.poster_html.as_bytes())?;
                g.write(
                    &format!("{}index.html", jobs.links.guide_html),
                    jobs.guide_html.as_bytes(),
                )?;
                g.write(&jobs.links.qr_svg, jobs.qr_svg.as_bytes())?;
                let poster = pdf(g, &jobs.poster)?;
                let guide = pdf(g, &jobs.guide)?;
                if let Some(m) = &made {
                    cache.put_sheets(m, &jobs.sheets(&self.theme_digest, poster, guide));
                }
                Ok(())
            })?;
            // Left as it was: its PDFs stay in the cache.
            if let Some(m) = &made {
                cache.sheets(m);
            }
            Ok(())
        })?;

        let a3 = plan.common("a3");
        let mut index_fields = Vec::new();
        let field_jobs: Vec<(Job, String)> = cat
            .fields
            .iter()
            .map(|f| -> Result<(Job, String)> {
                let cards: Vec<Card> = f
                    .entries
                    .iter()
                    .map(|&i| Card::new(&cat.entries[i], cat))
                    .collect();
                let online_count = cards.iter().filter(|c| c.online).count();
                let dir = permalink::field_poster(&f.url_path());
                index_fields.push(IndexField {
                    name: f.name.clone(),
                    count: cards.len(),
                    online_count,
                    print_path: dir.clone(),
                });
                let doc = FieldDoc {
                    common: &a3,
                    name: &f.name,
                    cards,
                    online_count,
                    page_url: format!("{}{}", plan.site.base_url, f.url_path()),
                };
                let mut c = tera::Context::from_serialize(&doc)?;
                c.insert("root", "../../../");
                c.insert("pdf", "danh-muc.pdf");
                let html = self
                    .tera
                    .render("field.html", &c)
                    .map_err(|e| anyhow!("print/field.html: {}", tera_error_chain(&e)))?;
                Ok((
                    Job {
                        layout: "field.typ",
                        scale: list_a3(doc.cards.len(), FIELD_ROWS_PER_SHEET),
                        path: permalink::field_poster_pdf(&f.url_path()),
                        data: serde_json::to_string(&doc)?,
                    },
                    html,
                ))
            })
            .collect::<Result<_>>()?;
        // One at a time: a field poster of hundreds of rows is the largest layout of a
        // board (over 100 MB while typst holds it), and two at once doubled the peak.
        field_jobs
            .iter()
            .try_for_each(|(job, html)| -> Result<()> {
                // The job's data is everything the poster is made from.
                let made = out
                    .remembers_pages()
                    .then(|| job.digest(&self.theme_digest));
                let dir = job.path.trim_end_matches("danh-muc.pdf");
                out.write_group(dir, made, |g| {
                    pdf(g, job)?;
                    g.write(&format!("{dir}index.html"), html.as_bytes())
                })?;
                cache.keep(&job.key(&self.theme_digest));
                Ok(())
            })?;

        let home_qr = Qr::new(
            plan.site.base_url.clone(),
            "Quét mã để xem mọi thủ tục trên mạng",
        )?;
        let index = IndexDoc {
            common: &a3,
            total: cat.entries.len(),
            online_total: index_fields.iter().map(|f| f.online_count).sum(),
            fields: index_fields,
            qr: &home_qr,
        };
        let index_job = Job {
            layout: "index.typ",
            scale: list_a3(index.fields.len(), INDEX_ROWS_PER_SHEET),
            path: permalink::PRINT_INDEX_PDF.into(),
            data: serde_json::to_string(&index)?,
        };
        // A sheet that is a group of its own: made from its job's data alone.
        let single = |job: &Job| -> Result<()> {
            let made = out
                .remembers_pages()
                .then(|| job.digest(&self.theme_digest));
            out.write_group(&job.path, made, |g| pdf(g, job).map(|_| ()))?;
            cache.keep(&job.key(&self.theme_digest));
            Ok(())
        };
        single(&index_job)?;
        // The complaints notice (TT 02/2017), its own sheet on the posters' paper.
        let complaints = !plan.complaints.is_empty();
        if complaints {
            let paper = plan.site.in_an.kho_giay;
            let doc = plan.common(paper_name(paper));
            let job = Job {
                layout: "complaints.typ",
                scale: complaints_scale(paper),
                path: permalink::COMPLAINTS_PDF.into(),
                data: serde_json::to_string(&doc)?,
            };
            single(&job)?;
        }
        let procedures: Vec<(Card, PrintFiles)> = cat
            .entries
            .iter()
            .map(|e| (Card::new(e, cat), permalink::print_files(&e.url_path())))
            .collect();
        let mut c = tera::Context::from_serialize(&index)?;
        c.insert("root", "../");
        c.insert("pdf", "muc-luc.pdf");
        c.insert("procedures", &procedures);
        c.insert(
            "complaints_pdf",
            &complaints.then(|| permalink::COMPLAINTS_PDF.trim_start_matches(permalink::PRINT)),
        );
        let html = self
            .tera
            .render("index.html", &c)
            .map_err(|e| anyhow!("print/index.html: {}", tera_error_chain(&e)))?;
        out.write(&format!("{}index.html", permalink::PRINT), html.as_bytes())?;
        out.write(
            &format!("{}qr.svg", permalink::PRINT),
            home_qr.svg.as_bytes(),
        )?;
        out.write(&format!("{}in.css", permalink::PRINT), self.css.as_bytes())?;
        for (name, bytes) in ctx.theme.fonts.iter().filter(|(n, _)| n.ends_with(".txt")) {
            out.write(&format!("{}phong-chu/{name}", permalink::PRINT), bytes)?;
        }
        // Every sheet in use was looked up or made by now.
        cache.prune();
        cache.save();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complaints_as_text() {
        let p = plain_paragraphs(
            "## Tiếp nhận phản ánh\n\nGửi về **Văn phòng UBND**, số [0274 3822 123](tel:02743822123).\n\n- Thư: 1 Đường A\n- Trên [Cổng](https://dichvucong.gov.vn)\n",
        );
        assert_eq!(
            p,
            vec![
                "Tiếp nhận phản ánh.",
                "Gửi về Văn phòng UBND, số 0274 3822 123.",
                "– Thư: 1 Đường A",
                "– Trên Cổng (https://dichvucong.gov.vn)",
            ]
        );
    }
}
