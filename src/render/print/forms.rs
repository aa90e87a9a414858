//! Form PDFs (`bieu-mau/<slug>/`): `mau-trong.pdf`, the blank form, and `mau-dien-<n>.pdf`,
//! one per sample, laid out by the theme's `print/form.typ` with the same fonts, cache and
//! QR codes as the posters. The HTML pages that link them are `render::forms`'.

use super::cache::Cache;
use super::fit::Scale;
use super::{Job, PrintRenderer, Qr};
use crate::catalogue::{Catalogue, FormEntry};
use crate::permalink;
use crate::render::forms::{FormView, SampleValues};
use crate::render::Output;
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct FormDoc<'a> {
    form: &'a FormView,
    sample: Option<SampleValues>,
    qr: &'a Qr,
}

/// Where a form's QR code leads: the first procedure (by code) that uses it, else the
/// form's own page.
fn qr_for(fe: &FormEntry, cat: &Catalogue, base_url: &str) -> Result<Qr> {
    let (url, caption) = match fe.used_by.first() {
        Some(&i) => (
            format!("{base_url}{}", permalink::short(&cat.entries[i].code)),
            "Hướng dẫn thủ tục",
        ),
        None => (format!("{base_url}{}", fe.url_path()), "Trang của mẫu"),
    };
    Qr::new(url, caption)
}

/// The jobs of one form: the blank form, then each sample. A form without parts has none.
fn jobs(fe: &FormEntry, cat: &Catalogue, base_url: &str) -> Result<Vec<Job>> {
    if fe.form.phan.is_empty() {
        return Ok(Vec::new());
    }
    let view = FormView::new(&fe.form);
    let qr = qr_for(fe, cat, base_url)?;
    // Type shrinks (never below 9 pt) to keep the form on its declared number of pages.
    let scale = Scale {
        start: 11.5,
        floor: 9.0,
        sheets: fe.form.so_trang.max(1),
        // A form keeps the official form's look; it does not grow to fill a sheet.
        grow: false,
        // An official form keeps its own small print (footnotes as the ministry set them).
        least: 0.0,
    };
    let dir = fe.url_path();
    let mut out = vec![Job {
        layout: "form.typ",
        scale,
        path: format!("{dir}{}", permalink::FORM_BLANK_PDF),
        data: serde_json::to_string(&FormDoc {
            form: &view,
            sample: None,
            qr: &qr,
        })?,
    }];
    for (i, s) in fe.form.mau_dien.iter().enumerate() {
        out.push(Job {
            layout: "form.typ",
            scale,
            path: format!("{dir}{}", permalink::form_sample_pdf(i + 1)),
            data: serde_json::to_string(&FormDoc {
                form: &view,
                sample: Some(SampleValues::new(s)),
                qr: &qr,
            })?,
        });
    }
    Ok(out)
}

impl PrintRenderer {
    /// Write every form's PDFs.
    pub(super) fn render_forms(
        &self,
        cat: &Catalogue,
        base_url: &str,
        cache: &Cache,
        out: &Output,
    ) -> Result<()> {
        if cat.forms.list.iter().all(|f| f.form.phan.is_empty()) {
            return Ok(());
        }
        if !self.shared.has("form.typ") {
            anyhow::bail!("giao diện thiếu mẫu in print/form.typ (cần để in biểu mẫu)");
        }
        let all: Vec<Job> = cat
            .forms
            .list
            .iter()
            .map(|fe| jobs(fe, cat, base_url))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        all.par_iter().try_for_each(|job| {
            let (_, pdf) = self
                .run(job, cache, true)
                .with_context(|| format!("in {}", job.path))?;
            out.write(&job.path, pdf.as_deref().unwrap_or_default())
        })
    }

    /// For `check`: (form file, pages it prints on, pages declared) where they differ.
    pub(super) fn form_page_counts(
        &self,
        cat: &Catalogue,
        base_url: &str,
        cache: &Cache,
    ) -> Result<Vec<(std::path::PathBuf, usize, usize)>> {
        if !self.shared.has("form.typ") {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for fe in &cat.forms.list {
            for job in jobs(fe, cat, base_url)? {
                let (meta, _) = self.run(&job, cache, false)?;
                if meta.pages != fe.form.so_trang {
                    found.push((fe.source.clone(), meta.pages, fe.form.so_trang));
                    break;
                }
            }
        }
        Ok(found)
    }
}
