//! Shows diagnostics to people (Vietnamese, with the offending line) or tools (JSON).
//!
//! Hand-rolled rather than codespan-reporting because its headers are fixed English
//! ("error", "warning") and officers read Vietnamese. Columns count characters, so the
//! caret lands under the right letter on lines full of diacritics.
//!
//! The text folds repeats: the same problem more than
//! [`SHOWN_REPEATS`](crate::diagnostic::SHOWN_REPEATS) times in one
//! file is shown that many times, then one line names the other lines. JSON lists
//! every occurrence and marks those the text folded.

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use std::collections::HashMap;
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

/// Every diagnostic, repeats folded: after the last occurrence shown in full, one line
/// says how many more there are and on which lines.
pub fn render_text(diags: &Diagnostics) -> String {
    let repeats = diags.repeats();
    let mut folded: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, into) in repeats.iter().enumerate() {
        if let Some(into) = into {
            folded.entry(*into).or_default().push(diags.0[i].line);
        }
    }
    let mut s = String::new();
    for (i, d) in diags.0.iter().enumerate() {
        if repeats[i].is_some() {
            continue;
        }
        s.push_str(&render_one(d));
        if let Some(lines) = folded.get(&i) {
            let pad = " ".repeat(d.line.to_string().len());
            let mut named: Vec<String> = Vec::new();
            for line in lines {
                let line = line.to_string();
                if named.last() != Some(&line) {
                    named.push(line);
                }
            }
            let _ = writeln!(
                s,
                "{pad} = … và {} chỗ khác cùng lỗi trong tệp này: dòng {}",
                lines.len(),
                named.join(", ")
            );
        }
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

/// `--format json`: one object, stable keys, for editors and CI. Every diagnostic is
/// there; one the text report folds carries `folded_into`, the line and column of the
/// occurrence whose "… và N chỗ khác" line counts it, and `shown` is how many the text
/// shows in full.
pub fn render_json(diags: &Diagnostics) -> String {
    let repeats = diags.repeats();
    let listed: Vec<serde_json::Value> = diags
        .0
        .iter()
        .zip(&repeats)
        .map(|(d, into)| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            if let (Some(into), Some(o)) = (into, v.as_object_mut()) {
                let shown = &diags.0[*into];
                o.insert(
                    "folded_into".into(),
                    serde_json::json!({ "line": shown.line, "column": shown.column }),
                );
            }
            v
        })
        .collect();
    let value = serde_json::json!({
        "errors": diags.errors(),
        "warnings": diags.warnings(),
        "shown": repeats.iter().filter(|r| r.is_none()).count(),
        "diagnostics": listed,
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into())
}

/// "2 lỗi, 5 cảnh báo".
pub fn counts(diags: &Diagnostics) -> String {
    format!("{} lỗi, {} cảnh báo", diags.errors(), diags.warnings())
}

/// [`counts`], the totals of every occurrence, and when [`render_text`] folds repeats,
/// how many it shows: "24 lỗi, 0 cảnh báo (hiện 9 mục; 15 chỗ lặp lại …)".
pub fn summary(diags: &Diagnostics) -> String {
    let folded = diags.repeats().iter().filter(|r| r.is_some()).count();
    if folded == 0 {
        return counts(diags);
    }
    format!(
        "{} (hiện {} mục; {folded} chỗ lặp lại cùng lỗi trong một tệp được gộp, \
         niemyet check --format json liệt kê đủ)",
        counts(diags),
        diags.0.len() - folded
    )
}
