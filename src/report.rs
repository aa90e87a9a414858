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
    if let Some(full) = d
        .source
        .as_deref()
        .filter(|_| d.line > 0)
        .and_then(|src| src.lines().nth(d.line - 1))
    {
        let (line, column) = snippet(full, d.column);
        let _ = writeln!(s, "{pad} |");
        let _ = writeln!(s, "{} | {}", d.line, line);
        let lead: String = line
            .chars()
            .take(column.saturating_sub(1))
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

/// At most [`crate::limits::SNIPPET_CHARS`] characters of `line` around `column`, with
/// `…` where it was cut, and the column within what is kept: a list of 10,000 items on
/// one line would otherwise be printed whole under each of its errors.
fn snippet(line: &str, column: usize) -> (String, usize) {
    let max = crate::limits::SNIPPET_CHARS;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= max {
        return (line.to_owned(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(max / 3);
    let end = (start + max).min(chars.len());
    let mut out = String::new();
    let mut col = at - start + 1;
    if start > 0 {
        out.push('…');
        col += 1;
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    (out, col)
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
