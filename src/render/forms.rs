//! Forms (`output/bieu-mau/`): one HTML page per form with its parts laid out as
//! readable text, its samples, its original files ("bản gốc") and the procedures that
//! use it; plus `bieu-mau/index.html` listing every form.
//!
//! The printable PDFs (blank form, filled samples) are the print renderer's
//! (`print/forms.rs`), from the same [`FormView`]; without the `pdf` feature the pages
//! simply carry no PDF links. This module never lays out a PDF.

use super::site::view::SiteView;
use super::site::SiteRenderer;
use super::{Output, RenderContext, Renderer};
use crate::catalogue::{Catalogue, FormEntry};
use crate::model::form::{scalar_text, FieldKind, Form, Part, Sample};
use crate::permalink;
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Whether this build writes form PDFs (the `pdf` feature).
pub const HAS_PDF: bool = cfg!(feature = "pdf");

/// A form as templates and print layouts read it.
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    pub id: String,
    /// "Mẫu CT01", "Mẫu số 1a": the id as printed, without a doubled "Mẫu".
    pub code: String,
    pub title: String,
    pub legal: Option<String>,
    pub national_header: bool,
    pub addressee: Option<String>,
    pub pages: usize,
    pub description: Option<String>,
    pub parts: Vec<PartView>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartView {
    Heading {
        text: String,
    },
    Para {
        text: String,
    },
    /// One or several fields on one line.
    Fields {
        fields: Vec<FieldView>,
    },
    Table {
        id: String,
        label: Option<String>,
        rows: usize,
        cols: Vec<ColView>,
        /// Printed first-column labels, one per row (may be empty).
        labels: Vec<String>,
    },
    PlaceDate {
        place: String,
        date: String,
    },
    Signatures {
        signs: Vec<SignView>,
    },
    Note {
        text: String,
    },
    PageBreak,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub id: String,
    pub label: String,
    /// `text`, `date`, `check` or `choice`.
    pub kind: &'static str,
    /// Fill-in width in characters; 0: to the end of the line.
    pub width: u32,
    pub choices: Vec<String>,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColView {
    pub id: String,
    pub label: String,
    pub width: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignView {
    pub role: String,
    pub hint: Option<String>,
    pub id: String,
}

/// One sample's values, keyed by field id, already as printed text.
#[derive(Debug, Clone, Serialize)]
pub struct SampleValues {
    pub name: String,
    pub note: Option<String>,
    pub values: BTreeMap<String, String>,
    /// Table id → rows of (column id → text).
    pub rows: BTreeMap<String, Vec<BTreeMap<String, String>>>,
}

fn kind_name(k: FieldKind) -> &'static str {
    match k {
        FieldKind::Chu => "text",
        FieldKind::Ngay => "date",
        FieldKind::ODanhDau => "check",
        FieldKind::LuaChon => "choice",
    }
}

impl FormView {
    pub fn new(f: &Form) -> Self {
        let field = |d: &crate::model::form::FieldDef| FieldView {
            id: d.ma.clone(),
            label: d.nhan.clone(),
            kind: kind_name(d.kieu),
            width: d.rong.unwrap_or(0),
            choices: d.cac_lua_chon.clone(),
            required: d.bat_buoc,
        };
        let parts = f
            .phan
            .iter()
            .map(|p| match p {
                Part::TieuDe(t) => PartView::Heading { text: t.clone() },
                Part::Doan(t) => PartView::Para { text: t.clone() },
                Part::ChuThich(t) => PartView::Note { text: t.clone() },
                Part::NgatTrang => PartView::PageBreak,
                Part::Truong(d) => PartView::Fields {
                    fields: vec![field(d)],
                },
                Part::Hang(ds) => PartView::Fields {
                    fields: ds.iter().map(field).collect(),
                },
                Part::Bang(t) => PartView::Table {
                    id: t.ma.clone(),
                    label: t.nhan.clone(),
                    rows: t
                        .so_dong
                        .min(crate::limits::MAX_FORM_ROWS)
                        .max(t.cac_dong.len()),
                    labels: t.cac_dong.clone(),
                    cols: t
                        .cot
                        .iter()
                        .map(|c| ColView {
                            id: c.ma.clone(),
                            label: c.nhan.clone(),
                            width: c.rong.unwrap_or(0),
                        })
                        .collect(),
                },
                Part::NoiNgay(pd) => PartView::PlaceDate {
                    place: pd.ma_noi.clone(),
                    date: pd.ma_ngay.clone(),
                },
                Part::ChuKy(s) => PartView::Signatures {
                    signs: s
                        .iter()
                        .map(|s| SignView {
                            role: s.vai_tro.clone(),
                            hint: s.huong_dan.clone(),
                            id: s.ma.clone(),
                        })
                        .collect(),
                },
            })
            .collect();
        FormView {
            code: code_label(&f.ma_mau),
            id: f.ma_mau.clone(),
            title: f.ten_mau.clone(),
            legal: f.ban_hanh_kem_theo.clone(),
            national_header: f.quoc_hieu,
            addressee: f.kinh_gui.clone(),
            pages: f.so_trang,
            description: f.mo_ta.clone(),
            parts,
        }
    }
}

impl SampleValues {
    pub fn new(s: &Sample) -> Self {
        let mut values = BTreeMap::new();
        let mut rows = BTreeMap::new();
        for (k, v) in &s.gia_tri {
            if let Some(seq) = v.as_sequence() {
                let table = seq
                    .iter()
                    .filter_map(|r| r.as_mapping())
                    .map(|m| {
                        m.iter()
                            .filter_map(|(c, v)| {
                                Some((c.as_str()?.to_owned(), scalar_text(v).unwrap_or_default()))
                            })
                            .collect()
                    })
                    .collect();
                rows.insert(k.clone(), table);
            } else if let Some(t) = scalar_text(v) {
                values.insert(k.clone(), t);
            }
        }
        SampleValues {
            name: s.ten.clone(),
            note: s.ghi_chu.clone(),
            values,
            rows,
        }
    }
}

/// "CT01" → "Mẫu CT01"; "Mẫu số 1a" stays.
pub fn code_label(id: &str) -> String {
    if crate::text::fold(id).starts_with("mau") {
        id.to_owned()
    } else {
        format!("Mẫu {id}")
    }
}

/// Percent-encode a file name for an `href` (RFC 3986 unreserved characters pass).
/// Six lines do not justify a dependency.
pub fn url_encode(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// "245 KB", "1,2 MB".
pub fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} byte")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}

#[derive(Serialize)]
struct Line {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct SampleTable {
    label: String,
    cols: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct SampleView {
    name: String,
    note: Option<String>,
    pdf: Option<String>,
    lines: Vec<Line>,
    tables: Vec<SampleTable>,
}

#[derive(Serialize)]
struct FileLink {
    name: String,
    href: String,
    size: String,
    kind: String,
}

#[derive(Serialize)]
struct UsedBy {
    name: String,
    code: String,
    url: String,
}

#[derive(Serialize)]
struct FormPage {
    form: FormView,
    url: String,
    blank_pdf: Option<String>,
    samples: Vec<SampleView>,
    originals: Vec<FileLink>,
    procedures: Vec<UsedBy>,
}

fn sample_view(f: &Form, view: &FormView, n: usize, s: &Sample) -> SampleView {
    let vals = SampleValues::new(s);
    let mut lines = Vec::new();
    let mut tables = Vec::new();
    for fr in f.fields() {
        if let Some(cols) = &fr.columns {
            let Some(rows) = vals.rows.get(fr.ma) else {
                continue;
            };
            let (heads, row_labels) = view
                .parts
                .iter()
                .find_map(|p| match p {
                    PartView::Table {
                        id, cols, labels, ..
                    } if id == fr.ma => Some((
                        cols.iter().map(|c| c.label.clone()).collect(),
                        labels.clone(),
                    )),
                    _ => None,
                })
                .unwrap_or_default();
            tables.push(SampleTable {
                label: fr.nhan.to_owned(),
                cols: heads,
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        cols.iter()
                            .enumerate()
                            .map(|(j, c)| match row_labels.get(i).filter(|_| j == 0) {
                                Some(l) => l.clone(),
                                None => r.get(*c).cloned().unwrap_or_default(),
                            })
                            .collect()
                    })
                    .collect(),
            });
        } else if let Some(v) = vals.values.get(fr.ma).filter(|v| !v.is_empty()) {
            let value = match fr.kind {
                FieldKind::ODanhDau => "☒ có đánh dấu".to_owned(),
                _ => v.clone(),
            };
            lines.push(Line {
                label: fr.nhan.to_owned(),
                value,
            });
        }
    }
    SampleView {
        name: s.ten.clone(),
        note: s.ghi_chu.clone(),
        pdf: (HAS_PDF && !f.phan.is_empty()).then(|| permalink::form_sample_pdf(n)),
        lines,
        tables,
    }
}

fn extension_kind(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_uppercase())
        .unwrap_or_else(|| "tệp".into())
}

