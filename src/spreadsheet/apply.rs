//! `niemyet import sheet`: the edits a sheet asks for, made in the record files, all or
//! nothing. Every edited file is read back before anything is written, and must load
//! as exactly the record it was with the edited keys changed; one refused row, or one
//! file that would not read back so, and no file is written.

use super::columns::Column;
use super::edit::edit_file;
use super::rows::{plan, Planned, Problem};
use super::{read, records, Listed};
use crate::diagnostic::Severity;
use crate::load::{self, SourceFile};
use crate::project::Source;
use crate::validate::check_record;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What an import did, or would do (`--dry-run`), or why it refused.
pub struct Imported {
    /// `(file, key, old, new)`, in the sheet's row order.
    pub changes: Vec<(PathBuf, &'static str, Option<String>, String)>,
    problems: Vec<Problem>,
    notes: Vec<String>,
    /// Rows read below the header, and of them the rows that change a record.
    pub rows: usize,
    pub changed_rows: usize,
    pub files: usize,
    pub dry_run: bool,
}

impl Imported {
    /// Whether a row was refused (and so nothing written).
    pub fn refused(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The report as the officer reads it: notes, then the refusals or the changes, a
    /// summary line and the next step.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for n in &self.notes {
            let _ = writeln!(s, "ghi chú: {n}");
        }
        if self.refused() {
            for p in &self.problems {
                let _ = writeln!(
                    s,
                    "lỗi: {}\n  --> {}\n  = cách sửa: {}\n",
                    p.message, p.at, p.fix
                );
            }
            let _ = writeln!(
                s,
                "Không ghi tệp nào: {} lỗi trong bảng tính. Nhập là tất cả hoặc không gì cả: sửa các ô trên rồi chạy lại.",
                self.problems.len()
            );
            return s;
        }
        for (file, key, old, new) in &self.changes {
            let old = old
                .as_ref()
                .map_or_else(|| "(chưa có)".to_owned(), |o| format!("\"{o}\""));
            let _ = writeln!(s, "{}: {key}: {old} → \"{new}\"", file.display());
        }
        let unchanged = self.rows - self.changed_rows;
        if self.changes.is_empty() {
            let _ = writeln!(
                s,
                "Không có gì thay đổi: {} dòng khớp với hồ sơ.",
                self.rows
            );
        } else if self.dry_run {
            let _ = writeln!(
                s,
                "Chạy thử: sẽ sửa {} giá trị trong {} tệp ({} dòng không đổi); chưa ghi tệp nào. Bỏ --dry-run để ghi.",
                self.changes.len(),
                self.files,
                unchanged
            );
        } else {
            let _ = writeln!(
                s,
                "Đã sửa {} giá trị trong {} tệp ({} dòng không đổi). Bước tiếp theo: niemyet check",
                self.changes.len(),
                self.files,
                unchanged
            );
        }
        s
    }
}

/// Read the sheet at `sheet` and write its edits into the records under `content`
/// (or only say what they would be, with `dry_run`).
pub fn import(sheet: &Path, content: &Path, dry_run: bool) -> Result<Imported> {
    let grid = read::read(sheet)?;
    let listed = records(&Source::Dir(content.to_path_buf()))?;
    let mut plan = plan(&grid, &listed);
    let mut by_record: BTreeMap<usize, Vec<&Planned>> = BTreeMap::new();
    for e in &plan.edits {
        by_record.entry(e.record).or_default().push(e);
    }
    let mut writes = Vec::new();
    for (&i, edits) in &by_record {
        match edited(&listed[i], edits) {
            Ok(text) => writes.push((listed[i].path.clone(), text)),
            Err((message, fix)) => plan.problems.push(Problem {
                at: grid.at(edits[0].row, Some(edits[0].cell)).to_string(),
                message,
                fix,
            }),
        }
        if edits.iter().any(|e| e.column == Column::Name) && listed[i].procedure.slug.is_none() {
            plan.notes.push(format!(
                "{}: đổi tên thủ tục thì địa chỉ trang của nó đổi theo tên mới; muốn giữ địa chỉ cũ thì ghi slug: trong tệp",
                listed[i].path.display()
            ));
        }
    }
    let mut rows: Vec<usize> = plan.edits.iter().map(|e| e.row).collect();
    rows.dedup();
    let report = Imported {
        changes: plan
            .edits
            .iter()
            .map(|e| {
                (
                    listed[e.record].path.clone(),
                    e.column.key().unwrap_or_default(),
                    e.old.as_ref().map(|v| v.shown()),
                    e.value.shown(),
                )
            })
            .collect(),
        problems: plan.problems,
        notes: plan.notes,
        rows: plan.rows,
        changed_rows: rows.len(),
        files: writes.len(),
        dry_run,
    };
    if !report.refused() && !dry_run {
        write_all(&writes)?;
    }
    Ok(report)
}

