//! `niemyet diff OLD NEW`: what a new build changes against an old one, for the officer
//! to review before publishing. Each side is an output folder or its
//! `du-lieu/manifest.json`; the manifests' content hashes say which procedures changed,
//! and the records in `du-lieu/thu-tuc.json` beside them say how, field by field.
//!
//! It compares published data only: it never reads `content/`.

use crate::lifecycle::{changes_in, ChangeScope};
use crate::model::Procedure;
use anyhow::{bail, Context, Result};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One side: the manifest's entries, and where its records are (read only when some
/// procedure changed: the manifest alone answers "nothing changed").
struct Side {
    manifest: BTreeMap<String, Value>,
    data: PathBuf,
}

/// The records of `thu-tuc.json` for the `wanted` codes; `None` when the side has no such
/// file. Streams the file and skips every other record: at province scale the file is tens
/// of megabytes, and a whole `Value` tree of it several times that.
fn records(side: &Side, wanted: &BTreeSet<String>) -> Result<Option<BTreeMap<String, Value>>> {
    if !side.data.is_file() {
        return Ok(None);
    }
    let file = std::fs::File::open(&side.data)
        .with_context(|| format!("không đọc được {}", side.data.display()))?;
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(file));
    let found = Top(wanted)
        .deserialize(&mut de)
        .with_context(|| format!("{} không phải JSON hợp lệ", side.data.display()))?;
    Ok(Some(found))
}

/// `{ …, "thu_tuc": [ items ] }` → the wanted records by code.
struct Top<'a>(&'a BTreeSet<String>);
/// `[ { "ma_thu_tuc": …, "ban_ghi": … }, … ]`.
struct Items<'a>(&'a BTreeSet<String>);
/// One item: its code and, if wanted, its record.
struct Item<'a>(&'a BTreeSet<String>);

type Found = BTreeMap<String, Value>;

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Found;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Found;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("tệp thu-tuc.json")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        let mut found = Found::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "thu_tuc" {
                found = map.next_value_seed(Items(self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = Found;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = Found;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("danh sách thu_tuc")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found, A::Error> {
        let mut found = Found::new();
        while let Some(item) = seq.next_element_seed(Item(self.0))? {
            if let Some((code, record)) = item {
                found.insert(code, record);
            }
        }
        Ok(found)
    }
}

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = Option<(String, Value)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Item<'_> {
    type Value = Option<(String, Value)>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("một thủ tục")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut code, mut record): (Option<String>, Option<Value>) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "ma_thu_tuc" => code = Some(map.next_value()?),
                // niemyet writes the code first; from another writer, keep and decide later.
                "ban_ghi" if code.as_ref().is_none_or(|c| self.0.contains(c)) => {
                    record = Some(map.next_value()?)
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(match (code, record) {
            (Some(c), Some(r)) if self.0.contains(&c) => Some((c, r)),
            _ => None,
        })
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} không phải JSON hợp lệ", path.display()))
}

