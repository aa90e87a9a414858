//! What print tells `niemyet check`: each record's sheets (how many, the smallest type,
//! as the laid-out document has them) and the warnings about sheets that run on or forms
//! that print on other than their declared pages. Fits come from the print cache when a
//! build (or an earlier check) made them; nothing is written but the cache.

use super::cache::Cache;
use super::pool::{in_turn, on_print_pool};
use super::{paper_name, poster_scale, Planner, PrintRenderer, GUIDE};
use crate::catalogue::Catalogue;
use crate::diagnostic::{FieldPath, Finding};
use crate::model::{Date, SiteConfig};
use anyhow::Result;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A finding and the record file it is about.
type Located = (PathBuf, Finding);

/// One record's sheets as `check` reports them.
#[derive(Debug, Clone, Serialize)]
pub struct RecordSheets {
    pub file: PathBuf,
    pub code: String,
    pub paper: &'static str,
    pub poster_sheets: usize,
    pub poster_smallest_pt: f64,
    pub guide_sheets: usize,
    pub guide_smallest_pt: f64,
}

/// `check`'s table of sheets: one line a record, then the totals. Sheets are what a
/// board's budget is counted in; the smallest type is what a reader a metre away must
/// still make out.
pub fn sheets_text(sheets: &[RecordSheets]) -> String {
    if sheets.is_empty() {
        return String::new();
    }
    let pt = |x: f64| format!("{x:.1}").replace('.', ",");
    let mut out = format!(
        "Tờ in của từng thủ tục (bản niêm yết khổ {}, phiếu hướng dẫn khổ A4): số tờ, cỡ chữ nhỏ nhất\n",
        sheets[0].paper.to_uppercase()
    );
    let width = sheets
        .iter()
        .map(|s| s.file.to_string_lossy().chars().count())
        .max()
        .unwrap_or(0);
    for s in sheets {
        out.push_str(&format!(
            "  {:<width$}  {:<9} niêm yết {} tờ, {} pt · phiếu {} tờ, {} pt\n",
            s.file.to_string_lossy(),
            s.code,
            s.poster_sheets,
            pt(s.poster_smallest_pt),
            s.guide_sheets,
            pt(s.guide_smallest_pt),
        ));
    }
    let one = |f: fn(&RecordSheets) -> usize| sheets.iter().filter(|s| f(s) == 1).count();
    let min = |f: fn(&RecordSheets) -> f64| sheets.iter().map(f).fold(f64::INFINITY, f64::min);
    out.push_str(&format!(
        "  Một tờ: {}/{} bản niêm yết, {}/{} phiếu hướng dẫn; chữ nhỏ nhất {} pt (niêm yết), {} pt (phiếu)\n",
        one(|s| s.poster_sheets),
        sheets.len(),
        one(|s| s.guide_sheets),
        sheets.len(),
        pt(min(|s| s.poster_smallest_pt)),
        pt(min(|s| s.guide_smallest_pt)),
    ));
    out
}

impl PrintRenderer {
    /// For `niemyet check`: each record's sheets (how many, the smallest type), and as
    /// findings the procedures whose poster or guide sheet needs more than one sheet even
    /// at the smallest allowed type, and forms that print on other than their declared
    /// pages. Reads the fits a build kept (or lays out), writes nothing else.
    pub fn sheet_findings(
        &self,
        site: &SiteConfig,
        cat: &Catalogue,
        as_of: Date,
        cache_dir: Option<&Path>,
    ) -> Result<(Vec<Located>, Vec<RecordSheets>)> {
        let renderer = self;
        let plan = Planner::new(site, cat, as_of)?;
        let cache = Cache::open(cache_dir);
        let poster_scale = poster_scale(site.in_an.kho_giay);
        let found: Vec<(RecordSheets, Vec<Located>)> = on_print_pool(|| {
            in_turn(&cat.entries, |e| -> Result<_> {
                // The sheets' fit, as the last build (or check) of the same inputs found it.
                let made = plan.made_from(e, &renderer.theme_digest);
                let sheets = match cache.sheets(&made) {
                    Some(s) => s,
                    None => {
                        let jobs = plan.procedure(e, None)?;
                        let (poster, _) = renderer.run(&jobs.poster, &cache, false)?;
                        let (guide, _) = renderer.run(&jobs.guide, &cache, false)?;
                        let sheets = jobs.sheets(&renderer.theme_digest, poster, guide);
                        cache.put_sheets(&made, &sheets);
                        sheets
                    }
                };
                let (poster, guide) = (sheets.poster.1, sheets.guide.1);
                let report = RecordSheets {
                    file: e.source.clone(),
                    code: e.code.clone(),
                    paper: paper_name(site.in_an.kho_giay),
                    poster_sheets: poster.pages,
                    poster_smallest_pt: poster.smallest,
                    guide_sheets: guide.pages,
                    guide_smallest_pt: guide.smallest,
                };
                let mut v = Vec::new();
                for (meta, scale, what) in [
                    (poster, poster_scale, "bản niêm yết"),
                    (guide, GUIDE, "phiếu hướng dẫn"),
                ] {
                    let floor = scale.floor;
                    if meta.pages > scale.sheets {
                        v.push((
                            e.source.clone(),
                            Finding::warning(
                                FieldPath::root().key("thanh_phan_ho_so"),
                                format!(
                                    "{what} in ra {} tờ (ở cỡ chữ nhỏ nhất cho phép, {floor} pt, vẫn không vừa một tờ)",
                                    meta.pages
                                ),
                                Some(
                                    "rút gọn tên giấy tờ, ghi chú hoặc tên thủ tục; hoặc chấp nhận tờ thứ hai (đánh số \"Trang 2/2\", chữ to hơn để lấp tờ)"
                                        .into(),
                                ),
                            ),
                        ));
                    }
                }
                Ok((report, v))
            })
        })?;
        let (reports, found): (Vec<RecordSheets>, Vec<Vec<Located>>) = found.into_iter().unzip();
        let mut found: Vec<Located> = found.into_iter().flatten().collect();
        let forms = on_print_pool(|| renderer.form_page_counts(cat, &plan.site.base_url, &cache))?;
        for (path, pages, declared) in forms {
            found.push((
                path,
                Finding::warning(
                    FieldPath::root().key("so_trang"),
                    format!("biểu mẫu in ra {pages} trang, không phải {declared} trang như khai báo"),
                    Some(format!(
                        "sửa so_trang: {pages} nếu mẫu chính thức dài như vậy; nếu không, rút gọn chú thích hoặc bớt dòng trống của bảng"
                    )),
                ),
            ));
        }
        cache.save();
        Ok((found, reports))
    }
}