/// The new text of `rec`'s file with `edits` made, once it reads back as the record
/// with those keys changed and the rules on those keys still hold.
fn edited(rec: &Listed, edits: &[&Planned]) -> Result<String, (String, String)> {
    let by_hand = |why: String| {
        (
            why,
            format!("sửa trực tiếp trong tệp {}", rec.path.display()),
        )
    };
    let raw = std::fs::read_to_string(&rec.path)
        .map_err(|e| by_hand(format!("không đọc được tệp {}: {e}", rec.path.display())))?;
    let pairs: Vec<(&str, &super::columns::Value)> = edits
        .iter()
        .map(|e| (e.column.key().unwrap_or_default(), &e.value))
        .collect();
    let text = edit_file(&raw, rec.is_md, &pairs).map_err(by_hand)?;
    let mut expected = (*rec.procedure).clone();
    for e in edits {
        e.value.set(e.column, &mut expected);
    }
    // The rules `check` applies to one record, on the keys edited: a value can parse and
    // still be wrong (a blank name).
    let before = check_record(&rec.procedure);
    if let Some(f) = check_record(&expected).into_iter().find(|f| {
        f.severity == Severity::Error
            && edits.iter().any(|e| f.field.top_key() == e.column.key())
            && !before
                .iter()
                .any(|b| b.field == f.field && b.message == f.message)
    }) {
        return Err((f.message, f.fix.unwrap_or_else(|| "sửa lại ô này".into())));
    }
    let (back, diags) = load::parse_record(&SourceFile::new(rec.path.clone(), &text));
    let loads = !diags.0.iter().any(|d| d.severity == Severity::Error);
    if !(loads && back.is_some_and(|b| *b.procedure == expected)) {
        return Err(by_hand(
            "niemyet không sửa được tệp này mà chắc chắn giữ nguyên phần còn lại".into(),
        ));
    }
    Ok(text)
}

/// Write every file through a temporary file beside it, renaming only once all are
/// written: a full disk leaves every record as it was.
fn write_all(writes: &[(PathBuf, String)]) -> Result<()> {
    let mut staged = Vec::with_capacity(writes.len());
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (path, text) in writes {
        // A link is written through, so the record stays where the link points.
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A dot name: the loader skips it if a kill leaves it behind.
        let tmp = target.with_file_name(format!(".{name}.niemyet-tmp"));
        let done = std::fs::write(&tmp, text).and_then(|()| {
            let perms = std::fs::metadata(&target)?.permissions();
            std::fs::set_permissions(&tmp, perms)
        });
        if let Err(e) = done {
            let _ = std::fs::remove_file(&tmp);
            cleanup(&staged);
            return Err(e).with_context(|| {
                format!("không ghi được {}; chưa tệp nào bị sửa", path.display())
            });
        }
        staged.push((tmp, target));
    }
    for (tmp, target) in &staged {
        std::fs::rename(tmp, target)
            .with_context(|| format!("không thay được {}", target.display()))?;
    }
    Ok(())
}