fn load(path: &Path) -> Result<Side> {
    let manifest_path: PathBuf = if path.is_dir() {
        path.join(crate::permalink::DATA).join("manifest.json")
    } else {
        path.to_path_buf()
    };
    if !manifest_path.is_file() {
        bail!(
            "không thấy {}: chỉ vào thư mục đầu ra của một lần dựng (có du-lieu/manifest.json) hoặc vào tệp manifest.json",
            manifest_path.display()
        );
    }
    let m = read_json(&manifest_path)?;
    let Some(entries) = m.get("thu_tuc").and_then(Value::as_object) else {
        bail!("{} không có mục thu_tuc", manifest_path.display());
    };
    let manifest = entries
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(Side {
        manifest,
        data: manifest_path.with_file_name("thu-tuc.json"),
    })
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub them: Vec<Summary>,
    pub bo: Vec<Summary>,
    pub sua: Vec<Changed>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub ma_thu_tuc: String,
    pub ten: String,
    pub ngay_hieu_luc: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Changed {
    pub ma_thu_tuc: String,
    pub ten: String,
    /// False when a side has no `thu-tuc.json`: then only the hash says it changed.
    pub so_tung_truong: bool,
    pub thay_doi: Vec<FieldChange>,
}

/// One difference, found and worded as the site words it (`lifecycle::changes`).
#[derive(Debug, Serialize)]
pub struct FieldChange {
    /// Where, list items named by what they are: `cach_thuc_thuc_hien[Trực tiếp].phi_le_phi`.
    pub truong: String,
    /// The portal's label of the part ("Phí, lệ phí (Trực tiếp)").
    pub nhan: String,
    /// The old and new values as the site shows them; absent for what was not there.
    pub cu: Option<String>,
    pub moi: Option<String>,
    /// The change in one line ("5.000 đồng → 2.500 đồng", "Thêm: …").
    pub mo_ta: String,
}

fn summary(code: &str, m: &Value) -> Summary {
    Summary {
        ma_thu_tuc: code.to_owned(),
        ten: m
            .get("ten")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        ngay_hieu_luc: m
            .get("ngay_hieu_luc")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

pub fn diff(old: &Path, new: &Path) -> Result<Report> {
    let (a, b) = (load(old)?, load(new)?);
    let mut report = Report {
        them: Vec::new(),
        bo: Vec::new(),
        sua: Vec::new(),
    };
    let changed: BTreeSet<String> = b
        .manifest
        .iter()
        .filter(|(code, m)| {
            a.manifest
                .get(*code)
                .is_some_and(|o| o.get("bam") != m.get("bam"))
        })
        .map(|(code, _)| code.clone())
        .collect();
    let (ra, rb) = if changed.is_empty() {
        (None, None)
    } else {
        (records(&a, &changed)?, records(&b, &changed)?)
    };
    for (code, m) in &b.manifest {
        match a.manifest.get(code) {
            None => report.them.push(summary(code, m)),
            Some(old_m) if old_m.get("bam") != m.get("bam") => {
                let mut changes = Vec::new();
                let pair = (
                    ra.as_ref().and_then(|r| r.get(code)),
                    rb.as_ref().and_then(|r| r.get(code)),
                );
                // Records niemyet of this version cannot read (another format) compare by
                // hash only.
                let typed = |v: Option<&Value>| {
                    v.and_then(|v| serde_json::from_value::<Procedure>(v.clone()).ok())
                };
                let (pa, pb) = (typed(pair.0), typed(pair.1));
                if let (Some(pa), Some(pb)) = (&pa, &pb) {
                    changes = changes_in(pa, pb, ChangeScope::All)
                        .into_iter()
                        .map(|c| FieldChange {
                            truong: c.path,
                            nhan: c.field,
                            cu: c.old,
                            moi: c.new,
                            mo_ta: c.text,
                        })
                        .collect();
                }
                report.sua.push(Changed {
                    ma_thu_tuc: code.clone(),
                    ten: summary(code, m).ten,
                    so_tung_truong: pa.is_some() && pb.is_some(),
                    thay_doi: changes,
                });
            }
            Some(_) => {}
        }
    }
    for (code, m) in &a.manifest {
        if !b.manifest.contains_key(code) {
            report.bo.push(summary(code, m));
        }
    }
    Ok(report)
}

/// A change's line, cut to what a terminal line holds.
fn clipped(s: &str) -> String {
    if s.chars().count() > 200 {
        let cut: String = s.chars().take(197).collect();
        format!("{cut}…")
    } else {
        s.to_owned()
    }
}

/// The report for the officer, in Vietnamese.
pub fn render_text(r: &Report) -> String {
    let mut s = String::new();
    if r.them.is_empty() && r.bo.is_empty() && r.sua.is_empty() {
        s.push_str("Không có thay đổi nào giữa hai lần dựng.\n");
        return s;
    }
    let _ = writeln!(
        s,
        "Thêm {} thủ tục, bỏ {} thủ tục, sửa {} thủ tục.",
        r.them.len(),
        r.bo.len(),
        r.sua.len()
    );
    let line = |s: &mut String, sign: char, x: &Summary| {
        let _ = write!(s, "  {sign} {}  {}", x.ma_thu_tuc, x.ten);
        if let Some(d) = &x.ngay_hieu_luc {
            let _ = write!(s, " (hiệu lực {d})");
        }
        s.push('\n');
    };
    if !r.them.is_empty() {
        s.push_str("\nThủ tục thêm vào:\n");
        r.them.iter().for_each(|x| line(&mut s, '+', x));
    }
    if !r.bo.is_empty() {
        s.push_str("\nThủ tục bỏ ra (bãi bỏ, được thay thế hoặc xóa):\n");
        r.bo.iter().for_each(|x| line(&mut s, '-', x));
    }
    if !r.sua.is_empty() {
        s.push_str("\nThủ tục sửa đổi:\n");
        for c in &r.sua {
            let _ = writeln!(s, "  ~ {}  {}", c.ma_thu_tuc, c.ten);
            if !c.so_tung_truong {
                s.push_str("      (nội dung khác; không có thu-tuc.json để so từng trường)\n");
            } else if c.thay_doi.is_empty() {
                s.push_str(
                    "      (mã băm khác nhưng không trường nào khác: bản ghi được sắp lại)\n",
                );
            }
            for f in &c.thay_doi {
                let _ = writeln!(s, "      {}: {}", f.nhan, clipped(&f.mo_ta));
            }
        }
    }
    s
}
