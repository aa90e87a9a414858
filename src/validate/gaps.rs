//! Rules for the ways a record says what its source does not: a time limit or a decision
//! kind not stated, a body other than this office, a related procedure or form posted
//! elsewhere, values nobody has verified, where the text came from. Each is allowed (a
//! record must not invent what the source leaves out) and most earn a warning, so the
//! office sees what is still to be confirmed.

use crate::diagnostic::{FieldPath, Finding};
use crate::model::keys::{label, KEYS};
use crate::model::*;

pub fn check_gaps(p: &Procedure, out: &mut Vec<Finding>) {
    let root = FieldPath::root();
    for (i, ch) in p.cach_thuc_thuc_hien.iter().enumerate() {
        if ch
            .thoi_han
            .as_ref()
            .is_some_and(|t| t.don_vi == TimeUnit::KhongNeu)
        {
            out.push(Finding::warning(
                root.key("cach_thuc_thuc_hien").index(i).key("thoi_han"),
                format!(
                    "kênh \"{}\": thủ tục được công bố không nêu thời hạn; trang ghi đúng như vậy",
                    ch.hinh_thuc.label()
                ),
                Some("khi biết thời hạn áp dụng tại đơn vị, ghi: thoi_han: { so: 5, don_vi: ngày làm việc }".into()),
            ));
        }
        if ch.noi_ap_dung.as_deref().is_some_and(crate::text::is_blank) {
            out.push(Finding::error(
                root.key("cach_thuc_thuc_hien").index(i).key("noi_ap_dung"),
                "noi_ap_dung để trống",
                Some("ghi nơi áp dụng kênh này, ví dụ noi_ap_dung: Cơ quan đại diện Việt Nam ở nước ngoài; hoặc xóa dòng".into()),
            ));
        }
    }
    for (i, d) in p.quyet_dinh_cong_bo.iter().enumerate() {
        if d.loai == DecisionKind::ChuaRo {
            out.push(Finding::warning(
                root.key("quyet_dinh_cong_bo").index(i).key("loai"),
                "không rõ quyết định này công bố mới, sửa đổi, thay thế hay bãi bỏ; trang Cập nhật không ghi sự kiện cho nó",
                Some("xem quyết định và ghi loai: mới | sửa đổi, bổ sung | thay thế | bãi bỏ".into()),
            ));
        }
    }
    if let Some(a) = &p.tiep_nhan_tai {
        let at = root.key("tiep_nhan_tai");
        if a.ten.as_deref().is_none_or(crate::text::is_blank) {
            out.push(Finding::error(
                at.key("ten"),
                "chưa ghi tên cơ quan tiếp nhận",
                Some("ví dụ: ten: Công an xã Định Hòa".into()),
            ));
        }
        if a.dia_chi.is_none() && a.dien_thoai.is_none() && a.trang_web.is_none() {
            out.push(Finding::warning(
                at.clone(),
                "người dân chưa có cách liên hệ cơ quan tiếp nhận",
                Some("thêm dia_chi, dien_thoai hoặc trang_web".into()),
            ));
        }
        if let Some(url) = &a.trang_web {
            super::web_address(url, at.key("trang_web"), out);
        }
    }
    for (i, key) in p.chua_xac_minh.iter().enumerate() {
        let known = KEYS.iter().any(|(k, _, merge)| k == key && *merge);
        if !known || key == "chua_xac_minh" || key == "nguon" {
            let keys: Vec<String> = KEYS
                .iter()
                .filter(|(_, _, merge)| *merge)
                .map(|(k, _, _)| (*k).to_owned())
                .collect();
            out.push(Finding::error(
                root.key("chua_xac_minh").index(i),
                format!("\"{key}\" không phải một mục của hồ sơ có thể đánh dấu chưa xác minh"),
                Some(match crate::load::suggest(key, &keys) {
                    Some(k) => format!("có phải \"{k}\"?"),
                    None => {
                        "ghi tên khóa của mục, ví dụ: chua_xac_minh: [cach_thuc_thuc_hien]".into()
                    }
                }),
            ));
        } else {
            out.push(Finding::warning(
                root.key("chua_xac_minh").index(i),
                format!(
                    "mục \"{}\" chưa được xác minh: trang ghi rõ để người dân hỏi lại",
                    label(key)
                ),
                Some(format!("khi đã đối chiếu, xóa {key} khỏi chua_xac_minh")),
            ));
        }
    }
    for (i, g) in p.thanh_phan_ho_so.iter().enumerate() {
        for (j, d) in g.giay_to.iter().enumerate() {
            let at = root
                .key("thanh_phan_ho_so")
                .index(i)
                .key("giay_to")
                .index(j);
            if let Some(FormRef::Elsewhere { ten, lien_ket, .. }) = &d.bieu_mau {
                if crate::text::is_blank(ten) {
                    out.push(Finding::error(
                        at.key("bieu_mau").key("ten"),
                        "biểu mẫu không niêm yết ở đây cần có tên",
                        Some(
                            "ví dụ: bieu_mau: { ten: Tờ khai đăng ký khai sinh, ma: TK-01 }".into(),
                        ),
                    ));
                }
                if let Some(url) = lien_ket {
                    super::web_address(url, at.key("bieu_mau").key("lien_ket"), out);
                }
            }
            if d.ap_dung_khi.as_deref().is_some_and(crate::text::is_blank) {
                out.push(Finding::error(
                    at.key("ap_dung_khi"),
                    "ap_dung_khi để trống",
                    Some("ghi khi nào cần giấy tờ này, ví dụ: ap_dung_khi: người yêu cầu là người nước ngoài; hoặc xóa dòng".into()),
                ));
            }
        }
    }
    if let Some(n) = &p.nguon {
        if let Some(url) = &n.lien_ket {
            super::web_address(url, root.key("nguon").key("lien_ket"), out);
        }
    }
}
