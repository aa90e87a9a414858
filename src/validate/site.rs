//! Rules on `site.yaml` beyond its shape: what every page's links are built from.

use crate::diagnostic::{FieldPath, Finding};
use crate::model::SiteConfig;

/// The portal's link templates in `site.yaml`: every online button is built from them,
/// so a template without its `{ma}` or not on https would send every citizen astray.
pub fn check_portal(site: &SiteConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(portal) = &site.cong_dich_vu_cong else {
        return out;
    };
    let at = FieldPath::root().key("cong_dich_vu_cong");
    if !portal.url.starts_with("https://") || !super::is_web_address(&portal.url) {
        out.push(Finding::error(
            at.key("url"),
            format!("\"{}\" không phải địa chỉ https", portal.url),
            Some("ghi đầy đủ, ví dụ https://dichvucong.gov.vn".into()),
        ));
    }
    for (key, tpl, what) in [
        (
            "mau_lien_ket_thu_tuc",
            &portal.mau_lien_ket_thu_tuc,
            "mã của thủ tục trên cổng (ma_cong_dich_vu_cong)",
        ),
        (
            "mau_lien_ket_tim_kiem",
            &portal.mau_lien_ket_tim_kiem,
            "mã thủ tục quốc gia",
        ),
    ] {
        let Some(tpl) = tpl else { continue };
        if !tpl.starts_with("https://") || !super::is_web_address(&tpl.replace("{ma}", "1.001193"))
        {
            out.push(Finding::error(
                at.key(key),
                format!("mẫu liên kết \"{tpl}\" không bắt đầu bằng https://"),
                Some("dùng địa chỉ https của cổng dịch vụ công".into()),
            ));
        }
        if !tpl.contains("{ma}") {
            out.push(Finding::error(
                at.key(key),
                format!("mẫu liên kết \"{tpl}\" thiếu chỗ điền {{ma}}"),
                Some(format!(
                    "viết {{ma}} vào chỗ {what} trong liên kết, ví dụ ...?ma_thu_tuc={{ma}}"
                )),
            ));
        }
    }
    out
}

/// The site address `niemyet init` writes until the office sets its own: the `.invalid`
/// top-level domain never resolves.
pub const NO_ADDRESS: &str = "https://chua-ghi-dia-chi.invalid/";

/// Values `niemyet init` left for the office to fill in: a board must not go out with
/// "(chưa ghi …)" as its address, nor with a site address that goes nowhere.
pub fn check_not_given(site: &SiteConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    super::blank::not_given(site, &mut out);
    if site.base_url.contains(".invalid/") {
        out.push(Finding::warning(
            FieldPath::root().key("base_url"),
            "chưa ghi địa chỉ trang: liên kết, mã QR và bản đồ trang sẽ trỏ tới một địa chỉ không có",
            Some("ghi địa chỉ trang khi đưa lên mạng, ví dụ base_url: \"https://niemyet.phuong-x.gov.vn/\"".into()),
        ));
    }
    out
}

/// Blank text in `site.yaml` (a title of `""`, a complaints notice of a zero-width
/// space): every page and poster would show an empty heading or notice.
pub fn check_site_text(site: &SiteConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    super::blank::blank_strings(site, &mut out);
    // A life event without a name has its own message (check_life_events).
    out.retain(|f| {
        !(f.field.0.first() == Some(&crate::diagnostic::Seg::Key("su_kien_cuoc_song".into()))
            && f.field.0.last() == Some(&crate::diagnostic::Seg::Key("ten".into())))
    });
    out
}

/// A list page must hold at least one procedure, or the lists would never end.
pub fn check_lists(site: &SiteConfig) -> Vec<Finding> {
    if site.so_thu_tuc_moi_trang > 0 {
        return Vec::new();
    }
    vec![Finding::error(
        FieldPath::root().key("so_thu_tuc_moi_trang"),
        "mỗi trang danh sách phải có ít nhất 1 thủ tục",
        Some("ghi một số dương, ví dụ so_thu_tuc_moi_trang: 200, hoặc xóa dòng này".into()),
    )]
}

/// `danh_gia.url` is where every procedure page and guide sheet sends citizens.
pub fn check_feedback(site: &SiteConfig) -> Vec<Finding> {
    let Some(f) = &site.danh_gia else {
        return Vec::new();
    };
    if super::is_web_address(&f.url) {
        return Vec::new();
    }
    vec![Finding::error(
        FieldPath::root().key("danh_gia").key("url"),
        format!("\"{}\" không phải địa chỉ web", f.url),
        Some("ghi đầy đủ địa chỉ trang đánh giá, ví dụ https://dichvucong.gov.vn/p/home/dvc-danh-gia.html".into()),
    )]
}

/// Every code a life event lists must be a procedure of the board (`known`).
pub fn check_life_events(site: &SiteConfig, known: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, ev) in site.su_kien_cuoc_song.iter().enumerate() {
        let at = FieldPath::root().key("su_kien_cuoc_song").index(i);
        if crate::text::is_blank(&ev.ten) {
            out.push(Finding::error(
                at.key("ten"),
                "sự kiện không có tên",
                Some(
                    "ghi tên như các hồ sơ ghi trong su_kien_cuoc_song, ví dụ \"Có con mới sinh\""
                        .into(),
                ),
            ));
        }
        for (j, code) in ev.thu_tu.iter().enumerate() {
            if !known(code.as_str()) {
                out.push(Finding::error(
                    at.key("thu_tu").index(j),
                    format!("không có thủ tục nào mang mã \"{code}\""),
                    Some(
                        "ghi mã của một thủ tục có trong thư mục thu-tuc/, hoặc xóa mã này".into(),
                    ),
                ));
            }
        }
    }
    out
}
