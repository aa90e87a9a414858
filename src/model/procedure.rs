//! One procedure record as an officer (or the portal import) writes it: every field of
//! Nghị định 63/2010 Điều 8.2 with the portal's names, typed but not yet judged. Whether a
//! value is acceptable is `validate`'s question, how it reads on a page `wording`'s; this
//! file only says what shapes a record may take, and serde reports the rest.

use super::Date;
use serde::{de, Deserialize, Deserializer, Serialize};
use std::fmt;

/// One administrative procedure ("thủ tục hành chính"), as an officer writes it.
///
/// Mandatory parts (Nghị định 63/2010, Điều 8.2) are `Option`/empty-able here on purpose:
/// the validator reports every missing part at once instead of serde stopping at the first.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Mã thủ tục: national code, e.g. `1.001193`.
    #[serde(default)]
    pub ma_thu_tuc: Option<Code>,
    /// Tên thủ tục: the official name.
    #[serde(default)]
    pub ten_thu_tuc: Option<String>,
    /// Plain-language name citizens use ("Làm giấy khai sinh cho con").
    #[serde(default)]
    pub ten_than_thien: Option<String>,
    /// Overrides the URL slug derived from the official name.
    #[serde(default)]
    pub slug: Option<String>,
    /// Lĩnh vực.
    #[serde(default)]
    pub linh_vuc: Option<String>,
    #[serde(default)]
    pub ma_linh_vuc: Option<String>,
    /// Cấp thực hiện: Bộ / Tỉnh / Xã / Cơ quan khác.
    #[serde(default)]
    pub cap_thuc_hien: Vec<String>,
    /// Loại thủ tục (e.g. "TTHC được luật giao quy định chi tiết").
    #[serde(default)]
    pub loai_thu_tuc: Option<String>,
    #[serde(default)]
    pub mo_ta: Option<String>,
    /// Trình tự thực hiện.
    #[serde(default)]
    pub trinh_tu_thuc_hien: Vec<Step>,
    /// Cách thức thực hiện: one entry per channel.
    #[serde(default)]
    pub cach_thuc_thuc_hien: Vec<Channel>,
    /// Thành phần hồ sơ, grouped by case.
    #[serde(default)]
    pub thanh_phan_ho_so: Vec<DocumentGroup>,
    /// Số lượng hồ sơ (sets to submit).
    #[serde(default)]
    pub so_luong_ho_so: Option<u32>,
    /// Đối tượng thực hiện.
    #[serde(default)]
    pub doi_tuong_thuc_hien: Vec<String>,
    /// Cơ quan thực hiện.
    #[serde(default)]
    pub co_quan_thuc_hien: Option<String>,
    #[serde(default)]
    pub co_quan_co_tham_quyen: Option<String>,
    #[serde(default)]
    pub co_quan_duoc_uy_quyen: Option<String>,
    #[serde(default)]
    pub co_quan_phoi_hop: Option<String>,
    /// Địa chỉ tiếp nhận; the authority's address when absent.
    #[serde(default)]
    pub dia_chi_tiep_nhan: Option<String>,
    /// Kết quả thực hiện.
    #[serde(default)]
    pub ket_qua_thuc_hien: Vec<String>,
    /// Căn cứ pháp lý.
    #[serde(default)]
    pub can_cu_phap_ly: Vec<LegalBasis>,
    /// Yêu cầu, điều kiện (nested).
    #[serde(default)]
    pub yeu_cau_dieu_kien: Vec<Condition>,
    /// Số quyết định công bố.
    #[serde(default)]
    pub quyet_dinh_cong_bo: Vec<Decision>,
    /// Ngày hiệu lực of the current text.
    #[serde(default)]
    pub ngay_hieu_luc: Option<Date>,
    /// Last time an officer checked the record against the law.
    #[serde(default)]
    pub ngay_cap_nhat: Option<Date>,
    /// Mức độ dịch vụ công trực tuyến.
    #[serde(default)]
    pub muc_do_truc_tuyen: Option<OnlineLevel>,
    /// The procedure's own id on the national/provincial portal, when verified.
    #[serde(default)]
    pub ma_cong_dich_vu_cong: Option<String>,
    /// A full link to submit online; overrides the portal link built from the config.
    #[serde(default)]
    pub lien_ket_truc_tuyen: Option<String>,
    /// TTHC liên quan: a code posted on this board, or `{ma_thu_tuc, ten}` for one that
    /// is not (linked to the portal instead of being an error).
    #[serde(default)]
    pub thu_tuc_lien_quan: Vec<Related>,
    #[serde(default)]
    pub tu_khoa: Vec<String>,
    /// Life events ("Có con mới sinh", "Kết hôn").
    #[serde(default)]
    pub su_kien_cuoc_song: Vec<String>,
    /// Codes of the procedures this one replaces (thay thế): from this record's
    /// `ngay_hieu_luc` they leave the board and their pages point here. See `lifecycle`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thay_the_cho: Vec<Code>,
    /// Another body receives and decides this procedure (commune police, tax office); the
    /// board posts it for guidance, and its page shows that body's contact, not ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiep_nhan_tai: Option<OtherAgency>,
    /// Top-level keys whose values nobody at the office has checked yet ("chưa xác
    /// minh"): the site flags them instead of presenting them as fact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chua_xac_minh: Vec<String>,
    /// Where the record came from (the portal import writes it; its digest lets a later
    /// import merge three ways).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nguon: Option<Provenance>,
    /// The next version, prepared ahead: its `ngay_hieu_luc` and only the keys that change.
    /// Merged over this record from that date (see `lifecycle::merge`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phien_ban_moi: Option<Box<Procedure>>,
    /// The keys of the version before the current text, with their old values: what the
    /// "Thay đổi lần cuối" list compares the record against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phien_ban_truoc: Option<Box<Procedure>>,
}

