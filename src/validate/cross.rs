//! Rules across records: a code used twice, a related code that names nothing, two
//! records wanting one address, one procedure posted under two codes. Per-record rules
//! are `record`'s; rules about forms are `forms`'.

use crate::diagnostic::{Diagnostics, FieldPath, Finding};
use crate::load::LoadedRecord;
use std::collections::HashMap;

/// Rules that need every record: a code used twice, a related code that does not exist,
/// two records asking for the same URL. `unreadable` holds the codes of record files that
/// could not be read: their own error is reported, and naming them is not another one.
pub fn check_catalogue(records: &[LoadedRecord], unreadable: &[String]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut by_code: HashMap<&str, &LoadedRecord> = HashMap::new();
    let mut findings: Vec<(usize, Finding)> = Vec::new();
    for (i, rec) in records.iter().enumerate() {
        let Some(code) = &rec.procedure.ma_thu_tuc else {
            continue;
        };
        if let Some(first) = by_code.get(code.as_str()) {
            findings.push((
                i,
                Finding::error(
                    FieldPath::root().key("ma_thu_tuc"),
                    format!("mã thủ tục \"{code}\" đã dùng ở {}", first.path.display()),
                    Some("mỗi thủ tục một mã: hai bản cùng mã sẽ cùng có hiệu lực; nếu là bản sửa đổi, đưa vào phien_ban_moi của tệp cũ (docs/record-format.md, mục 3.6)".into()),
                ),
            ));
        } else {
            by_code.insert(code.as_str(), rec);
        }
    }
    let mut by_slug: HashMap<&str, &LoadedRecord> = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        if let Some(slug) = &rec.procedure.slug {
            if let Some(first) = by_slug.get(slug.as_str()) {
                findings.push((
                    i,
                    Finding::error(
                        FieldPath::root().key("slug"),
                        format!("đường dẫn \"{slug}\" đã dùng ở {}", first.path.display()),
                        Some("chọn một slug khác, hoặc xóa dòng slug để tự tạo".into()),
                    ),
                ));
            } else {
                by_slug.insert(slug.as_str(), rec);
            }
        }
        let own = rec.procedure.ma_thu_tuc.as_ref().map(|c| c.as_str());
        for (j, related) in rec.procedure.thu_tuc_lien_quan.iter().enumerate() {
            if Some(related.as_str()) == own {
                findings.push((
                    i,
                    Finding::error(
                        FieldPath::root().key("thu_tuc_lien_quan").index(j),
                        format!(
                            "thủ tục tự ghi mã của chính nó (\"{related}\") là thủ tục liên quan"
                        ),
                        Some("xóa mã này khỏi thu_tuc_lien_quan".into()),
                    ),
                ));
                continue;
            }
            if related.elsewhere() {
                // Posted elsewhere by the record's own word; if it is posted here after
                // all, the page should link our own page instead of the portal.
                if by_code.contains_key(related.as_str()) {
                    findings.push((
                        i,
                        Finding::warning(
                            FieldPath::root().key("thu_tuc_lien_quan").index(j),
                            format!("thủ tục \"{}\" có niêm yết ở đây", related.as_str()),
                            Some(format!("chỉ ghi mã: \"{}\"", related.as_str())),
                        ),
                    ));
                }
                continue;
            }
            if !by_code.contains_key(related.as_str())
                && !unreadable.iter().any(|u| u == related.as_str())
            {
                // Sorted, so that of equally close codes the same one is always offered;
                // never the record's own code.
                let mut candidates: Vec<String> = by_code
                    .keys()
                    .filter(|k| Some(**k) != own)
                    .map(|k| k.to_string())
                    .collect();
                candidates.sort();
                let near = crate::load::suggest(related.as_str(), &candidates);
                findings.push((
                    i,
                    Finding::error(
                        FieldPath::root().key("thu_tuc_lien_quan").index(j),
                        format!("không có thủ tục nào mang mã \"{related}\""),
                        Some(match near {
                            Some(n) => format!(
                                "có phải mã \"{n}\"? Nếu thủ tục không niêm yết ở đây, ghi {{ ma_thu_tuc: \"{related}\", ten: \"tên thủ tục\" }} hoặc xóa mã này"
                            ),
                            None => format!(
                                "ghi mã của một thủ tục có trong thư mục thu-tuc/, hoặc xóa mã này; nếu thủ tục không niêm yết ở đây, ghi {{ ma_thu_tuc: \"{related}\", ten: \"tên thủ tục\" }}"
                            ),
                        }),
                    ),
                ));
            }
        }
    }
    findings.extend(same_name_twice(records));
    let mut grouped: HashMap<usize, Vec<Finding>> = HashMap::new();
    for (i, f) in findings {
        grouped.entry(i).or_default().push(f);
    }
    for (i, fs) in grouped {
        diags.0.extend(records[i].locate(fs));
    }
    diags
}

