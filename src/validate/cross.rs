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
                                "có phải mã \"{n}\"? Nếu thủ tục không niêm yết ở đây, xóa mã này"
                            ),
                            None => {
                                "ghi mã của một thủ tục có trong thư mục thu-tuc/, hoặc xóa mã này"
                                    .into()
                            }
                        }),
                    ),
                ));
            }
        }
    }
    let mut grouped: HashMap<usize, Vec<Finding>> = HashMap::new();
    for (i, f) in findings {
        grouped.entry(i).or_default().push(f);
    }
    for (i, fs) in grouped {
        diags.0.extend(records[i].locate(fs));
    }
    diags
}
