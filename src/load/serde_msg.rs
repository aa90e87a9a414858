//! Turns serde's English messages into Vietnamese ones with a fix.
//! serde's wording is stable (`invalid type: …, expected …`, `unknown field …`), which is
//! what lets a type error say in the officer's language what to write instead.

use crate::text::fold;

pub struct Translated {
    pub message: String,
    pub fix: Option<String>,
    /// The unknown key, when the error is about one (its position is the key's).
    pub unknown_field: Option<String>,
    /// The key the unknown one stands for (a portal label, a synonym, a near miss), when
    /// one is allowed at its place: `ten_thu_tuc` for `ten_tthc`.
    pub meant: Option<String>,
    /// The field serde found missing.
    pub missing_field: Option<String>,
    /// A value of the expected type to put in place of the bad one, so the rest of the
    /// record can still be checked (`None` when no safe stand-in exists).
    pub placeholder: Option<serde_yaml::Value>,
}

pub fn translate(msg: &str) -> Translated {
    let mut t = Translated {
        message: msg.to_owned(),
        fix: None,
        unknown_field: None,
        meant: None,
        missing_field: None,
        placeholder: None,
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        t.message = format!("khóa \"{name}\" không có trong mẫu hồ sơ");
        t.meant = known_label(&name, &expected).or_else(|| suggest(&name, &expected));
        t.fix = Some(match &t.meant {
            Some(best) => format!("có phải ý bạn là \"{best}\"? Sửa thành: {best}:"),
            None if expected.is_empty() => "xóa khóa này".to_owned(),
            None => format!(
                "xóa khóa này, hoặc dùng một trong các khóa: {}",
                expected.join(", ")
            ),
        });
        t.unknown_field = Some(name);
    } else if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (name, expected) = split_expected(rest);
        let expected = canonical_only(expected);
        t.placeholder = expected
            .first()
            .map(|v| serde_yaml::Value::String(v.clone()));
        t.message = format!("giá trị \"{name}\" không được chấp nhận");
        let list = expected
            .iter()
            .map(|e| format!("\"{e}\""))
            .collect::<Vec<_>>()
            .join(", ");
        t.fix = Some(match suggest(&name, &expected) {
            Some(best) => format!("có phải ý bạn là \"{best}\"? Các giá trị hợp lệ: {list}"),
            None => format!("viết một trong các giá trị: {list}"),
        });
    } else if let Some(rest) = msg.strip_prefix("missing field ") {
        let name = rest.trim_matches('`').to_owned();
        t.message = format!("thiếu khóa bắt buộc \"{name}\"");
        t.fix = Some(format!("thêm dòng {name}: …"));
        t.missing_field = Some(name);
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            t.message = format!(
                "sai kiểu dữ liệu: đang ghi {}, cần {}",
                found_vi(found),
                expected_vi(expected)
            );
            t.fix = Some(fix_for(expected));
            t.placeholder = placeholder(expected);
        }
    } else if let Some(rest) = msg.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            t.message = format!(
                "giá trị không hợp lệ: {}, cần {}",
                found_vi(found),
                expected_vi(expected)
            );
            t.fix = Some(fix_for(expected));
            t.placeholder = placeholder(expected);
        }
    } else if let Some((msg, fix)) = msg.split_once("; ") {
        // Our own custom messages carry their fix after "; ".
        t.message = msg.to_owned();
        t.fix = Some(fix.to_owned());
    }
    t
}

/// "`x`, expected one of `a`, `b`" or "`x`, expected `a` or `b`" → ("x", ["a", "b"]).
/// Names are taken between backticks: a value may itself hold ", " ("sửa đổi, bổ sung").
fn split_expected(rest: &str) -> (String, Vec<String>) {
    let (name, expected) = match rest.split_once(", expected ") {
        Some((n, e)) => (n, e),
        None => (rest.split(", there are no").next().unwrap_or(rest), ""),
    };
    let name = name.trim().trim_matches('`').to_owned();
    let expected = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .filter(|s| !s.is_empty())
        .collect();
    (name, expected)
}

/// Enum values accept aliases (`truc_tiep` for `Trực tiếp`, `sửa đổi` for `sửa đổi, bổ
/// sung`); show officers the proper spellings only.
fn canonical_only(values: Vec<String>) -> Vec<String> {
    let canonical: Vec<String> = values
        .iter()
        .filter(|v| crate::model::CANONICAL_VALUES.contains(&v.as_str()))
        .cloned()
        .collect();
    if canonical.is_empty() {
        values
    } else {
        canonical
    }
}

fn placeholder(expected: &str) -> Option<serde_yaml::Value> {
    use serde_yaml::Value;
    match expected {
        "a string" => Some(Value::String("?".into())),
        "u32" | "u64" | "usize" | "f64" | "f32" | "i64" => Some(Value::Number(1.into())),
        "a boolean" => Some(Value::Bool(false)),
        "a sequence" => Some(Value::Sequence(Vec::new())),
        _ => None,
    }
}

