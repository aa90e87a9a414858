//! Open data under `du-lieu/`: the whole current catalogue as JSON (`thu-tuc.json`,
//! schema in `docs/open-data.schema.json`) and CSV (`thu-tuc.csv`, one row per
//! procedure, UTF-8 with BOM so spreadsheet software keeps the diacritics), and the
//! build manifest (`manifest.json`: per code a content hash, name, slug, effective date)
//! that `niemyet diff` compares.
//!
//! Only procedures in force at the build date are published; the records are the
//! canonical form niemyet reads (same keys as the YAML), never re-worded.

use super::{Group, Output, RenderContext, Renderer};
use crate::cache::bytes::{put_str, put_u64, Reader};
use crate::cache::pieces::Pieces;
use crate::cache::{Digest32, Key};
use crate::catalogue::Entry;
use crate::permalink;
use crate::wording::{channel_fees, time_limit};
use anyhow::Result;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub struct OpenDataRenderer;

/// Bumped when the shape of the files changes in a way readers must know about.
pub const DATA_VERSION: u32 = 1;

/// The head of `thu-tuc.json`; `thu_tuc`, the list of [`Item`]s, follows.
#[derive(Serialize)]
struct Catalogue<'a> {
    phien_ban_du_lieu: u32,
    tieu_de: &'a str,
    co_quan: &'a str,
    base_url: String,
    ngay_ap_dung: String,
    so_thu_tuc: usize,
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
    // `ban_ghi` follows: its JSON is made once, for the hash and the file alike.
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

fn hash_of_json(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// One row of `thu-tuc.csv`: the columns are these fields, named by them (the JSON keys
/// where one exists), in this order.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CsvRow {
    ma_thu_tuc: String,
    ten_thu_tuc: String,
    ten_than_thien: String,
    linh_vuc: String,
    cap_thuc_hien: String,
    muc_do_truc_tuyen: String,
    thoi_han_giai_quyet: String,
    phi_le_phi: String,
    so_giay_to: usize,
    doi_tuong_thuc_hien: String,
    co_quan_thuc_hien: String,
    ket_qua_thuc_hien: String,
    ngay_hieu_luc: String,
    ngay_cap_nhat: String,
    quyet_dinh_cong_bo: String,
    duong_dan: String,
}

