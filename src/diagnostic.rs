//! The vocabulary every stage uses to report a problem in an officer's file:
//! where (file, line, column, field path), what is wrong, and what to write instead.
//! Messages are Vietnamese because officers read them. Rendering lives in `report`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A path into a record, printed the way officers see their YAML:
/// `cach_thuc_thuc_hien[1].phi_le_phi[0].muc_thu`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(pub Vec<Seg>);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }
    pub fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        FieldPath(segs)
    }
    pub fn index(&self, i: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(i));
        FieldPath(segs)
    }
    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }
    pub fn top_key(&self) -> Option<&str> {
        match self.0.first() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One problem, already located.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as given to the loader (relative to the site root when possible).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters (not bytes: diacritics are multi-byte).
    pub column: usize,
    pub field: FieldPath,
    pub message: String,
    /// What to write instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The file's text, kept for the snippet in the human report.
    #[serde(skip)]
    pub source: Option<Arc<str>>,
}

impl Diagnostic {
    /// An error about a whole file or folder, with no line to point at (unreadable, not
    /// a file, missing): line and column are 0.
    pub fn whole_file(file: PathBuf, message: String, fix: Option<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file,
            line: 0,
            column: 0,
            field: FieldPath::root(),
            message,
            fix,
            source: None,
        }
    }
}

/// A problem found before its position is known: the field path is enough to find it later.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub field: FieldPath,
    pub message: String,
    pub fix: Option<String>,
    /// The finding is about the key itself (unknown, misspelt), not its value: its
    /// position is the key's even when a value follows on the same line.
    pub at_key: bool,
    /// The fields whose absence or value the finding judges ("giấy tờ thiếu tên" rests
    /// on `…giay_to[3].ten`). When one of them was written under another name
    /// (`ten_giay_to`) or could not be read, the finding is a consequence of that
    /// mistake, already reported, and is left out.
    pub rests_on: Vec<FieldPath>,
}

impl Finding {
    pub fn error(field: FieldPath, message: impl Into<String>, fix: Option<String>) -> Self {
        Finding {
            severity: Severity::Error,
            field,
            message: message.into(),
            fix,
            at_key: false,
            rests_on: Vec::new(),
        }
    }
    pub fn warning(field: FieldPath, message: impl Into<String>, fix: Option<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            field,
            message: message.into(),
            fix,
            at_key: false,
            rests_on: Vec::new(),
        }
    }

    /// The finding says its own field is absent ("thiếu tên thủ tục").
    pub fn absent(mut self) -> Self {
        self.rests_on.push(self.field.clone());
        self
    }

    /// The finding judges these keys of its field, absent or as read ("bước không có
    /// nội dung" rests on the step's `ten` and `mo_ta`).
    pub fn resting_on(mut self, keys: &[&str]) -> Self {
        let at = self.field.clone();
        self.rests_on.extend(keys.iter().map(|k| at.key(k)));
        self
    }

    /// The finding judges these fields, anywhere in the record.
    pub fn resting_on_fields(mut self, fields: impl IntoIterator<Item = FieldPath>) -> Self {
        self.rests_on.extend(fields);
        self
    }

    /// Point at the key rather than at its value.
    pub fn at_key(self) -> Self {
        Finding {
            at_key: true,
            ..self
        }
    }
}

/// How many occurrences of one problem in one file the text report shows in full; the
/// others are counted on one line after the last of them ([`Diagnostics::repeats`]).
pub const SHOWN_REPEATS: usize = 3;

