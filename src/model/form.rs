//! A form ("biểu mẫu"): one `content/bieu-mau/*.yaml` file describing an official
//! declaration or application form part by part, with filled-in samples ("mẫu điền").
//!
//! Shape only: which sample value fits which field, required fields, date formats and
//! references from procedures are checked in `validate::forms`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Official code, the id procedures give in `bieu_mau` (e.g. `TP-HT-2020-TKKS`).
    pub ma_mau: String,
    /// Official title, e.g. "TỜ KHAI ĐĂNG KÝ KHAI SINH".
    pub ten_mau: String,
    /// The legal document the form is issued with.
    #[serde(default)]
    pub ban_hanh_kem_theo: Option<String>,
    /// The national header "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc".
    #[serde(default = "yes")]
    pub quoc_hieu: bool,
    /// What is printed after "Kính gửi:" under the title (often a footnote mark, "(1)"),
    /// followed by a line to fill; samples fill it with the id `kinh_gui`.
    #[serde(default)]
    pub kinh_gui: Option<String>,
    /// Pages the printed form takes; the PDFs are checked against it.
    #[serde(default = "one")]
    pub so_trang: usize,
    /// A sentence for citizens on the form page: when to use this form.
    #[serde(default)]
    pub mo_ta: Option<String>,
    /// The layout. Empty: only the code, title and originals are known (no PDFs).
    /// serde_yaml reads enums as YAML tags (`!truong`); officers write one-key maps.
    #[serde(default, with = "serde_yaml::with::singleton_map_recursive")]
    pub phan: Vec<Part>,
    #[serde(default)]
    pub mau_dien: Vec<Sample>,
    /// Official files (`.pdf`, `.docx`) next to this definition, linked as "bản gốc".
    #[serde(default)]
    pub ban_goc: Vec<String>,
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}

/// One part of a form, in print order. Written as a one-key map: `- tieu_de: "…"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Part {
    /// A section heading ("I. PHẦN KÊ KHAI").
    TieuDe(String),
    /// A paragraph of printed text.
    Doan(String),
    Truong(FieldDef),
    /// Fields printed on one line.
    Hang(Vec<FieldDef>),
    Bang(Table),
    /// "…, ngày … tháng … năm …".
    NoiNgay(PlaceDate),
    ChuKy(Vec<Signature>),
    /// A footnote in small type.
    ChuThich(String),
    /// Start a new page here, where the official form does (`- ngat_trang`).
    NgatTrang,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Chu,
    /// A date, filled as dd/mm/yyyy and printed "ngày … tháng … năm …".
    Ngay,
    /// One tick box.
    ODanhDau,
    /// Tick one of `cac_lua_chon`.
    LuaChon,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Id the samples use (`ho_ten`).
    pub ma: String,
    /// Printed label ("Họ, chữ đệm, tên").
    pub nhan: String,
    #[serde(default)]
    pub kieu: FieldKind,
    /// Width of the fill-in line, in characters.
    #[serde(default)]
    pub rong: Option<u32>,
    #[serde(default)]
    pub cac_lua_chon: Vec<String>,
    #[serde(default)]
    pub bat_buoc: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub ma: String,
    #[serde(default)]
    pub nhan: Option<String>,
    /// Blank rows printed.
    #[serde(default = "three")]
    pub so_dong: usize,
    pub cot: Vec<Column>,
    /// Printed labels of the rows, in the first column (a "Thông tin | Bên nữ | Bên nam"
    /// table); a sample then fills the other columns row by row.
    #[serde(default)]
    pub cac_dong: Vec<String>,
}