impl CsvRow {
    fn new(e: &Entry, base: &str) -> CsvRow {
        let p = &e.procedure;
        let per_channel = |f: &dyn Fn(&crate::model::Channel) -> String| {
            p.cach_thuc_thuc_hien
                .iter()
                .map(|c| format!("{}: {}", c.hinh_thuc.label(), f(c)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        CsvRow {
            ma_thu_tuc: e.code.clone(),
            ten_thu_tuc: e.name.clone(),
            ten_than_thien: p.ten_than_thien.clone().unwrap_or_default(),
            linh_vuc: p.linh_vuc.clone().unwrap_or_default(),
            cap_thuc_hien: p.cap_thuc_hien.join("; "),
            muc_do_truc_tuyen: e.online().label().to_owned(),
            thoi_han_giai_quyet: per_channel(&|c| {
                c.thoi_han.as_ref().map(time_limit).unwrap_or_default()
            }),
            phi_le_phi: per_channel(&channel_fees),
            so_giay_to: p.thanh_phan_ho_so.iter().map(|g| g.giay_to.len()).sum(),
            doi_tuong_thuc_hien: p.doi_tuong_thuc_hien.join("; "),
            co_quan_thuc_hien: p.co_quan_thuc_hien.clone().unwrap_or_default(),
            ket_qua_thuc_hien: p.ket_qua_thuc_hien.join("; "),
            ngay_hieu_luc: p.ngay_hieu_luc.map(|d| d.iso()).unwrap_or_default(),
            ngay_cap_nhat: p.ngay_cap_nhat.map(|d| d.iso()).unwrap_or_default(),
            quyet_dinh_cong_bo: p
                .quyet_dinh_cong_bo
                .iter()
                .filter_map(|d| d.so_hieu.clone())
                .collect::<Vec<_>>()
                .join("; "),
            duong_dan: format!("{base}{}", e.url_path()),
        }
        .neutralised()
    }

    /// Every text cell made [`formula_safe`].
    fn neutralised(mut self) -> CsvRow {
        for cell in [
            &mut self.ma_thu_tuc,
            &mut self.ten_thu_tuc,
            &mut self.ten_than_thien,
            &mut self.linh_vuc,
            &mut self.cap_thuc_hien,
            &mut self.muc_do_truc_tuyen,
            &mut self.thoi_han_giai_quyet,
            &mut self.phi_le_phi,
            &mut self.doi_tuong_thuc_hien,
            &mut self.co_quan_thuc_hien,
            &mut self.ket_qua_thuc_hien,
            &mut self.ngay_hieu_luc,
            &mut self.ngay_cap_nhat,
            &mut self.quyet_dinh_cong_bo,
            &mut self.duong_dan,
        ] {
            formula_safe(cell);
        }
        self
    }
}

/// What a spreadsheet takes a cell starting with for a formula.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A spreadsheet runs a CSV cell that starts with `=`, `+`, `-` or `@` (or a tab or
/// carriage return) as a formula: `=HYPERLINK(…)` in a procedure's name would send
/// whoever opens the file somewhere. Such a cell gets a leading `'`, which spreadsheets
/// show as text (OWASP, "CSV Injection").
pub fn formula_safe(cell: &mut String) {
    if cell.starts_with(FORMULA_STARTS) {
        cell.insert(0, '\'');
    }
}

/// The header line of `thu-tuc.csv`, as the csv crate writes it for [`CsvRow`]'s fields.
fn csv_header() -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.serialize(CsvRow::default())?;
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    let end = bytes
        .windows(2)
        .position(|x| x == b"\r\n")
        .map_or(bytes.len(), |i| i + 2);
    Ok(bytes[..end].to_vec())
}

/// What one procedure adds to open data: its element of `thu_tuc` as compact JSON
/// (`ban_ghi` last), the hash of its record for the manifest, and its CSV row.
struct Piece {
    json: Vec<u8>,
    bam: String,
    csv: CsvRow,
}

fn piece(e: &Entry, base: &str) -> Result<Piece> {
    let record = serde_json::to_vec(&*e.procedure)?;
    let bam = hash_of_json(&record);
    let mut json = serde_json::to_vec(&Item {
        ma_thu_tuc: &e.code,
        ten_thu_tuc: &e.name,
        ten_than_thien: &e.plain_name,
        linh_vuc: e.procedure.linh_vuc.as_deref().unwrap_or_default(),
        duong_dan: format!("{base}{}", e.url_path()),
        ngay_hieu_luc: e.procedure.ngay_hieu_luc.map(|d| d.iso()),
        bam: bam.clone(),
    })?;
    json.pop(); // the closing brace: `ban_ghi` goes in before it
    json.extend_from_slice(b",\"ban_ghi\":");
    json.extend_from_slice(&record);
    json.push(b'}');
    Ok(Piece {
        json,
        bam,
        csv: CsvRow::new(e, base),
    })
}

impl Piece {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.json.len() + 512);
        put_str(&mut out, &self.bam);
        put_u64(&mut out, self.json.len() as u64);
        out.extend_from_slice(&self.json);
        // Kept as JSON: the row's own field names, so a changed row shape is a miss.
        put_str(
            &mut out,
            &serde_json::to_string(&self.csv).unwrap_or_default(),
        );
        out
    }

    fn decode(bytes: &[u8]) -> Option<Piece> {
        let mut r = Reader(bytes);
        let bam = r.str()?.to_owned();
        let n = usize::try_from(r.u64()?).ok()?;
        let json = r.take(n)?.to_vec();
        let csv = serde_json::from_str(r.str()?).ok()?;
        r.is_done().then_some(Piece { json, bam, csv })
    }
}