/// The date that makes a record newer than another: its text's effective date, else its
/// latest announcing decision, else its review date.
fn recency(p: &crate::model::Procedure) -> Option<crate::model::Date> {
    p.ngay_hieu_luc
        .or_else(|| {
            p.quyet_dinh_cong_bo
                .iter()
                .filter_map(|d| d.ngay_hieu_luc.or(d.ngay_ban_hanh))
                .max()
        })
        .or(p.ngay_cap_nhat)
}

/// A procedure posted twice, under an old and a new code with the same name: citizens
/// would find two pages that disagree. A warning on both files, naming the other and
/// saying which is newer; none where one record already replaces the other.
fn same_name_twice(records: &[LoadedRecord]) -> Vec<(usize, Finding)> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let Some(name) = rec.procedure.ten_thu_tuc.as_deref() else {
            continue;
        };
        let key = crate::text::fold(name);
        if !key.is_empty() {
            by_name.entry(key).or_default().push(i);
        }
    }
    let code = |i: usize| {
        records[i]
            .procedure
            .ma_thu_tuc
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default()
    };
    let replaces = |a: usize, b: usize| {
        let cb = code(b);
        records[a]
            .procedure
            .thay_the_cho
            .iter()
            .any(|c| c.as_str() == cb)
    };
    let mut out = Vec::new();
    let mut groups: Vec<Vec<usize>> = by_name.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        for &i in &group {
            for &j in &group {
                if i == j || code(i) == code(j) || replaces(i, j) || replaces(j, i) {
                    continue;
                }
                let (mine, theirs) = (
                    recency(&records[i].procedure),
                    recency(&records[j].procedure),
                );
                let which = match (mine, theirs) {
                    (Some(a), Some(b)) if a > b => format!("tệp này mới hơn (hiệu lực {})", a.vn()),
                    (Some(a), Some(b)) if a < b => format!("tệp kia mới hơn (hiệu lực {})", b.vn()),
                    (Some(_), None) => "tệp này mới hơn (tệp kia không ghi ngày)".to_owned(),
                    (None, Some(_)) => "tệp kia mới hơn (tệp này không ghi ngày)".to_owned(),
                    _ => "không biết tệp nào mới hơn (cùng ngày hoặc không ghi ngày)".to_owned(),
                };
                out.push((
                    i,
                    Finding::warning(
                        FieldPath::root().key("ten_thu_tuc"),
                        format!(
                            "cùng tên thủ tục với {} (mã {}): một thủ tục đăng hai lần; {which}",
                            records[j].path.display(),
                            code(j)
                        ),
                        Some(format!(
                            "nếu mã mới thay mã cũ, ghi thay_the_cho: [\"{}\"] trong tệp mới (kèm quyết định loại thay thế); nếu không, xóa tệp cũ",
                            if mine >= theirs { code(j) } else { code(i) }
                        )),
                    ),
                ));
            }
        }
    }
    out
}
