//! `don-vi/<x>/chon.yaml`: which of the catalogue's procedures an office posts. By level
//! (`cap: [Xã]` takes every record whose `cap_thuc_hien` names it), narrowed by field
//! (`linh_vuc`), plus codes it also receives (`ma`), minus codes it leaves out (`bo`).

use crate::diagnostic::{Diagnostics, FieldPath, Finding};
use crate::load::{self, locate::Locator, SourceFile};
use crate::model::Code;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::Arc;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Levels: a record is posted when its `cap_thuc_hien` names one of them.
    #[serde(default)]
    pub cap: Vec<String>,
    /// Fields: when given, only records of these fields are taken by level.
    #[serde(default)]
    pub linh_vuc: Vec<String>,
    /// Codes posted whatever their level (province procedures received here).
    #[serde(default)]
    pub ma: Vec<Code>,
    /// Codes left out.
    #[serde(default)]
    pub bo: Vec<Code>,
}

/// What selection needs of a catalogue record, read without the full model.
#[derive(Debug, Clone)]
pub struct Facts {
    pub code: String,
    pub levels: Vec<String>,
    pub field: Option<String>,
    /// The form ids its documents name (`bieu_mau` as a string).
    pub forms: Vec<String>,
    /// Official name, for offices that do not post it but whose records name it.
    pub name: Option<String>,
}

impl Facts {
    /// The facts of a record that parsed.
    pub fn of_record(p: &crate::model::Procedure) -> Option<Facts> {
        Some(Facts {
            code: p.ma_thu_tuc.as_ref()?.to_string(),
            levels: p.cap_thuc_hien.iter().map(|l| fold(l)).collect(),
            field: p.linh_vuc.as_deref().map(fold),
            forms: p
                .thanh_phan_ho_so
                .iter()
                .flat_map(|g| &g.giay_to)
                .filter_map(|d| d.form_here().map(|f| f.trim().to_owned()))
                .collect(),
            name: p.ten_thu_tuc.clone(),
        })
    }

    /// The facts of a record file's text; `None` when it does not parse (the office's
    /// check will say why, from the catalogue file).
    pub fn of(file: &SourceFile) -> Option<Facts> {
        let v = load::loose_record(&file.text)?;
        let code = load::record_code(&v)?;
        let levels = v
            .get("cap_thuc_hien")
            .and_then(|l| l.as_sequence())
            .map(|l| l.iter().filter_map(|x| x.as_str().map(fold)).collect())
            .unwrap_or_default();
        let forms = v
            .get("thanh_phan_ho_so")
            .and_then(|g| g.as_sequence())
            .into_iter()
            .flatten()
            .filter_map(|g| g.get("giay_to")?.as_sequence())
            .flatten()
            .filter_map(|d| d.get("bieu_mau")?.as_str().map(|s| s.trim().to_owned()))
            .collect();
        Some(Facts {
            code,
            levels,
            field: v.get("linh_vuc").and_then(|f| f.as_str()).map(fold),
            forms,
            name: v
                .get("ten_thu_tuc")
                .and_then(|n| n.as_str())
                .map(|n| crate::text::normalize(n.trim())),
        })
    }
}

fn fold(s: &str) -> String {
    crate::text::fold(s.trim())
}

/// The indexes of the catalogue records `chon` selects, and what is wrong with it.
pub fn select(chon: &SourceFile, catalogue: &[Option<Facts>]) -> (BTreeSet<usize>, Diagnostics) {
    let (choice, mut diags) = load::parse_yaml_file::<Choice>(chon);
    let Some(choice) = choice else {
        return (BTreeSet::new(), diags);
    };
    let levels: Vec<String> = choice.cap.iter().map(|c| fold(c)).collect();
    let fields: Vec<String> = choice.linh_vuc.iter().map(|c| fold(c)).collect();
    let mut out = BTreeSet::new();
    for (i, f) in catalogue.iter().enumerate() {
        let Some(f) = f else { continue };
        let by_level = f.levels.iter().any(|l| levels.contains(l))
            && (fields.is_empty() || f.field.as_ref().is_some_and(|x| fields.contains(x)));
        if by_level {
            out.insert(i);
        }
    }
    let mut findings = Vec::new();
    let index_of = |code: &str| {
        catalogue
            .iter()
            .position(|f| f.as_ref().is_some_and(|f| f.code == code))
    };
    for (key, list, add) in [("ma", &choice.ma, true), ("bo", &choice.bo, false)] {
        for (j, code) in list.iter().enumerate() {
            match index_of(code.as_str()) {
                Some(i) if add => {
                    out.insert(i);
                }
                Some(i) => {
                    out.remove(&i);
                }
                None => findings.push(Finding::error(
                    FieldPath::root().key(key).index(j),
                    format!("danh mục không có thủ tục mã \"{code}\""),
                    Some("ghi mã của một thủ tục trong danh-muc/thu-tuc/, hoặc xóa mã này".into()),
                )),
            }
        }
    }
    if choice.cap.is_empty() && choice.ma.is_empty() {
        findings.push(Finding::error(
            FieldPath::root(),
            "chon.yaml không chọn thủ tục nào",
            Some("ghi cap: [Xã] để niêm yết mọi thủ tục cấp xã, và ma: [...] cho thủ tục cấp tỉnh tiếp nhận tại đơn vị".into()),
        ));
    }
    let source: Arc<str> = Arc::from(chon.text.as_str());
    diags
        .0
        .extend(Locator::new(&chon.text, 0).diagnostics(&chon.path, &source, findings));
    (out, diags)
}
