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
    if !portal.url.starts_with("https://") {
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
        if !tpl.starts_with("https://") {
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
