//! An office's local overrides of the province's catalogue (`don-vi/<x>/ghi-de/*.yaml`):
//! each a partial record naming its `ma_thu_tuc` and only the keys the office changes
//! (a local fee resolution, a local time limit, its own address). Merged over the
//! catalogue record key by key, as a next version is (`lifecycle::merge`), and checked
//! like a record: what the merge gets wrong is reported in the override file, at the key
//! that caused it; the catalogue's own mistakes stay the catalogue's.

use super::assemble::ParsedRecord;
use crate::diagnostic::{Diagnostics, FieldPath, Finding};
use crate::load::{self, locate::Locator, SourceFile};
use crate::model::Procedure;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Merge every override into its record in `records`; what is wrong, located.
pub fn apply(
    records: &mut BTreeMap<PathBuf, ParsedRecord>,
    overrides: Vec<SourceFile>,
) -> Diagnostics {
    let mut out = Diagnostics::default();
    let by_code: BTreeMap<String, PathBuf> = records
        .iter()
        .filter_map(|(path, r)| {
            let code = r
                .record
                .as_ref()?
                .0
                .procedure
                .ma_thu_tuc
                .as_ref()?
                .to_string();
            Some((code, path.clone()))
        })
        .collect();
    for file in overrides {
        let (over, diags) = load::parse_yaml_file::<Procedure>(&file);
        out.extend(diags);
        let Some(over) = over else { continue };
        let source: Arc<str> = Arc::from(file.text.as_str());
        let locator = Locator::new(&file.text, 0);
        let mut findings = Vec::new();
        let target = match over.ma_thu_tuc.as_ref() {
            None => {
                findings.push(Finding::error(
                    FieldPath::root().key("ma_thu_tuc"),
                    "tệp ghi đè không ghi mã thủ tục nó sửa",
                    Some("thêm dòng đầu: ma_thu_tuc: \"1.001193\"".into()),
                ));
                None
            }
            Some(code) => match by_code.get(code.as_str()) {
                Some(path) => Some(path.clone()),
                None => {
                    findings.push(Finding::error(
                        FieldPath::root().key("ma_thu_tuc"),
                        format!("đơn vị không niêm yết thủ tục mã \"{code}\" (không có trong danh mục, hoặc chon.yaml không chọn)"),
                        Some("sửa mã cho đúng, thêm mã vào chon.yaml (ma: [...]), hoặc xóa tệp ghi đè này".into()),
                    ));
                    None
                }
            },
        };
        let keys = crate::lifecycle::keys_set(&over);
        // Its code names the record; the other fixed keys belong to the catalogue.
        for key in crate::lifecycle::fixed_keys_set(&over)
            .into_iter()
            .filter(|k| *k != "ma_thu_tuc")
        {
            findings.push(Finding::error(
                FieldPath::root().key(key),
                format!("đơn vị không ghi đè được {key}: khóa này thuộc danh mục của tỉnh"),
                Some(format!(
                    "xóa {key} khỏi tệp ghi đè; đề nghị tỉnh sửa trong danh mục"
                )),
            ));
        }
        if keys.is_empty() && over.ma_thu_tuc.is_some() {
            findings.push(Finding::warning(
                FieldPath::root(),
                "tệp ghi đè không đổi mục nào",
                Some("ghi các mục đơn vị thay đổi, ví dụ cach_thuc_thuc_hien, hoặc xóa tệp".into()),
            ));
        }
        let blocked = findings
            .iter()
            .any(|f| f.severity == crate::diagnostic::Severity::Error);
        if let (Some(path), false) = (target, blocked) {
            if let Some(parsed) = records.get_mut(&path) {
                if let Some((rec, _)) = &parsed.record {
                    let base = rec.procedure.as_ref();
                    let mut merged = crate::lifecycle::merge(base, &over);
                    // The catalogue's announced versions still apply to this office.
                    merged.phien_ban_moi = base.phien_ban_moi.clone();
                    merged.phien_ban_truoc = base.phien_ban_truoc.clone();
                    // What the merge broke is reported at the override's keys.
                    findings.extend(crate::validate::check_record(&merged).into_iter().filter(
                        |f| {
                            f.field
                                .top_key()
                                .is_some_and(|k| keys.iter().any(|x| x == k))
                        },
                    ));
                    let mut rec = rec.clone();
                    rec.procedure = Arc::new(merged);
                    // Work kept from the catalogue's text no longer describes this record.
                    rec.source = None;
                    let keys = Arc::new(crate::identity::Keys::of(&rec));
                    parsed.record = Some((rec, keys));
                }
            }
        }
        out.0
            .extend(locator.diagnostics(&file.path, &source, findings));
    }
    out
}

/// In a province, a related procedure the catalogue holds but this office does not post
/// is named and linked as posted elsewhere, not reported as unknown.
pub fn link_elsewhere(
    records: &mut BTreeMap<PathBuf, ParsedRecord>,
    elsewhere: &BTreeMap<String, String>,
) {
    use crate::model::Related;
    if elsewhere.is_empty() {
        return;
    }
    for parsed in records.values_mut() {
        let Some((rec, keys)) = &mut parsed.record else {
            continue;
        };
        let names = |r: &Related| match r {
            Related::Here(c) => elsewhere.get(c.as_str()).map(|n| (c.clone(), n.clone())),
            Related::Elsewhere { .. } => None,
        };
        if !rec
            .procedure
            .thu_tuc_lien_quan
            .iter()
            .any(|r| names(r).is_some())
        {
            continue;
        }
        let mut p = rec.procedure.as_ref().clone();
        for r in &mut p.thu_tuc_lien_quan {
            if let Some((code, ten)) = names(r) {
                *r = Related::Elsewhere {
                    ma_thu_tuc: code,
                    ten,
                };
            }
        }
        rec.procedure = Arc::new(p);
        rec.source = None;
        *keys = Arc::new(crate::identity::Keys::of(rec));
    }
}