/// Keys written the way the national portal labels its fields, or as officers commonly
/// name them, with the key the record uses. Spelling distance cannot find these
/// (`so_quyet_dinh` is nowhere near `quyet_dinh_cong_bo`); a rename repeated in every
/// record of an import would otherwise produce a vague message each time. A label may
/// stand for different keys in different places (`so_quyet_dinh` is a decision's
/// `so_hieu`, or the record's `quyet_dinh_cong_bo`): the first allowed at its place wins.
const KNOWN_LABELS: &[(&str, &str)] = &[
    ("ten_giay_to", "ten"),
    ("ten_ho_so", "ten"),
    ("ten_buoc", "ten"),
    ("noi_dung", "mo_ta"),
    ("noi_dung_buoc", "mo_ta"),
    ("so_quyet_dinh", "so_hieu"),
    ("so_ky_hieu", "so_hieu"),
    ("so_van_ban", "so_hieu"),
    ("trich_yeu_noi_dung", "trich_yeu"),
    ("loai_phi", "loai"),
    ("loai_le_phi", "loai"),
    ("loai_quyet_dinh", "loai"),
    ("don_vi_thoi_gian", "don_vi"),
    ("so_ngay", "so"),
    ("so_quyet_dinh", "quyet_dinh_cong_bo"),
    ("quyet_dinh", "quyet_dinh_cong_bo"),
    ("muc_toi_da", "toi_da"),
    ("don_vi_tien", "tien_te"),
    ("loai_tien", "tien_te"),
    ("muc_phi", "muc_thu"),
    ("muc_le_phi", "muc_thu"),
    ("so_tien", "muc_thu"),
    ("don_vi_tinh", "don_vi"),
    ("mien_giam_phi", "mien_giam"),
    ("doi_tuong_mien_giam", "mien_giam"),
    ("so_ban_chinh", "ban_chinh"),
    ("so_ban_sao", "ban_sao"),
    ("mau_don", "bieu_mau"),
    ("mau_to_khai", "bieu_mau"),
    ("mau_don_to_khai", "bieu_mau"),
    ("hinh_thuc_nop", "hinh_thuc"),
    ("cach_nop", "hinh_thuc"),
    ("thoi_han_giai_quyet", "thoi_han"),
    ("thoi_gian_giai_quyet", "thoi_han"),
    ("phi", "phi_le_phi"),
    ("le_phi", "phi_le_phi"),
    ("ho_so", "thanh_phan_ho_so"),
    ("thanh_phan", "thanh_phan_ho_so"),
    ("trinh_tu", "trinh_tu_thuc_hien"),
    ("cac_buoc", "trinh_tu_thuc_hien"),
    ("cach_thuc", "cach_thuc_thuc_hien"),
    ("doi_tuong", "doi_tuong_thuc_hien"),
    ("co_quan", "co_quan_thuc_hien"),
    ("ket_qua", "ket_qua_thuc_hien"),
    ("can_cu", "can_cu_phap_ly"),
    ("yeu_cau", "yeu_cau_dieu_kien"),
    ("dieu_kien", "yeu_cau_dieu_kien"),
    ("ngay_co_hieu_luc", "ngay_hieu_luc"),
    ("ma_so", "ma_thu_tuc"),
    ("ma_tthc", "ma_thu_tuc"),
    ("ten_tthc", "ten_thu_tuc"),
];

/// The record's key for a known portal label or common synonym, when that key is one
/// the place allows.
fn known_label(name: &str, candidates: &[String]) -> Option<String> {
    let folded = fold(name).replace([' ', '-'], "_");
    KNOWN_LABELS
        .iter()
        .filter(|(label, _)| *label == folded)
        .map(|(_, key)| *key)
        .find(|key| candidates.iter().any(|c| c == key))
        .map(str::to_owned)
}

/// The closest candidate, compared without diacritics or case, if it is close enough.
pub fn suggest(name: &str, candidates: &[String]) -> Option<String> {
    let folded = fold(name).replace(' ', "_");
    candidates
        .iter()
        .map(|c| {
            let fc = fold(c).replace(' ', "_");
            (strsim::jaro_winkler(&folded, &fc), c)
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone())
}

fn found_vi(found: &str) -> String {
    if let Some(v) = found.strip_prefix("string ") {
        return format!("chữ {v}");
    }
    if let Some(v) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        return format!("số {}", v.trim_matches('`'));
    }
    if let Some(v) = found.strip_prefix("boolean ") {
        return format!("giá trị đúng/sai {}", v.trim_matches('`'));
    }
    match found {
        "sequence" => "một danh sách".to_owned(),
        "map" => "một nhóm khóa: giá trị".to_owned(),
        "unit value" => "giá trị rỗng (null)".to_owned(),
        other => other.to_owned(),
    }
}