impl Renderer for OpenDataRenderer {
    fn name(&self) -> &'static str {
        "open-data"
    }

    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        if !ctx.scope.data() {
            return Ok(());
        }
        // Open data follows from the records, the site's name and address and the date.
        let digest = out.remembers_pages().then(|| {
            let mut k = Key::new();
            k.part(&DATA_VERSION.to_le_bytes())
                .part(ctx.site.tieu_de.as_bytes())
                .part(ctx.site.co_quan.ten.as_bytes())
                .part(ctx.site.base_url.as_bytes())
                .part(
                    ctx.catalogue
                        .lifecycle
                        .as_of
                        .unwrap_or(ctx.as_of)
                        .iso()
                        .as_bytes(),
                );
            let digests: Vec<Digest32> = ctx
                .catalogue
                .entries
                .par_iter()
                .map(Entry::digest)
                .collect();
            for d in &digests {
                k.part(d);
            }
            k.digest()
        });
        out.write_group("du-lieu", digest, |out| write_all(ctx, out))
    }
}

fn write_all(ctx: &RenderContext<'_>, out: &Group<'_>) -> Result<()> {
    let cat = ctx.catalogue;
    let base = &ctx.site.base_url;
    let as_of = cat.lifecycle.as_of.unwrap_or(ctx.as_of).iso();
    let head = Catalogue {
        phien_ban_du_lieu: DATA_VERSION,
        tieu_de: &ctx.site.tieu_de,
        co_quan: &ctx.site.co_quan.ten,
        base_url: base.clone(),
        ngay_ap_dung: as_of.clone(),
        so_thu_tuc: cat.entries.len(),
    };
    let mut manifest = BTreeMap::new();
    // After an edit, the pieces of every procedure that did not change are read back.
    let pieces = Pieces::open(ctx.cache_dir, "du-lieu");
    // Compact: pretty-printing nearly doubles a file that is already the largest
    // output. Written as serde_json would write the whole object, but a batch of
    // records at a time, each serialised once (in parallel) for its hash and the
    // file: 10,000 records never sit in memory as one string. The CSV rows go out in
    // the same pass.
    out.write_with(&format!("{}thu-tuc.json", permalink::DATA), |w| {
        out.write_with(&format!("{}thu-tuc.csv", permalink::DATA), |c| {
            // The BOM tells spreadsheet software the file is UTF-8; CRLF and quoting
            // per RFC 4180.
            c.write_all("\u{feff}".as_bytes())?;
            c.write_all(&csv_header()?)?;
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .has_headers(false)
                .from_writer(c);
            let head = serde_json::to_vec(&head)?;
            w.write_all(&head[..head.len() - 1])?;
            w.write_all(b",\"thu_tuc\":[")?;
            let mut first = true;
            for batch in cat.entries.chunks(512) {
                let made: Vec<Piece> = batch
                    .par_iter()
                    .map(|e| {
                        pieces.get_or_make(
                            e.identity(),
                            &[base],
                            |bytes| Piece::decode(bytes).map(Ok),
                            || piece(e, base),
                            |p| p.as_ref().ok().map(Piece::encode),
                        )
                    })
                    .collect::<Result<_>>()?;
                for (e, p) in batch.iter().zip(made) {
                    if !std::mem::take(&mut first) {
                        w.write_all(b",")?;
                    }
                    w.write_all(&p.json)?;
                    csv.serialize(&p.csv)?;
                    let entry = ManifestEntry {
                        ten: e.name.clone(),
                        slug: e.slug.clone(),
                        ngay_hieu_luc: e.procedure.ngay_hieu_luc.map(|d| d.iso()),
                        bam: p.bam,
                    };
                    manifest.insert(e.code.clone(), entry);
                }
            }
            w.write_all(b"]}\n")?;
            csv.flush()?;
            Ok(())
        })
    })?;
    out.reused_pieces(pieces.hits());
    pieces.save();
    let manifest = Manifest {
        phien_ban_du_lieu: DATA_VERSION,
        ngay_ap_dung: as_of,
        so_thu_tuc: manifest.len(),
        thu_tuc: manifest,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    out.write(&format!("{}manifest.json", permalink::DATA), &json)?;
    Ok(())
}
