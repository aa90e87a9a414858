//! "What changed" between two versions of a record, worded for citizens: fees and time
//! limits per channel, documents added and removed, then any other part that differs.

use crate::model::{Channel, Procedure};
use crate::wording::{channel_fees, time_limit};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The part, as the portal labels it ("Phí, lệ phí (Trực tiếp)").
    pub field: String,
    pub text: String,
}

/// Parts worded on their own, or that change with every version anyway.
const HANDLED: [&str; 9] = [
    "ten_thu_tuc",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "ngay_hieu_luc",
    "ngay_cap_nhat",
    "quyet_dinh_cong_bo",
    "phien_ban_moi",
    "phien_ban_truoc",
    "slug",
];

/// The portal's label of a record key, for officers and citizens alike.
pub fn label(key: &str) -> &str {
    match key {
        "ma_thu_tuc" => "Mã thủ tục",
        "ten_thu_tuc" => "Tên thủ tục",
        "ten_than_thien" => "Tên thường gọi",
        "slug" => "Đường dẫn",
        "linh_vuc" => "Lĩnh vực",
        "ma_linh_vuc" => "Mã lĩnh vực",
        "cap_thuc_hien" => "Cấp thực hiện",
        "loai_thu_tuc" => "Loại thủ tục",
        "mo_ta" => "Mô tả",
        "trinh_tu_thuc_hien" => "Trình tự thực hiện",
        "cach_thuc_thuc_hien" => "Cách thức thực hiện",
        "thanh_phan_ho_so" => "Thành phần hồ sơ",
        "so_luong_ho_so" => "Số lượng hồ sơ",
        "doi_tuong_thuc_hien" => "Đối tượng thực hiện",
        "co_quan_thuc_hien" => "Cơ quan thực hiện",
        "co_quan_co_tham_quyen" => "Cơ quan có thẩm quyền",
        "co_quan_duoc_uy_quyen" => "Cơ quan được ủy quyền",
        "co_quan_phoi_hop" => "Cơ quan phối hợp",
        "dia_chi_tiep_nhan" => "Địa chỉ tiếp nhận",
        "ket_qua_thuc_hien" => "Kết quả thực hiện",
        "can_cu_phap_ly" => "Căn cứ pháp lý",
        "yeu_cau_dieu_kien" => "Yêu cầu, điều kiện",
        "quyet_dinh_cong_bo" => "Quyết định công bố",
        "ngay_hieu_luc" => "Ngày hiệu lực",
        "ngay_cap_nhat" => "Ngày cập nhật",
        "muc_do_truc_tuyen" => "Mức độ trực tuyến",
        "ma_cong_dich_vu_cong" => "Mã trên Cổng Dịch vụ công",
        "lien_ket_truc_tuyen" => "Liên kết nộp trực tuyến",
        "thu_tuc_lien_quan" => "Thủ tục liên quan",
        "tu_khoa" => "Từ khóa",
        "su_kien_cuoc_song" => "Sự kiện cuộc sống",
        "thay_the_cho" => "Thay thế cho thủ tục",
        "phien_ban_moi" => "Phiên bản mới",
        "phien_ban_truoc" => "Phiên bản trước",
        other => other,
    }
}

/// Differences from `old` to `new`, most useful first.
pub fn changes(old: &Procedure, new: &Procedure) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |field: String, text: String| out.push(Change { field, text });
    if old.ten_thu_tuc != new.ten_thu_tuc {
        push(
            label("ten_thu_tuc").into(),
            format!(
                "“{}” → “{}”",
                old.ten_thu_tuc.as_deref().unwrap_or_default(),
                new.ten_thu_tuc.as_deref().unwrap_or_default()
            ),
        );
    }
    channels(
        &old.cach_thuc_thuc_hien,
        &new.cach_thuc_thuc_hien,
        &mut push,
    );
    documents(old, new, &mut push);
    let (Ok(Value::Object(o)), Ok(Value::Object(n))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return out;
    };
    let mut keys: Vec<&String> = n.keys().chain(o.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    for k in keys {
        if HANDLED.contains(&k.as_str()) || !seen.insert(k.clone()) {
            continue;
        }
        let (a, b) = (
            o.get(k).unwrap_or(&Value::Null),
            n.get(k).unwrap_or(&Value::Null),
        );
        if a != b {
            push(label(k).into(), worded(a, b));
        }
    }
    out
}

