//! Rules about forms (`bieu-mau/*.yaml`): a form's own structure, its samples against its
//! fields, its attachments, and the links between procedures and forms.
//!
//! Reference checks run only when the content has at least one form definition, so a
//! site that has not started its forms folder is not flooded with errors.

use crate::diagnostic::{Diagnostics, FieldPath, Finding};
use crate::load::{form_slug, Attachment, CheckedForm};
use crate::load::{suggest, LoadedForm, LoadedRecord};
use crate::model::form::{scalar_text, FieldKind, FieldRef, Form, Part, ADDRESSEE};
use crate::text::loose_code;
use serde_yaml::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a field's id sits in the file.
fn field_path(f: &FieldRef<'_>, form: &Form) -> FieldPath {
    if f.part == ADDRESSEE {
        return FieldPath::root().key("kinh_gui");
    }
    let part = FieldPath::root().key("phan").index(f.part);
    match (&form.phan[f.part], f.sub) {
        (Part::Truong(_), _) => part.key("truong").key("ma"),
        (Part::Hang(_), Some(j)) => part.key("hang").index(j).key("ma"),
        (Part::Bang(_), _) => part.key("bang").key("ma"),
        (Part::ChuKy(_), Some(j)) => part.key("chu_ky").index(j).key("ma"),
        _ => part,
    }
}

/// Rules one form file can break on its own.
pub fn check_form(form: &Form) -> Vec<Finding> {
    let mut out = Vec::new();
    let fields = form.fields();
    let mut seen: HashMap<&str, &FieldRef<'_>> = HashMap::new();
    for f in &fields {
        if let Some(first) = seen.get(f.ma) {
            out.push(Finding::error(
                field_path(f, form),
                format!("mã trường \"{}\" đã dùng cho \"{}\"", f.ma, first.nhan),
                Some("mỗi trường một mã riêng, ví dụ thêm hậu tố _cha, _me".into()),
            ));
        } else {
            seen.insert(f.ma, f);
        }
        if f.kind == FieldKind::LuaChon && f.choices.len() < 2 {
            out.push(Finding::error(
                {
                    let mut p = field_path(f, form);
                    p.0.pop();
                    p.key("cac_lua_chon")
                },
                format!(
                    "trường lựa chọn \"{}\" cần ít nhất hai lựa chọn trong cac_lua_chon",
                    f.nhan
                ),
                Some("ví dụ cac_lua_chon: [Nam, Nữ]; hoặc đổi kieu thành chu".into()),
            ));
        }
    }
    super::blank::over_limits(form, &mut out);
    for (i, p) in form.phan.iter().enumerate() {
        if let Part::Bang(t) = p {
            if t.so_dong > crate::limits::MAX_FORM_ROWS {
                out.push(Finding::error(
                    FieldPath::root()
                        .key("phan")
                        .index(i)
                        .key("bang")
                        .key("so_dong"),
                    format!(
                        "bảng \"{}\" có {} dòng trống, quá giới hạn {} dòng",
                        t.ma,
                        t.so_dong,
                        crate::limits::MAX_FORM_ROWS
                    ),
                    Some("ghi số dòng như mẫu in, thường 3 đến 10".into()),
                ));
            }
            let mut cols: HashMap<&str, ()> = HashMap::new();
            for (j, c) in t.cot.iter().enumerate() {
                if cols.insert(c.ma.as_str(), ()).is_some() {
                    out.push(Finding::error(
                        FieldPath::root()
                            .key("phan")
                            .index(i)
                            .key("bang")
                            .key("cot")
                            .index(j)
                            .key("ma"),
                        format!("mã cột \"{}\" trùng trong bảng \"{}\"", c.ma, t.ma),
                        Some("đặt cho mỗi cột một mã riêng".into()),
                    ));
                }
            }
        }
    }
    if form.so_trang == 0 {
        out.push(Finding::error(
            FieldPath::root().key("so_trang"),
            "so_trang phải từ 1 trở lên",
            Some("ghi số trang khi in mẫu, thường là 1 hoặc 2".into()),
        ));
    }
    if form.phan.is_empty() {
        out.push(Finding::warning(
            FieldPath::root().key("ma_mau"),
            format!(
                "biểu mẫu \"{}\" chưa có bố cục (phan): chỉ có trang giới thiệu, chưa có bản in trống và bản điền mẫu",
                form.ma_mau
            ),
            Some("nhập các phần của mẫu theo văn bản ban hành (xem docs/forms.md)".into()),
        ));
    }
    for (k, sample) in form.mau_dien.iter().enumerate() {
        check_sample(form, &fields, k, &sample.gia_tri, &mut out);
    }
    out
}