fn three() -> usize {
    3
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub ma: String,
    pub nhan: String,
    /// Relative width (characters); columns without one share what is left.
    #[serde(default)]
    pub rong: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceDate {
    /// Field id of the place ("An Phú").
    #[serde(default = "place_id")]
    pub ma_noi: String,
    /// Field id of the date (dd/mm/yyyy).
    #[serde(default = "date_id")]
    pub ma_ngay: String,
}

fn place_id() -> String {
    "noi_viet".into()
}
fn date_id() -> String {
    "ngay_viet".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// "NGƯỜI YÊU CẦU".
    pub vai_tro: String,
    /// "(Ký, ghi rõ họ, chữ đệm, tên)".
    #[serde(default)]
    pub huong_dan: Option<String>,
    /// Field id of the signer's name, filled by samples.
    pub ma: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// The case the sample shows ("Khai sinh cho con đẻ, cha mẹ đã đăng ký kết hôn").
    pub ten: String,
    #[serde(default)]
    pub ghi_chu: Option<String>,
    /// Field id → text (or `true` for a ticked box); table id → list of rows.
    #[serde(default)]
    pub gia_tri: BTreeMap<String, serde_yaml::Value>,
}

/// A field as the validator and renderers see it, wherever it sits in the form.
#[derive(Debug, Clone)]
pub struct FieldRef<'a> {
    pub ma: &'a str,
    pub nhan: &'a str,
    pub kind: FieldKind,
    pub choices: &'a [String],
    pub required: bool,
    /// Index of the part in `phan`; [`ADDRESSEE`] for the "Kính gửi" line.
    pub part: usize,
    /// Index inside `hang` / `chu_ky`, when the part holds several.
    pub sub: Option<usize>,
    /// Set for a table: its column ids.
    pub columns: Option<Vec<&'a str>>,
}

/// `FieldRef::part` of the addressee line, which is not in `phan`.
pub const ADDRESSEE: usize = usize::MAX;

impl Form {
    /// Every id a sample may fill, in print order: fields, tables, the place and date of
    /// `noi_ngay`, signers' names.
    pub fn fields(&self) -> Vec<FieldRef<'_>> {
        let mut out = Vec::new();
        if self.kinh_gui.is_some() {
            out.push(FieldRef {
                ma: "kinh_gui",
                nhan: "Kính gửi",
                kind: FieldKind::Chu,
                choices: &[],
                required: false,
                part: ADDRESSEE,
                sub: None,
                columns: None,
            });
        }
        fn plain(f: &FieldDef, part: usize, sub: Option<usize>) -> FieldRef<'_> {
            FieldRef {
                ma: &f.ma,
                nhan: &f.nhan,
                kind: f.kieu,
                choices: &f.cac_lua_chon,
                required: f.bat_buoc,
                part,
                sub,
                columns: None,
            }
        }
        for (i, p) in self.phan.iter().enumerate() {
            match p {
                Part::Truong(f) => out.push(plain(f, i, None)),
                Part::Hang(fs) => {
                    for (j, f) in fs.iter().enumerate() {
                        out.push(plain(f, i, Some(j)));
                    }
                }
                Part::Bang(t) => out.push(FieldRef {
                    ma: &t.ma,
                    nhan: t.nhan.as_deref().unwrap_or("Bảng"),
                    kind: FieldKind::Chu,
                    choices: &[],
                    required: false,
                    part: i,
                    sub: None,
                    columns: Some(t.cot.iter().map(|c| c.ma.as_str()).collect()),
                }),
                Part::NoiNgay(pd) => {
                    for (ma, nhan, kind) in [
                        (&pd.ma_noi, "Nơi viết", FieldKind::Chu),
                        (&pd.ma_ngay, "Ngày viết", FieldKind::Ngay),
                    ] {
                        out.push(FieldRef {
                            ma,
                            nhan,
                            kind,
                            choices: &[],
                            required: false,
                            part: i,
                            sub: None,
                            columns: None,
                        });
                    }
                }
                Part::ChuKy(signs) => {
                    for (j, s) in signs.iter().enumerate() {
                        out.push(FieldRef {
                            ma: &s.ma,
                            nhan: &s.vai_tro,
                            kind: FieldKind::Chu,
                            choices: &[],
                            required: false,
                            part: i,
                            sub: Some(j),
                            columns: None,
                        });
                    }
                }
                Part::TieuDe(_) | Part::Doan(_) | Part::ChuThich(_) | Part::NgatTrang => {}
            }
        }
        out
    }
}

/// A sample's scalar value as printed: text as is, numbers as written, `true` as ticked.
/// `None` for lists and maps (table rows) and for `null`.
pub fn scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.trim().to_owned()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(if *b { "x".into() } else { String::new() }),
        _ => None,
    }
}