/// All problems of a run, sorted by file and position so output is stable.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn errors(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// For each diagnostic, the one its repeat is folded into, if it is one: the same
    /// problem (severity, message and fix; the message names the wrong key or value)
    /// already shown [`SHOWN_REPEATS`] times in its file is folded into the last of
    /// those. Thirty documents written `{ ten_giay_to: … }` read as three, then a line.
    pub fn repeats(&self) -> Vec<Option<usize>> {
        use std::collections::HashMap;
        // One problem of one file, and how often it was seen and last shown.
        type Problem<'a> = (&'a PathBuf, Severity, &'a str, Option<&'a str>);
        let mut seen: HashMap<Problem<'_>, (usize, usize)> = HashMap::new();
        self.0
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let key = (&d.file, d.severity, d.message.as_str(), d.fix.as_deref());
                let (count, last) = seen.entry(key).or_insert((0, i));
                *count += 1;
                if *count <= SHOWN_REPEATS {
                    *last = i;
                    None
                } else {
                    Some(*last)
                }
            })
            .collect()
    }

    /// Keep the first `max` diagnostics of each file (errors before warnings) and say
    /// how many more there were in one last diagnostic on that file: a file of 10,000
    /// empty strings then reports one screen, not 10,000 snippets.
    pub fn cap_per_file(&mut self, max: usize) {
        use std::collections::HashMap;
        let mut per_file: HashMap<&PathBuf, usize> = HashMap::new();
        for d in &self.0 {
            *per_file.entry(&d.file).or_default() += 1;
        }
        if per_file.values().all(|n| *n <= max) {
            return;
        }
        let over: Vec<PathBuf> = per_file
            .into_iter()
            .filter(|(_, n)| *n > max)
            .map(|(f, _)| f.clone())
            .collect();
        // Errors first, so a hidden diagnostic is never the only error of its file; and
        // of each, distinct problems before the repeats the report folds away anyway.
        let repeats = self.repeats();
        let mut ranked: Vec<(bool, Diagnostic)> = repeats
            .iter()
            .map(Option::is_some)
            .zip(std::mem::take(&mut self.0))
            .collect();
        ranked.sort_by_key(|(repeat, d)| (d.severity, *repeat));
        self.0 = ranked.into_iter().map(|(_, d)| d).collect();
        let mut seen: HashMap<PathBuf, (usize, usize, usize)> = HashMap::new();
        self.0.retain(|d| {
            if !over.contains(&d.file) {
                return true;
            }
            let (shown, errors, warnings) = seen.entry(d.file.clone()).or_default();
            if *shown < max {
                *shown += 1;
                return true;
            }
            match d.severity {
                Severity::Error => *errors += 1,
                Severity::Warning => *warnings += 1,
            }
            false
        });
        self.sort();
        let mut files: Vec<_> = seen.into_iter().collect();
        files.sort();
        for (file, (_, errors, warnings)) in files {
            let mut d = Diagnostic::whole_file(
                file,
                format!(
                    "còn {errors} lỗi và {warnings} cảnh báo nữa trong tệp này, không hiện (mỗi tệp hiện {max} đầu tiên)"
                ),
                Some("sửa các lỗi trên rồi chạy lại niemyet check".into()),
            );
            if errors == 0 {
                d.severity = Severity::Warning;
            }
            self.0.push(d);
        }
    }
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(file: &str, line: usize, severity: Severity, message: &str) -> Diagnostic {
        Diagnostic {
            severity,
            line,
            column: 1,
            message: message.to_owned(),
            ..Diagnostic::whole_file(file.into(), String::new(), None)
        }
    }

    #[test]
    fn repeats_fold_after_three_per_file_and_problem() {
        let e = Severity::Error;
        let d = Diagnostics(vec![
            diag("a.yaml", 1, e, "x"),
            diag("a.yaml", 2, e, "x"),
            diag("a.yaml", 3, Severity::Warning, "x"),
            diag("a.yaml", 4, e, "x"),
            diag("a.yaml", 5, e, "y"),
            diag("a.yaml", 6, e, "x"),
            diag("a.yaml", 7, e, "x"),
            diag("b.yaml", 1, e, "x"),
        ]);
        assert_eq!(
            d.repeats(),
            [None, None, None, None, None, Some(3), Some(3), None]
        );
    }

    #[test]
    fn the_cap_keeps_distinct_problems_before_repeats() {
        let e = Severity::Error;
        let mut list: Vec<Diagnostic> = (1..=6).map(|l| diag("a.yaml", l, e, "x")).collect();
        list.push(diag("a.yaml", 9, e, "y"));
        let mut d = Diagnostics(list);
        d.cap_per_file(5);
        let kept: Vec<(usize, &str)> = d.0.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            kept[..5],
            [(1, "x"), (2, "x"), (3, "x"), (4, "x"), (9, "y")]
        );
        assert!(kept[5].1.starts_with("còn 2 lỗi"), "{kept:?}");
    }
}