fn channels(old: &[Channel], new: &[Channel], push: &mut impl FnMut(String, String)) {
    for n in new {
        let kind = n.hinh_thuc.label();
        let Some(o) = old.iter().find(|o| o.hinh_thuc == n.hinh_thuc) else {
            push(
                "Cách thức thực hiện".into(),
                format!("Thêm hình thức {kind}"),
            );
            continue;
        };
        let (ot, nt) = (
            o.thoi_han.as_ref().map(time_limit).unwrap_or_default(),
            n.thoi_han.as_ref().map(time_limit).unwrap_or_default(),
        );
        if ot != nt {
            push(
                format!("Thời hạn giải quyết ({kind})"),
                format!("{ot} → {nt}"),
            );
        }
        let (of, nf) = (channel_fees(o), channel_fees(n));
        if of != nf {
            push(format!("Phí, lệ phí ({kind})"), format!("{of} → {nf}"));
        } else if serde_json::to_value(&o.phi_le_phi).ok()
            != serde_json::to_value(&n.phi_le_phi).ok()
        {
            push(
                format!("Phí, lệ phí ({kind})"),
                "sửa trường hợp áp dụng, miễn giảm hoặc ghi chú".into(),
            );
        }
    }
    for o in old {
        if !new.iter().any(|n| n.hinh_thuc == o.hinh_thuc) {
            push(
                "Cách thức thực hiện".into(),
                format!("Bỏ hình thức {}", o.hinh_thuc.label()),
            );
        }
    }
}

fn documents(old: &Procedure, new: &Procedure, push: &mut impl FnMut(String, String)) {
    let names = |p: &Procedure| -> Vec<String> {
        p.thanh_phan_ho_so
            .iter()
            .flat_map(|g| g.giay_to.iter())
            .filter_map(|d| d.ten.clone())
            .collect()
    };
    let (o, n) = (names(old), names(new));
    let label = label("thanh_phan_ho_so").to_owned();
    let mut any = false;
    for name in n.iter().filter(|x| !o.contains(x)) {
        push(label.clone(), format!("Thêm: {name}"));
        any = true;
    }
    for name in o.iter().filter(|x| !n.contains(x)) {
        push(label.clone(), format!("Bỏ: {name}"));
        any = true;
    }
    if !any
        && serde_json::to_value(&old.thanh_phan_ho_so).ok()
            != serde_json::to_value(&new.thanh_phan_ho_so).ok()
    {
        push(
            label,
            "sửa số bản, trường hợp hoặc ghi chú của giấy tờ".into(),
        );
    }
}

/// A short wording of one part's change: short text and numbers as "old → new", lists of
/// text as what was added and removed, anything else as "có sửa đổi".
fn worded(a: &Value, b: &Value) -> String {
    let short = |v: &Value| match v {
        Value::String(s) if s.chars().count() <= 120 => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some("(không có)".into()),
        _ => None,
    };
    if let (Some(x), Some(y)) = (short(a), short(b)) {
        return format!("{x} → {y}");
    }
    let strings = |v: &Value| -> Option<Vec<String>> {
        match v {
            Value::Null => Some(Vec::new()),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        }
    };
    if let (Some(x), Some(y)) = (strings(a), strings(b)) {
        let mut parts = Vec::new();
        let added: Vec<&String> = y.iter().filter(|s| !x.contains(s)).collect();
        let removed: Vec<&String> = x.iter().filter(|s| !y.contains(s)).collect();
        if !added.is_empty() {
            parts.push(format!(
                "thêm {}",
                added
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        if !removed.is_empty() {
            parts.push(format!(
                "bỏ {}",
                removed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        if !parts.is_empty() {
            return parts.join("; ");
        }
        return "đổi thứ tự".into();
    }
    "có sửa đổi".into()
}