fn expected_vi(expected: &str) -> String {
    match expected {
        "a string" => "một dòng chữ".to_owned(),
        "u32" | "u64" | "usize" => "một số nguyên không âm".to_owned(),
        "f64" | "f32" => "một số".to_owned(),
        "a sequence" => "một danh sách".to_owned(),
        "a boolean" => "true hoặc false".to_owned(),
        e if e.starts_with("struct ") || e == "a map" => "một nhóm khóa: giá trị".to_owned(),
        e if e.starts_with("enum ") => "một giá trị trong danh sách cho phép".to_owned(),
        other => other.to_owned(),
    }
}

fn fix_for(expected: &str) -> String {
    match expected {
        "a string" => "ghi nội dung dạng chữ; nếu có dấu hai chấm hoặc bắt đầu bằng số, đặt trong dấu nháy \"…\"".to_owned(),
        "u32" | "u64" | "usize" => "ghi một số nguyên, ví dụ: 1".to_owned(),
        "f64" | "f32" => "ghi số không có đơn vị và dấu chấm ngăn cách, ví dụ: 200000".to_owned(),
        "a sequence" => "ghi dạng danh sách, mỗi mục một dòng bắt đầu bằng \"- \"".to_owned(),
        "a boolean" => "ghi true (có) hoặc false (không)".to_owned(),
        e if e.starts_with("struct ") || e == "a map" => {
            "ghi dạng các dòng \"khóa: giá trị\" thụt vào dưới dòng này".to_owned()
        }
        _ => "xem docs/record-format.md".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_suggests() {
        let t =
            translate("unknown field `ten_thu_tuk`, expected one of `ma_thu_tuc`, `ten_thu_tuc`");
        assert_eq!(t.unknown_field.as_deref(), Some("ten_thu_tuk"));
        assert!(t.fix.unwrap_or_default().contains("\"ten_thu_tuc\""));
    }

    #[test]
    fn variant_suggests_without_diacritics() {
        let t = translate("unknown variant `Truc tiep`, expected one of `Trực tiếp`, `Trực tuyến`, `Dịch vụ bưu chính`");
        assert!(t
            .fix
            .unwrap_or_default()
            .starts_with("có phải ý bạn là \"Trực tiếp\""));
    }

    #[test]
    fn two_field_structs_and_commas_in_values() {
        // Portal labels and synonyms that spelling distance cannot find.
        for (label, expected, want) in [
            ("ten_giay_to", "`ten`, `ban_chinh`, `ban_sao`", "ten"),
            (
                "so_quyet_dinh",
                "`ma_thu_tuc`, `quyet_dinh_cong_bo`",
                "quyet_dinh_cong_bo",
            ),
            ("muc_toi_da", "`muc_thu`, `toi_da`", "toi_da"),
            ("don_vi_tien", "`muc_thu`, `tien_te`", "tien_te"),
            ("Đơn vị tiền", "`muc_thu`, `tien_te`", "tien_te"),
            // One label, the key its place allows: a decision's number, a time unit,
            // a step's text.
            (
                "so_quyet_dinh",
                "`so_hieu`, `ngay_ban_hanh`, `loai`",
                "so_hieu",
            ),
            ("don_vi_thoi_gian", "`so`, `don_vi`, `mo_ta`", "don_vi"),
            ("noi_dung", "`ten`, `mo_ta`, `nhanh`", "mo_ta"),
        ] {
            let t = translate(&format!(
                "unknown field `{label}`, expected one of {expected}"
            ));
            assert!(
                t.fix
                    .as_deref()
                    .unwrap_or_default()
                    .contains(&format!("Sửa thành: {want}:")),
                "{label}: {:?}",
                t.fix
            );
        }
        // Only where the key is allowed: no `ten` suggested among a fee's keys.
        let t = translate("unknown field `ten_giay_to`, expected one of `muc_thu`, `tien_te`");
        assert!(!t.fix.unwrap_or_default().contains("Sửa thành: ten:"));
        let t = translate("unknown field `giay_toh`, expected `truong_hop` or `giay_to`");
        assert!(t
            .fix
            .unwrap_or_default()
            .contains("\"giay_to\"? Sửa thành: giay_to:"));
        let t = translate("unknown variant `sua doi`, expected one of `mới`, `moi`, `mới ban hành`, `sửa đổi, bổ sung`, `sua_doi`, `sửa đổi`, `thay thế`, `thay_the`, `bãi bỏ`, `bai_bo`");
        let fix = t.fix.unwrap_or_default();
        assert!(
            fix.ends_with("\"mới\", \"sửa đổi, bổ sung\", \"thay thế\", \"bãi bỏ\""),
            "{fix}"
        );
    }

    #[test]
    fn invalid_type_is_vietnamese() {
        let t = translate("invalid type: string \"hai\", expected f64");
        assert_eq!(
            t.message,
            "sai kiểu dữ liệu: đang ghi chữ \"hai\", cần một số"
        );
    }
}