fn check_sample(
    form: &Form,
    fields: &[FieldRef<'_>],
    k: usize,
    values: &BTreeMap<String, Value>,
    out: &mut Vec<Finding>,
) {
    let base = FieldPath::root().key("mau_dien").index(k).key("gia_tri");
    let ids: Vec<String> = fields.iter().map(|f| f.ma.to_owned()).collect();
    for (key, value) in values {
        let at = base.key(key);
        let Some(field) = fields.iter().find(|f| f.ma == key) else {
            out.push(Finding::error(
                at,
                format!("biểu mẫu {} không có trường \"{key}\" để điền", form.ma_mau),
                Some(match suggest(key, &ids) {
                    Some(n) => format!("có phải \"{n}\"?"),
                    None => format!("các mã trường có trong mẫu: {}", ids.join(", ")),
                }),
            ));
            continue;
        };
        if let Some(cols) = &field.columns {
            check_rows(field, cols, value, &at, out);
            continue;
        }
        let Some(text) =
            scalar_text(value).filter(|_| !value.is_bool() || field.kind == FieldKind::ODanhDau)
        else {
            if !value.is_null() {
                out.push(Finding::error(
                    at,
                    format!("giá trị của \"{}\" phải là một dòng chữ", field.nhan),
                    Some("ghi giá trị trong ngoặc kép, ví dụ \"Nguyễn Văn An\"".into()),
                ));
            }
            continue;
        };
        match field.kind {
            FieldKind::ODanhDau if !value.is_bool() => out.push(Finding::error(
                at,
                format!("ô đánh dấu \"{}\" chỉ nhận true hoặc false", field.nhan),
                Some("ghi true nếu ô được đánh dấu, false (hoặc bỏ dòng) nếu không".into()),
            )),
            FieldKind::Ngay if !text.is_empty() && !is_vn_date(&text) => out.push(Finding::error(
                at,
                format!(
                    "\"{text}\" không phải ngày dạng ngày/tháng/năm ({})",
                    field.nhan
                ),
                Some("viết đủ hai chữ số ngày, tháng và bốn chữ số năm, ví dụ 05/03/2025".into()),
            )),
            FieldKind::LuaChon if !text.is_empty() && !field.choices.contains(&text) => {
                out.push(Finding::error(
                    at,
                    format!(
                        "\"{text}\" không có trong các lựa chọn của \"{}\"",
                        field.nhan
                    ),
                    Some(match suggest(&text, field.choices) {
                        Some(n) => format!("có phải \"{n}\"?"),
                        None => format!("chọn một trong: {}", field.choices.join(", ")),
                    }),
                ))
            }
            _ => {}
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        let filled = values
            .get(f.ma)
            .and_then(scalar_text)
            .is_some_and(|t| !t.is_empty());
        if !filled {
            let at = if values.contains_key(f.ma) {
                base.key(f.ma)
            } else {
                base.clone()
            };
            out.push(Finding::error(
                at,
                format!(
                    "trường bắt buộc \"{}\" ({}) để trống trong mẫu điền \"{}\"",
                    f.nhan, f.ma, form.mau_dien[k].ten
                ),
                Some(format!("thêm {}: \"…\" vào gia_tri của mẫu điền này", f.ma)),
            ));
        }
    }
}

fn check_rows(
    field: &FieldRef<'_>,
    cols: &[&str],
    value: &Value,
    at: &FieldPath,
    out: &mut Vec<Finding>,
) {
    let Some(rows) = value.as_sequence() else {
        out.push(Finding::error(
            at.clone(),
            format!("bảng \"{}\" cần một danh sách các dòng", field.nhan),
            Some(format!(
                "viết mỗi dòng một mục: - {{ {}: \"…\" }}",
                cols.join(": \"…\", ")
            )),
        ));
        return;
    };
    let names: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
    for (r, row) in rows.iter().enumerate() {
        let Some(map) = row.as_mapping() else {
            out.push(Finding::error(
                at.index(r),
                format!(
                    "dòng {} của bảng \"{}\" phải ghi theo cột",
                    r + 1,
                    field.nhan
                ),
                Some(format!("các cột: {}", cols.join(", "))),
            ));
            continue;
        };
        for (key, cell) in map {
            let key = key.as_str().unwrap_or_default();
            if !cols.contains(&key) {
                out.push(Finding::error(
                    at.index(r).key(key),
                    format!("bảng \"{}\" không có cột \"{key}\"", field.nhan),
                    Some(match suggest(key, &names) {
                        Some(n) => format!("có phải \"{n}\"?"),
                        None => format!("các cột: {}", cols.join(", ")),
                    }),
                ));
            } else if scalar_text(cell).is_none() && !cell.is_null() {
                out.push(Finding::error(
                    at.index(r).key(key),
                    "ô của bảng phải là một dòng chữ",
                    Some("ghi giá trị trong ngoặc kép".into()),
                ));
            }
        }
    }
}

/// `05/03/2025`: two-digit day and month, four-digit year, a real date.
pub fn is_vn_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    let [d, m, y] = parts[..] else { return false };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(d, 2) && digits(m, 2) && digits(y, 4)) {
        return false;
    }
    match (d.parse(), m.parse(), y.parse()) {
        (Ok(d), Ok(m), Ok(y)) => crate::model::Date::from_ymd(y, m, d).is_some(),
        _ => false,
    }
}