/// A national procedure code. YAML reads an unquoted `1.001193` as a number; codes always
/// carry six decimals, so a number with exactly six is written back as it was. One with
/// fewer (`1.00002`: a digit missing, or `1.000020` whose last zero YAML dropped) cannot be
/// told apart, so it is refused and the officer asked to quote the code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Code(pub String);

impl Code {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("một mã thủ tục như \"1.001193\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Code, E> {
                Ok(Code(v.trim().to_owned()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Code, E> {
                // The shortest text that reads back as `v` is what the officer typed,
                // less any trailing zeros.
                let shortest = v.to_string();
                let decimals = shortest.split_once('.').map_or(0, |(_, d)| d.len());
                if decimals == 6 {
                    Ok(Code(shortest))
                } else {
                    Err(E::custom(format!(
                        "mã {shortest} không đủ 6 chữ số sau dấu chấm; ghi mã trong dấu nháy, đủ 6 chữ số, ví dụ: \"{v:.6}\""
                    )))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Code, E> {
                Ok(Code(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Code, E> {
                Ok(Code(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A related procedure: a bare code must be on this board; `{ma_thu_tuc, ten}` names
/// one posted elsewhere (the site links it to the portal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Related {
    Here(Code),
    Elsewhere { ma_thu_tuc: Code, ten: String },
}

impl Related {
    pub fn code(&self) -> &Code {
        match self {
            Related::Here(c) | Related::Elsewhere { ma_thu_tuc: c, .. } => c,
        }
    }
    pub fn as_str(&self) -> &str {
        self.code().as_str()
    }
    /// Whether the record says the procedure is not posted on this board.
    pub fn elsewhere(&self) -> bool {
        matches!(self, Related::Elsewhere { .. })
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Related::Here(c) => write!(f, "{c}"),
            Related::Elsewhere { ma_thu_tuc, ten } => write!(f, "{ma_thu_tuc} {ten}"),
        }
    }
}

impl<'de> Deserialize<'de> for Related {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            ma_thu_tuc: Code,
            ten: String,
        }
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Related;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "một mã thủ tục, hoặc { ma_thu_tuc, ten } cho thủ tục không niêm yết ở đây",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Related, E> {
                Ok(Related::Here(Code(v.trim().to_owned())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Related, E> {
                Code::deserialize(de::value::F64Deserializer::new(v)).map(Related::Here)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Related, E> {
                Ok(Related::Here(Code(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Related, E> {
                Ok(Related::Here(Code(v.to_string())))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Related, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Related::Elsewhere {
                    ma_thu_tuc: full.ma_thu_tuc,
                    ten: full.ten,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The body that receives a procedure posted here for guidance only.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtherAgency {
    #[serde(default)]
    pub ten: Option<String>,
    #[serde(default)]
    pub dia_chi: Option<String>,
    #[serde(default)]
    pub dien_thoai: Option<String>,
    #[serde(default)]
    pub gio_lam_viec: Option<String>,
    #[serde(default)]
    pub trang_web: Option<String>,
}

/// Where a record's text was taken from.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// "Cổng Dịch vụ công quốc gia".
    #[serde(default)]
    pub ten: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lien_ket: Option<String>,
    /// When it was retrieved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ngay_lay: Option<Date>,
    /// The portal's own id of the record (`id`, a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ma_ban_ghi: Option<String>,
    /// When the portal last changed it (`updatedAt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ngay_cap_nhat_nguon: Option<Date>,
    /// SHA-256 of the imported payload: which portal text the record was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ma_bam: Option<String>,
}

/// A form: its id in `content/bieu-mau/`, or `{ten, ma, lien_ket}` for one that is not
/// posted on this board (named, and linked where the source links it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum FormRef {
    Here(String),
    Elsewhere {
        ten: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        ma: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        lien_ket: Option<String>,
    },
}

impl FormRef {
    /// The id of a form posted on this board.
    pub fn here(&self) -> Option<&str> {
        match self {
            FormRef::Here(id) => Some(id),
            FormRef::Elsewhere { .. } => None,
        }
    }
}

impl fmt::Display for FormRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormRef::Here(id) => f.write_str(id),
            FormRef::Elsewhere {
                ten, ma: Some(ma), ..
            } => write!(f, "{ten} ({ma})"),
            FormRef::Elsewhere { ten, .. } => f.write_str(ten),
        }
    }
}

impl<'de> Deserialize<'de> for FormRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            ten: String,
            #[serde(default)]
            ma: Option<String>,
            #[serde(default)]
            lien_ket: Option<String>,
        }
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = FormRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("mã một biểu mẫu trong bieu-mau/, hoặc { ten, ma, lien_ket } cho mẫu không niêm yết ở đây")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FormRef, E> {
                Ok(FormRef::Here(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FormRef, E> {
                Ok(FormRef::Here(v.to_string()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<FormRef, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FormRef::Elsewhere {
                    ten: full.ten,
                    ma: full.ma,
                    lien_ket: full.lien_ket,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One numbered step; a step may branch into cases, each with its own steps.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub ten: Option<String>,
    #[serde(default)]
    pub mo_ta: Option<String>,
    #[serde(default)]
    pub nhanh: Vec<Branch>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    pub truong_hop: String,
    #[serde(default)]
    pub cac_buoc: Vec<Step>,
}

/// The proper spelling of every value of the record's closed lists (each also accepts
/// ASCII and older aliases). Messages list these, never the aliases. Keep in step with
/// the `rename`s below; a unit test checks it.
pub const CANONICAL_VALUES: &[&str] = &[
    "Trực tiếp",
    "Trực tuyến",
    "Dịch vụ bưu chính",
    "ngày làm việc",
    "ngày",
    "giờ làm việc",
    "giờ",
    "khác",
    "không nêu",
    "Phí",
    "Lệ phí",
    "mới",
    "sửa đổi, bổ sung",
    "thay thế",
    "bãi bỏ",
    "chưa rõ",
    "toàn trình",
    "một phần",
    "không",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum ChannelKind {
    #[serde(rename = "Trực tiếp", alias = "truc_tiep")]
    TrucTiep,
    #[serde(rename = "Trực tuyến", alias = "truc_tuyen")]
    TrucTuyen,
    #[serde(rename = "Dịch vụ bưu chính", alias = "buu_chinh")]
    BuuChinh,
}

impl ChannelKind {
    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::TrucTiep => "Trực tiếp",
            ChannelKind::TrucTuyen => "Trực tuyến",
            ChannelKind::BuuChinh => "Dịch vụ bưu chính",
        }
    }
}

/// One channel ("Cách thức thực hiện"): its own time limit and fees.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub hinh_thuc: ChannelKind,
    #[serde(default)]
    pub thoi_han: Option<TimeLimit>,
    /// `None`: nothing said (shown as unknown); `Some([])`: free of charge.
    #[serde(default)]
    pub phi_le_phi: Option<Vec<Fee>>,
    #[serde(default)]
    pub mo_ta: Option<String>,
    /// Offered elsewhere, not at this office ("Cơ quan đại diện Việt Nam ở nước ngoài"):
    /// shown for completeness, left out of what the board says this office does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noi_ap_dung: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum TimeUnit {
    #[serde(rename = "ngày làm việc", alias = "ngay_lam_viec")]
    NgayLamViec,
    #[serde(rename = "ngày", alias = "ngay")]
    Ngay,
    #[serde(rename = "giờ làm việc", alias = "gio_lam_viec")]
    GioLamViec,
    #[serde(rename = "giờ", alias = "gio")]
    Gio,
    #[serde(rename = "khác", alias = "khac")]
    Khac,
    /// The announced procedure gives no time limit: said so, never guessed.
    #[serde(
        rename = "không nêu",
        alias = "khong_neu",
        alias = "chưa nêu",
        alias = "chua_neu"
    )]
    KhongNeu,
}

impl TimeUnit {
    pub fn label(self) -> &'static str {
        match self {
            TimeUnit::NgayLamViec => "ngày làm việc",
            TimeUnit::Ngay => "ngày",
            TimeUnit::GioLamViec => "giờ làm việc",
            TimeUnit::Gio => "giờ",
            TimeUnit::Khac => "khác",
            TimeUnit::KhongNeu => "không nêu",
        }
    }
}

/// Thời hạn giải quyết: a number and a unit, or `khác` with a text.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    #[serde(default)]
    pub so: Option<f64>,
    pub don_vi: TimeUnit,
    #[serde(default)]
    pub mo_ta: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum FeeKind {
    #[serde(rename = "Phí", alias = "phi")]
    Phi,
    #[serde(rename = "Lệ phí", alias = "le_phi")]
    LePhi,
}

impl FeeKind {
    pub fn label(self) -> &'static str {
        match self {
            FeeKind::Phi => "Phí",
            FeeKind::LePhi => "Lệ phí",
        }
    }
}

/// One fee line. `muc_thu: null` (or absent, with no tiers) means the amount is unknown,
/// which is shown as such and never as 0.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub loai: FeeKind,
    #[serde(default)]
    pub muc_thu: Option<f64>,
    /// Per what: "bản", "trang", "hồ sơ", "lần".
    #[serde(default)]
    pub don_vi: Option<String>,
    #[serde(default = "default_currency")]
    pub tien_te: String,
    /// Tiers by quantity (e.g. pages 1–2, from page 3).
    #[serde(default)]
    pub bac: Vec<FeeTier>,
    /// Cap per unit of `don_vi_toi_da` (e.g. 200.000 đ per copy).
    #[serde(default)]
    pub toi_da: Option<f64>,
    #[serde(default)]
    pub don_vi_toi_da: Option<String>,
    /// The case this fee applies to.
    #[serde(default)]
    pub truong_hop: Option<String>,
    /// Who is exempt (miễn, giảm).
    #[serde(default)]
    pub mien_giam: Vec<String>,
    #[serde(default)]
    pub ghi_chu: Option<String>,
}

fn default_currency() -> String {
    "VND".to_owned()
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeeTier {
    pub tu: u32,
    #[serde(default)]
    pub den: Option<u32>,
    pub muc_thu: f64,
}

/// Documents for one case ("Trường hợp …"); no case means "every applicant".
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentGroup {
    #[serde(default)]
    pub truong_hop: Option<String>,
    #[serde(default)]
    pub giay_to: Vec<Document>,
    /// Notes on the group's documents ("Lưu ý" on the portal), shown under them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ghi_chu: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    #[serde(default)]
    pub ten: Option<String>,
    #[serde(default)]
    pub ban_chinh: u32,
    #[serde(default)]
    pub ban_sao: u32,
    /// Shown to the officer and handed back, not kept ("xuất trình").
    #[serde(default)]
    pub xuat_trinh: bool,
    /// Form id (e.g. `TP-HT-2020-TKKS`), resolved against `content/bieu-mau/`, or a
    /// form posted elsewhere.
    #[serde(default)]
    pub bieu_mau: Option<FormRef>,
    /// When this document is needed at all ("nếu người yêu cầu là người nước ngoài").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ap_dung_khi: Option<String>,
    #[serde(default)]
    pub ghi_chu: Option<String>,
    /// Documents accepted instead of this one.
    #[serde(default)]
    pub thay_the: Vec<String>,
}

impl Document {
    /// The id of the form on this board the document names, if it names one.
    pub fn form_here(&self) -> Option<&str> {
        self.bieu_mau.as_ref().and_then(FormRef::here)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    #[serde(default)]
    pub so_hieu: Option<String>,
    #[serde(default)]
    pub trich_yeu: Option<String>,
    #[serde(default)]
    pub ngay_ban_hanh: Option<Date>,
    #[serde(default)]
    pub co_quan_ban_hanh: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum DecisionKind {
    #[serde(rename = "mới", alias = "moi", alias = "mới ban hành")]
    Moi,
    #[serde(rename = "sửa đổi, bổ sung", alias = "sua_doi", alias = "sửa đổi")]
    SuaDoi,
    #[serde(rename = "thay thế", alias = "thay_the")]
    ThayThe,
    #[serde(rename = "bãi bỏ", alias = "bai_bo")]
    BaiBo,
    /// The source names the decision but not what it did (the portal's
    /// `procedureProposal`): listed, never turned into an event.
    #[serde(
        rename = "chưa rõ",
        alias = "chua_ro",
        alias = "không rõ",
        alias = "khong_ro"
    )]
    ChuaRo,
}

impl DecisionKind {
    pub fn label(self) -> &'static str {
        match self {
            DecisionKind::Moi => "Mới ban hành",
            DecisionKind::SuaDoi => "Sửa đổi, bổ sung",
            DecisionKind::ThayThe => "Thay thế",
            DecisionKind::BaiBo => "Bãi bỏ",
            DecisionKind::ChuaRo => "Công bố (không rõ loại)",
        }
    }
}

/// Quyết định công bố.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(default)]
    pub so_hieu: Option<String>,
    #[serde(default)]
    pub ngay_ban_hanh: Option<Date>,
    #[serde(default)]
    pub co_quan_ban_hanh: Option<String>,
    pub loai: DecisionKind,
    #[serde(default)]
    pub ngay_hieu_luc: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum OnlineLevel {
    #[serde(rename = "toàn trình", alias = "toan_trinh")]
    ToanTrinh,
    #[serde(rename = "một phần", alias = "mot_phan")]
    MotPhan,
    #[serde(rename = "không", alias = "khong", alias = "không trực tuyến")]
    Khong,
}

impl OnlineLevel {
    pub fn label(self) -> &'static str {
        match self {
            OnlineLevel::ToanTrinh => "Trực tuyến toàn trình",
            OnlineLevel::MotPhan => "Trực tuyến một phần",
            OnlineLevel::Khong => "Không trực tuyến",
        }
    }
    pub fn is_online(self) -> bool {
        self != OnlineLevel::Khong
    }
}

/// A condition, nested to any depth. Written either as plain text or as
/// `{noi_dung: "…", chi_tiet: [ … ]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Condition {
    pub noi_dung: String,
    pub chi_tiet: Vec<Condition>,
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            noi_dung: String,
            #[serde(default)]
            chi_tiet: Vec<Condition>,
        }
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Condition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("một điều kiện: một dòng chữ, hoặc noi_dung và chi_tiet")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Condition, E> {
                Ok(Condition {
                    noi_dung: v.to_owned(),
                    chi_tiet: Vec::new(),
                })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Condition, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Condition {
                    noi_dung: full.noi_dung,
                    chi_tiet: full.chi_tiet,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_values_are_the_serialised_names() {
        let mut names: Vec<String> = Vec::new();
        let mut push = |v: serde_json::Value| names.push(v.as_str().unwrap_or("").to_owned());
        for k in [
            ChannelKind::TrucTiep,
            ChannelKind::TrucTuyen,
            ChannelKind::BuuChinh,
        ] {
            push(serde_json::to_value(k).unwrap_or_default());
        }
        for v in [
            "ngay_lam_viec",
            "ngay",
            "gio_lam_viec",
            "gio",
            "khac",
            "khong_neu",
        ] {
            let u: TimeUnit = serde_json::from_value(v.into()).expect("alias");
            push(serde_json::to_value(u).unwrap_or_default());
        }
        for v in ["phi", "le_phi"] {
            let f: FeeKind = serde_json::from_value(v.into()).expect("alias");
            push(serde_json::to_value(f).unwrap_or_default());
        }
        for v in ["moi", "sua_doi", "thay_the", "bai_bo", "chua_ro"] {
            let d: DecisionKind = serde_json::from_value(v.into()).expect("alias");
            push(serde_json::to_value(d).unwrap_or_default());
        }
        for v in ["toan_trinh", "mot_phan", "khong"] {
            let o: OnlineLevel = serde_json::from_value(v.into()).expect("alias");
            push(serde_json::to_value(o).unwrap_or_default());
        }
        assert_eq!(names, CANONICAL_VALUES);
    }

    #[test]
    fn unquoted_codes_need_six_decimals() {
        let ok: Code = serde_yaml::from_str("1.001193").expect("six decimals");
        assert_eq!(ok.as_str(), "1.001193");
        for bad in ["1.00002", "1.000020"] {
            let err = serde_yaml::from_str::<Code>(bad)
                .expect_err(bad)
                .to_string();
            assert!(err.contains("6 chữ số"), "{err}");
        }
        let quoted: Code = serde_yaml::from_str("\"1.000020\"").expect("quoted");
        assert_eq!(quoted.as_str(), "1.000020");
    }
}
