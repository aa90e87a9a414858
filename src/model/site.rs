//! `content/site.yaml`: the publishing office, its contact and hours, the portal it links
//! to, and how the site is put together. Shapes only; `validate::site` judges addresses.

use serde::{Deserialize, Serialize};

/// `content/site.yaml`: who publishes, and how the site is put together.
/// Everything a page shows that is not in a record comes from here.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, e.g. "Niêm yết thủ tục hành chính — Phường Định Hòa".
    pub tieu_de: String,
    /// Public address of the site, e.g. `https://niemyet.dinhhoa.gov.vn/`.
    pub base_url: String,
    #[serde(default = "default_lang")]
    pub ngon_ngu: String,
    #[serde(default = "default_theme")]
    pub giao_dien: String,
    pub co_quan: Authority,
    /// Where and how to send complaints and suggestions (phản ánh, kiến nghị). Markdown.
    pub phan_anh_kien_nghi: String,
    #[serde(default)]
    pub cong_dich_vu_cong: Option<Portal>,
    /// How many procedures the home page lists as recently changed.
    #[serde(default = "default_recent")]
    pub so_thu_tuc_moi_cap_nhat: usize,
    /// How many procedures one page of a long list shows ("Tất cả thủ tục", "Làm được
    /// trực tuyến"); longer lists continue on `trang-2/`, `trang-3/`… A province's
    /// thousands on one page would be megabytes for a phone.
    #[serde(default = "default_per_page")]
    pub so_thu_tuc_moi_trang: usize,
    /// Printed noticeboard (`output/in/`): paper size of the procedure posters.
    #[serde(default)]
    pub in_an: PrintConfig,
    /// Life events ("Sự kiện cuộc sống": có con mới sinh, kết hôn…): a line of
    /// introduction and the order in which a family meets each event's procedures. An
    /// event named only in records (`su_kien_cuoc_song`) gets a page too.
    #[serde(default)]
    pub su_kien_cuoc_song: Vec<LifeEventConfig>,
    /// Where citizens rate the service: the portal's rating page or the office's own
    /// form. Shown on every procedure page and as a QR code on guide sheets.
    #[serde(default)]
    pub danh_gia: Option<Feedback>,
    /// How to create an account on the public-service portal (Markdown): the page
    /// `huong-dan-tai-khoan/`, linked beside every online button.
    #[serde(default)]
    pub huong_dan_tai_khoan: Option<String>,
}

/// One life event in `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LifeEventConfig {
    /// As records name it ("Có con mới sinh").
    pub ten: String,
    #[serde(default)]
    pub mo_ta: Option<String>,
    /// Codes of the procedures in the order a family meets them; they belong to the
    /// event even if their records do not name it. Procedures that name the event but
    /// are not listed follow, by name.
    #[serde(default)]
    pub thu_tu: Vec<super::Code>,
}

/// `danh_gia:` in `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub url: String,
    /// The link's words; "Đánh giá mức độ hài lòng" when absent.
    #[serde(default)]
    pub nhan: Option<String>,
}

fn default_lang() -> String {
    "vi".to_owned()
}
fn default_theme() -> String {
    "default".to_owned()
}
fn default_recent() -> usize {
    8
}
fn default_per_page() -> usize {
    200
}

/// The authority that posts the procedures (the People's Committee).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub ten: String,
    /// The higher level, shown above the name ("Tỉnh Bình Dương").
    #[serde(default)]
    pub cap_tren: Option<String>,
    /// Where documents are received ("Bộ phận Một cửa, tầng 1").
    #[serde(default)]
    pub bo_phan_tiep_nhan: Option<String>,
    pub dia_chi: String,
    pub dien_thoai: String,
    #[serde(default)]
    pub duong_day_nong: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub gio_lam_viec: Vec<OpeningHours>,
    /// A map link or directions, shown on the contact page.
    #[serde(default)]
    pub chi_duong: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    /// "Thứ Hai – Thứ Sáu".
    pub ngay: String,
    /// "Sáng 7:30–11:30, chiều 13:30–17:00".
    pub gio: String,
}

/// The public service portal the online button leads to.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Portal {
    pub ten: String,
    pub url: String,
    /// Link to one procedure by the portal's own id; `{ma}` is replaced.
    #[serde(default)]
    pub mau_lien_ket_thu_tuc: Option<String>,
    /// Search link by national code; `{ma}` is replaced.
    #[serde(default)]
    pub mau_lien_ket_tim_kiem: Option<String>,
}

/// `content/tu-dong-nghia.yaml`: groups of words citizens use for the same thing.
/// A query containing any member also searches for the others.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    #[serde(default)]
    pub tu_dong_nghia: Vec<Vec<String>>,
}

/// `in_an:` in `site.yaml`: how the printed noticeboard is laid out.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrintConfig {
    /// Paper of the per-procedure posters: `A4` (default) or `A3`. Field posters are
    /// always A3 landscape and guide sheets always A4.
    #[serde(default)]
    pub kho_giay: PaperSize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum PaperSize {
    #[default]
    #[serde(alias = "a4")]
    A4,
    #[serde(alias = "a3")]
    A3,
}
