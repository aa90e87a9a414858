//! Shows diagnostics to people (Vietnamese, with the offending line) or tools (JSON).
//!
//! Hand-rolled rather than codespan-reporting because its headers are fixed English
//! ("error", "warning") and officers read Vietnamese. Columns count characters, so the
//! caret lands under the right letter on lines full of diacritics.

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use std::fmt::Write;

pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "lỗi",
        Severity::Warning => "cảnh báo",
    }
}

/// One diagnostic as text, in the shape compilers use:
/// ```text
/// lỗi: mức thu không được âm (đang ghi -2000)
///   --> content/thu-tuc/x.yaml:14:18
///    |
/// 14 |         muc_thu: -2000
///    |                  ^
///    = trường: cach_thuc_thuc_hien[1].phi_le_phi[0].muc_thu
///    = cách sửa: …
/// ```
pub fn render_one(d: &Diagnostic) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}: {}", severity_label(d.severity), d.message);
    if d.line == 0 {
        // About the whole file or folder: there is no line to show.
        let _ = writeln!(s, "  --> {}", d.file.display());
    } else {
        let _ = writeln!(s, "  --> {}:{}:{}", d.file.display(), d.line, d.column);
    }
    let gutter = d.line.to_string().len();
    let pad = " ".repeat(gutter);
    if let Some(line) = d
        .source
        .as_deref()
        .and_then(|src| src.lines().nth(d.line.saturating_sub(1)))
    {
        let _ = writeln!(s, "{pad} |");
        let _ = writeln!(s, "{} | {}", d.line, line);
        let lead: String = line
            .chars()
            .take(d.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(s, "{pad} | {lead}^");
    }
    if !d.field.0.is_empty() {
        let _ = writeln!(s, "{pad} = trường: {}", d.field);
    }
    if let Some(fix) = &d.fix {
        let _ = writeln!(s, "{pad} = cách sửa: {fix}");
    }
    s
}

pub fn render_text(diags: &Diagnostics) -> String {
    let mut s = String::new();
    for d in &diags.0 {
        s.push_str(&render_one(d));
        s.push('\n');
    }
    s
}

/// `--format json`: one object, stable keys, for editors and CI.
pub fn render_json(diags: &Diagnostics) -> String {
    let value = serde_json::json!({
        "errors": diags.errors(),
        "warnings": diags.warnings(),
        "diagnostics": diags.0,
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into())
}

/// "2 lỗi, 5 cảnh báo".
pub fn counts(diags: &Diagnostics) -> String {
    format!("{} lỗi, {} cảnh báo", diags.errors(), diags.warnings())
}
