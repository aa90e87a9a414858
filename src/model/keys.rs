//! The one list of a procedure record's keys: each key once, with the portal's label, its
//! kind, and whether a next version (`phien_ban_moi`) may set it. Every stage that treats
//! keys one by one (merging a version, saying what changed, checking mandatory parts)
//! generates its code from this list with [`procedure_fields!`], so a key renamed or
//! added in [`super::Procedure`] without its line here fails to compile there, and a unit
//! test below compares the list with what serde writes.
//!
//! What it must not hold: rules (validate), wording of values (wording), or anything that
//! needs a stage above the model.

/// Calls `$callback!` with every key of [`super::Procedure`] as
/// `key: "Label", kind, version;` where `kind` is one of `identity`, `text`, `number`,
/// `date`, `level`, `texts`, `codes`, `steps`, `channels`, `documents`, `legal`,
/// `conditions`, `decisions`, `versions`, `quiet` (not a change a citizen is told of), and `version` is `merge` (a next version may set
/// it) or `keep` (identity and the version blocks).
#[macro_export]
macro_rules! procedure_fields {
    ($callback:ident) => {
        $callback! {
            ma_thu_tuc: "Mã thủ tục", identity, keep;
            ten_thu_tuc: "Tên thủ tục", text, merge;
            ten_than_thien: "Tên thường gọi", text, merge;
            slug: "Đường dẫn", identity, keep;
            linh_vuc: "Lĩnh vực", text, merge;
            ma_linh_vuc: "Mã lĩnh vực", text, merge;
            cap_thuc_hien: "Cấp thực hiện", texts, merge;
            loai_thu_tuc: "Loại thủ tục", text, merge;
            mo_ta: "Mô tả", text, merge;
            trinh_tu_thuc_hien: "Trình tự thực hiện", steps, merge;
            cach_thuc_thuc_hien: "Cách thức thực hiện", channels, merge;
            thanh_phan_ho_so: "Thành phần hồ sơ", documents, merge;
            so_luong_ho_so: "Số lượng hồ sơ", number, merge;
            doi_tuong_thuc_hien: "Đối tượng thực hiện", texts, merge;
            co_quan_thuc_hien: "Cơ quan thực hiện", text, merge;
            co_quan_co_tham_quyen: "Cơ quan có thẩm quyền", text, merge;
            co_quan_duoc_uy_quyen: "Cơ quan được ủy quyền", text, merge;
            co_quan_phoi_hop: "Cơ quan phối hợp", text, merge;
            dia_chi_tiep_nhan: "Địa chỉ tiếp nhận", text, merge;
            ket_qua_thuc_hien: "Kết quả thực hiện", texts, merge;
            can_cu_phap_ly: "Căn cứ pháp lý", legal, merge;
            yeu_cau_dieu_kien: "Yêu cầu, điều kiện", conditions, merge;
            quyet_dinh_cong_bo: "Quyết định công bố", decisions, merge;
            ngay_hieu_luc: "Ngày hiệu lực", date, merge;
            ngay_cap_nhat: "Ngày cập nhật", date, merge;
            muc_do_truc_tuyen: "Mức độ trực tuyến", level, merge;
            ma_cong_dich_vu_cong: "Mã trên Cổng Dịch vụ công", text, merge;
            lien_ket_truc_tuyen: "Liên kết nộp trực tuyến", text, merge;
            thu_tuc_lien_quan: "Thủ tục liên quan", codes, merge;
            tu_khoa: "Từ khóa", texts, merge;
            su_kien_cuoc_song: "Sự kiện cuộc sống", texts, merge;
            thay_the_cho: "Thay thế cho thủ tục", identity, keep;
            tiep_nhan_tai: "Cơ quan tiếp nhận", text, merge;
            chua_xac_minh: "Chưa xác minh", quiet, merge;
            nguon: "Nguồn", quiet, merge;
            phien_ban_moi: "Phiên bản mới", versions, keep;
            phien_ban_truoc: "Phiên bản trước", versions, keep;
        }
    };
}