fn form_page(fe: &FormEntry, cat: &Catalogue) -> FormPage {
    let f = &fe.form;
    let view = FormView::new(f);
    let samples = f
        .mau_dien
        .iter()
        .enumerate()
        .map(|(i, s)| sample_view(f, &view, i + 1, s))
        .collect();
    FormPage {
        url: fe.url_path(),
        blank_pdf: (HAS_PDF && !f.phan.is_empty()).then(|| permalink::FORM_BLANK_PDF.to_owned()),
        samples,
        originals: fe
            .attachments
            .iter()
            .map(|a| FileLink {
                href: format!("{}?v={}", url_encode(&a.name), a.hash8),
                size: human_size(a.bytes.len()),
                kind: extension_kind(&a.name),
                name: a.name.clone(),
            })
            .collect(),
        procedures: fe
            .used_by
            .iter()
            .map(|&i| {
                let e = &cat.entries[i];
                UsedBy {
                    name: e.plain_name.clone(),
                    code: e.code.clone(),
                    url: e.url_path(),
                }
            })
            .collect(),
        form: view,
    }
}

pub struct FormsRenderer {
    /// The site's templates and page memo digests: form pages are site pages.
    site: std::sync::Arc<SiteRenderer>,
}

impl FormsRenderer {
    pub fn new(site: std::sync::Arc<SiteRenderer>) -> Self {
        FormsRenderer { site }
    }
}