/// Check every form, against each other and against the records; returns the forms that
/// are valid, with their attachments read.
pub fn check_forms(
    forms: Vec<LoadedForm>,
    assets: &[(PathBuf, Vec<u8>)],
    records: &[LoadedRecord],
) -> (Vec<CheckedForm>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut list = Vec::new();
    // Exact code → file; the code as retyped (`loose_code`) → file: two definitions that
    // differ only in case or punctuation are one form written twice; address (slug) →
    // (code, file): two codes may differ only where a slug cannot tell them apart ("1đ",
    // "1d").
    let mut by_code: HashMap<String, PathBuf> = HashMap::new();
    let mut by_loose: HashMap<String, PathBuf> = HashMap::new();
    let mut by_slug: HashMap<String, (String, PathBuf)> = HashMap::new();
    let mut used: HashSet<String> = HashSet::new();
    for rec in records {
        for g in &rec.procedure.thanh_phan_ho_so {
            for d in &g.giay_to {
                if let Some(b) = d.form_here() {
                    used.insert(b.trim().to_owned());
                }
            }
        }
    }
    let any_forms = !forms.is_empty();
    // Suggestions come from every definition, even one with errors of its own.
    let ids: Vec<String> = forms.iter().map(|f| f.form.ma_mau.clone()).collect();
    for lf in forms {
        let mut findings = check_form(&lf.form);
        let code = lf.form.ma_mau.trim().to_owned();
        let slug = form_slug(&code);
        if let Some(first) = by_loose.get(&loose_code(&code)) {
            findings.push(Finding::error(
                FieldPath::root().key("ma_mau"),
                format!("mã biểu mẫu \"{code}\" đã dùng ở {}", first.display()),
                Some("mỗi biểu mẫu một tệp; gộp hai tệp hoặc sửa mã".into()),
            ));
        } else if slug.is_empty() {
            findings.push(Finding::error(
                FieldPath::root().key("ma_mau"),
                "mã biểu mẫu phải có chữ hoặc số",
                Some("ghi mã chính thức, ví dụ TP-HT-2020-TKKS".into()),
            ));
        } else if let Some((other, first)) = by_slug.get(&slug) {
            findings.push(Finding::error(
                FieldPath::root().key("ma_mau"),
                format!(
                    "mã \"{code}\" và mã \"{other}\" ({}) cùng ra địa chỉ bieu-mau/{slug}/",
                    first.display()
                ),
                Some("địa chỉ bỏ dấu và chữ đ: kiểm tra lại mã của hai tệp; nếu đúng là hai mẫu khác nhau, báo cho người quản trị".into()),
            ));
        } else {
            by_code.insert(code.clone(), lf.path.clone());
            by_loose.insert(loose_code(&code), lf.path.clone());
            by_slug.insert(slug, (code.clone(), lf.path.clone()));
        }
        if !used.contains(&code) {
            findings.push(Finding::warning(
                FieldPath::root().key("ma_mau"),
                format!(
                    "không thủ tục nào dùng biểu mẫu \"{}\"",
                    lf.form.ma_mau
                ),
                Some("ghi bieu_mau: \"…\" ở giấy tờ tương ứng trong thành phần hồ sơ, hoặc xóa tệp này".into()),
            ));
        }
        let dir = lf.path.parent().unwrap_or(Path::new(""));
        let mut attachments = Vec::new();
        for (i, name) in lf.form.ban_goc.iter().enumerate() {
            let at = FieldPath::root().key("ban_goc").index(i);
            let plain = !name.is_empty()
                && !name.contains(['/', '\\'])
                && name != ".."
                && !name.starts_with('.');
            let found = assets.iter().find(|(p, _)| plain && p == &dir.join(name));
            match found {
                Some((_, bytes)) => {
                    attachments.push(Attachment::new(name.clone(), Arc::from(bytes.as_slice())))
                }
                None => findings.push(Finding::error(
                    at,
                    if plain {
                        format!(
                            "không thấy tệp bản gốc \"{name}\" cạnh {}",
                            lf.path.display()
                        )
                    } else {
                        format!("\"{name}\" phải là tên một tệp trong cùng thư mục")
                    },
                    Some(format!(
                        "chép tệp vào {} hoặc sửa tên cho đúng (kể cả dấu và khoảng trắng)",
                        dir.display()
                    )),
                )),
            }
        }
        let located = lf.locate(findings);
        let ok = !located
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error);
        diags.0.extend(located);
        if ok {
            list.push(CheckedForm {
                slug: form_slug(&lf.form.ma_mau),
                source: lf.path,
                form: lf.form,
                attachments,
            });
        }
    }
    if any_forms {
        for rec in records {
            let mut findings = Vec::new();
            for (i, g) in rec.procedure.thanh_phan_ho_so.iter().enumerate() {
                for (j, d) in g.giay_to.iter().enumerate() {
                    let Some(b) = d.form_here() else { continue };
                    if by_code.contains_key(b.trim()) {
                        continue;
                    }
                    let at = FieldPath::root()
                        .key("thanh_phan_ho_so")
                        .index(i)
                        .key("giay_to")
                        .index(j)
                        .key("bieu_mau");
                    // Only a code that differs in case, spaces or punctuation is offered:
                    // "1d" for "1đ", or the khai tử form for a misspelt khai sinh one, would
                    // be another form.
                    let meant = ids.iter().find(|id| loose_code(id) == loose_code(b));
                    findings.push(Finding::error(
                        at,
                        format!("không có biểu mẫu nào mang mã \"{b}\" trong bieu-mau/"),
                        Some(match meant {
                            Some(n) => format!("viết đúng mã như trong tệp biểu mẫu: \"{n}\""),
                            None => format!(
                                "tạo tệp bieu-mau/{}.yaml với ma_mau: \"{b}\", hoặc sửa mã cho đúng",
                                form_slug(b)
                            ),
                        }),
                    ));
                }
            }
            diags.0.extend(rec.locate(findings));
        }
    }
    (list, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_vn_date("05/03/2025"));
        assert!(!is_vn_date("5/3/2025"));
        assert!(!is_vn_date("2025-03-05"));
        assert!(!is_vn_date("31/02/2025"));
    }
}