macro_rules! labels {
    ($($key:ident : $label:literal, $kind:ident, $version:ident;)*) => {
        /// Every key, in the record's order: (key, label, whether a next version may set it).
        pub const KEYS: &[(&str, &str, bool)] =
            &[$((stringify!($key), $label, labels!(@merge $version))),*];
    };
    (@merge keep) => { false };
    (@merge merge) => { true };
}
procedure_fields!(labels);

/// The portal's label of a record key ("Thành phần hồ sơ"); the key itself if unknown.
pub fn label(key: &str) -> &str {
    KEYS.iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |(_, l, _)| l)
}

/// Whether a next version may set `key`.
pub fn mergeable(key: &str) -> bool {
    KEYS.iter().any(|(k, _, m)| *k == key && *m)
}

/// Whether a value of a record is set: `None` and an empty list are not.
pub trait IsSet {
    fn is_set(&self) -> bool;
}

impl<T> IsSet for Option<T> {
    fn is_set(&self) -> bool {
        self.is_some()
    }
}

impl<T> IsSet for Vec<T> {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Procedure;

    /// A record with every key set: what serde writes for it is every key there is.
    const EVERY_KEY: &str = r#"
ma_thu_tuc: "1.000001"
ten_thu_tuc: a
ten_than_thien: a
slug: a
linh_vuc: a
ma_linh_vuc: a
cap_thuc_hien: [a]
loai_thu_tuc: a
mo_ta: a
trinh_tu_thuc_hien: [{ ten: a }]
cach_thuc_thuc_hien: [{ hinh_thuc: Trực tiếp }]
thanh_phan_ho_so: [{ giay_to: [{ ten: a }] }]
so_luong_ho_so: 1
doi_tuong_thuc_hien: [a]
co_quan_thuc_hien: a
co_quan_co_tham_quyen: a
co_quan_duoc_uy_quyen: a
co_quan_phoi_hop: a
dia_chi_tiep_nhan: a
ket_qua_thuc_hien: [a]
can_cu_phap_ly: [{ so_hieu: a }]
yeu_cau_dieu_kien: [a]
quyet_dinh_cong_bo: [{ loai: mới }]
ngay_hieu_luc: 01/01/2025
ngay_cap_nhat: 01/01/2025
muc_do_truc_tuyen: toàn trình
ma_cong_dich_vu_cong: a
lien_ket_truc_tuyen: https://a
thu_tuc_lien_quan: ["1.000002"]
tu_khoa: [a]
su_kien_cuoc_song: [a]
thay_the_cho: ["1.000003"]
tiep_nhan_tai: { ten: a }
chua_xac_minh: [ten_thu_tuc]
nguon: { ten: a }
phien_ban_moi: { ngay_hieu_luc: 01/01/2026 }
phien_ban_truoc: { ngay_hieu_luc: 01/01/2024 }
"#;

    #[test]
    fn the_list_is_every_key_of_a_record_in_order() {
        let p: Procedure = serde_yaml::from_str(EVERY_KEY).expect("every key");
        let serde_keys: Vec<String> = match serde_json::to_value(&p) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => panic!("a record serialises as a map"),
        };
        let listed: Vec<&str> = KEYS.iter().map(|(k, _, _)| *k).collect();
        let mut a = serde_keys.clone();
        let mut b: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "procedure_fields! and the Procedure struct disagree");
    }

    #[test]
    fn identity_and_versions_are_never_merged() {
        for key in [
            "ma_thu_tuc",
            "slug",
            "thay_the_cho",
            "phien_ban_moi",
            "phien_ban_truoc",
        ] {
            assert!(!mergeable(key), "{key}");
        }
        assert!(mergeable("cach_thuc_thuc_hien"));
        assert!(!mergeable("khong_co"));
        assert_eq!(label("thanh_phan_ho_so"), "Thành phần hồ sơ");
    }
}