impl Renderer for FormsRenderer {
    fn name(&self) -> &'static str {
        "forms"
    }

    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        let cat = ctx.catalogue;
        // Form pages list the procedures using them: anything indexed may change them.
        if cat.forms.list.is_empty() || !ctx.scope.pages() {
            return Ok(());
        }
        let site = SiteView::new(ctx.site, cat);
        let base = super::site::base_context(ctx, &site);
        let pages: Vec<FormPage> = cat.forms.list.iter().map(|f| form_page(f, cat)).collect();
        pages
            .par_iter()
            .zip(cat.forms.list.par_iter())
            .try_for_each(|(page, fe)| -> Result<()> {
                self.site.page(out, &base, "form.html", &page.url, |c| {
                    c.insert("page", page);
                })?;
                for a in &fe.attachments {
                    out.write(&format!("{}{}", page.url, a.name), &a.bytes)?;
                }
                Ok(())
            })?;
        self.site
            .page(out, &base, "forms.html", permalink::FORMS, |c| {
                c.insert("forms", &pages);
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_names() {
        assert_eq!(
            url_encode("Tờ khai khai sinh.pdf"),
            "T%E1%BB%9D%20khai%20khai%20sinh.pdf"
        );
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(1_300_000), "1,2 MB");
    }
}
