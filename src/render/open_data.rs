//! Open data under `du-lieu/`: the whole current catalogue as JSON (`thu-tuc.json`,
//! schema in `docs/open-data.schema.json`) and CSV (`thu-tuc.csv`, one row per
//! procedure, UTF-8 with BOM so spreadsheet software keeps the diacritics), and the
//! build manifest (`manifest.json`: per code a content hash, name, slug, effective date)
//! that `niemyet diff` compares.
//!
//! Only procedures in force at the build date are published; the records are the
//! canonical form niemyet reads (same keys as the YAML), never re-worded.

use super::{Output, RenderContext, Renderer};
use crate::catalogue::{channel_fees, time_limit, Entry};
use crate::model::Procedure;
use anyhow::Result;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub struct OpenDataRenderer;

/// Bumped when the shape of the files changes in a way readers must know about.
pub const DATA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Catalogue<'a> {
    phien_ban_du_lieu: u32,
    tieu_de: &'a str,
    co_quan: &'a str,
    base_url: String,
    ngay_ap_dung: String,
    so_thu_tuc: usize,
    thu_tuc: Vec<Item<'a>>,
}

/// Borrows the record: at province scale a second copy of the catalogue (let alone a
/// `serde_json::Value` tree of it) would cost more memory than the pages.
#[derive(Serialize)]
struct Item<'a> {
    ma_thu_tuc: &'a str,
    ten_thu_tuc: &'a str,
    ten_than_thien: &'a str,
    linh_vuc: &'a str,
    duong_dan: String,
    ngay_hieu_luc: Option<String>,
    bam: String,
    ban_ghi: &'a Procedure,
}

#[derive(Serialize)]
pub struct Manifest {
    pub phien_ban_du_lieu: u32,
    pub ngay_ap_dung: String,
    pub so_thu_tuc: usize,
    pub thu_tuc: BTreeMap<String, ManifestEntry>,
}

#[derive(Serialize)]
pub struct ManifestEntry {
    pub ten: String,
    pub slug: String,
    pub ngay_hieu_luc: Option<String>,
    pub bam: String,
}

/// `sha256:<hex>` of the record's canonical JSON: compact, keys in the model's order,
/// exactly the `ban_ghi` of `thu-tuc.json`.
pub fn content_hash(record: &Procedure) -> String {
    let bytes = serde_json::to_vec(record).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

fn csv_row(e: &Entry, base: &str) -> Vec<String> {
    let p = &e.procedure;
    let per_channel = |f: &dyn Fn(&crate::model::Channel) -> String| {
        p.cach_thuc_thuc_hien
            .iter()
            .map(|c| format!("{}: {}", c.hinh_thuc.label(), f(c)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    vec![
        e.code.clone(),
        e.name.clone(),
        p.ten_than_thien.clone().unwrap_or_default(),
        p.linh_vuc.clone().unwrap_or_default(),
        p.cap_thuc_hien.join("; "),
        e.online().label().to_owned(),
        per_channel(&|c| c.thoi_han.as_ref().map(time_limit).unwrap_or_default()),
        per_channel(&channel_fees),
        p.thanh_phan_ho_so
            .iter()
            .map(|g| g.giay_to.len())
            .sum::<usize>()
            .to_string(),
        p.doi_tuong_thuc_hien.join("; "),
        p.co_quan_thuc_hien.clone().unwrap_or_default(),
        p.ket_qua_thuc_hien.join("; "),
        p.ngay_hieu_luc.map(|d| d.iso()).unwrap_or_default(),
        p.ngay_cap_nhat.map(|d| d.iso()).unwrap_or_default(),
        p.quyet_dinh_cong_bo
            .iter()
            .filter_map(|d| d.so_hieu.clone())
            .collect::<Vec<_>>()
            .join("; "),
        format!("{base}{}", e.url_path()),
    ]
}

/// Column names of `thu-tuc.csv`, the JSON keys where one exists.
pub const CSV_HEADER: [&str; 16] = [
    "ma_thu_tuc",
    "ten_thu_tuc",
    "ten_than_thien",
    "linh_vuc",
    "cap_thuc_hien",
    "muc_do_truc_tuyen",
    "thoi_han_giai_quyet",
    "phi_le_phi",
    "so_giay_to",
    "doi_tuong_thuc_hien",
    "co_quan_thuc_hien",
    "ket_qua_thuc_hien",
    "ngay_hieu_luc",
    "ngay_cap_nhat",
    "quyet_dinh_cong_bo",
    "duong_dan",
];

impl Renderer for OpenDataRenderer {
    fn name(&self) -> &'static str {
        "open-data"
    }

    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        if !ctx.scope.data() {
            return Ok(());
        }
        let cat = ctx.catalogue;
        let base = ctx.site.base_url.trim_end_matches('/').to_owned() + "/";
        let as_of = cat.lifecycle.as_of.unwrap_or(ctx.as_of).iso();
        let mut items = Vec::with_capacity(cat.entries.len());
        let mut manifest = BTreeMap::new();
        for e in &cat.entries {
            let bam = content_hash(&e.procedure);
            let effective = e.procedure.ngay_hieu_luc.map(|d| d.iso());
            manifest.insert(
                e.code.clone(),
                ManifestEntry {
                    ten: e.name.clone(),
                    slug: e.slug.clone(),
                    ngay_hieu_luc: effective.clone(),
                    bam: bam.clone(),
                },
            );
            items.push(Item {
                ma_thu_tuc: &e.code,
                ten_thu_tuc: &e.name,
                ten_than_thien: &e.plain_name,
                linh_vuc: e.procedure.linh_vuc.as_deref().unwrap_or_default(),
                duong_dan: format!("{base}{}", e.url_path()),
                ngay_hieu_luc: effective,
                bam,
                ban_ghi: &e.procedure,
            });
        }
        let data = Catalogue {
            phien_ban_du_lieu: DATA_VERSION,
            tieu_de: &ctx.site.tieu_de,
            co_quan: &ctx.site.co_quan.ten,
            base_url: base.clone(),
            ngay_ap_dung: as_of.clone(),
            so_thu_tuc: items.len(),
            thu_tuc: items,
        };
        // Compact: pretty-printing nearly doubles a file that is already the largest
        // output; streamed, so 10,000 records never sit in memory as one string.
        out.write_with("du-lieu/thu-tuc.json", |w| {
            serde_json::to_writer(&mut *w, &data)?;
            w.write_all(b"\n")?;
            Ok(())
        })?;
        drop(data);
        let manifest = Manifest {
            phien_ban_du_lieu: DATA_VERSION,
            ngay_ap_dung: as_of,
            so_thu_tuc: manifest.len(),
            thu_tuc: manifest,
        };
        let mut json = serde_json::to_vec_pretty(&manifest)?;
        json.push(b'\n');
        out.write("du-lieu/manifest.json", &json)?;

        // The BOM tells spreadsheet software the file is UTF-8; CRLF and quoting per RFC 4180.
        out.write_with("du-lieu/thu-tuc.csv", |w| {
            w.write_all("\u{feff}".as_bytes())?;
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(w);
            csv.write_record(CSV_HEADER)?;
            for e in &cat.entries {
                csv.write_record(csv_row(e, &base))?;
            }
            csv.flush()?;
            Ok(())
        })?;
        Ok(())
    }
}
