//! One record file to a typed [`LoadedRecord`]: front matter split off, YAML parsed,
//! serde's failures turned into located Vietnamese diagnostics. Knows files and text
//! positions, not what a record means (that is `validate`).

use super::front_matter::split_front_matter;
use super::locate::Locator;
use super::serde_msg::{suggest, translate};
use super::SourceFile;
use crate::cache::Digest32;
use crate::diagnostic::{Diagnostic, Diagnostics, FieldPath, Finding, Seg, Severity};
use crate::load::RecordCache;
use crate::model::Procedure;
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A record file, typed, with what is needed to point at its lines later.
#[derive(Debug, Clone)]
pub struct LoadedRecord {
    pub path: PathBuf,
    pub text: Arc<str>,
    yaml: Range<usize>,
    yaml_line_offset: usize,
    body: Option<Range<usize>>,
    /// Shared: the live preview keeps records between rebuilds and the catalogue holds
    /// them without copying.
    pub procedure: Arc<Procedure>,
    /// Digest of what `procedure` was parsed from ([`SourceFile::digest`]),
    /// so work done from it can be kept; `None` when nothing is cached.
    pub source: Option<Digest32>,
    /// Parts that failed to deserialise and were left out of `procedure` or stood in
    /// for; later checks skip them so one mistake is not reported twice.
    pub masked: Vec<FieldPath>,
    /// Unknown keys, with the key each stands for: a finding that a key is missing
    /// where a rename of it sits is that rename again.
    renamed: Vec<Renamed>,
}

/// An unknown key and the key it stands for, if one is allowed at its place:
/// `ten_tthc` at the root, meant as `ten_thu_tuc`.
#[derive(Debug, Clone)]
struct Renamed {
    parent: FieldPath,
    key: String,
    meant: Option<String>,
}

/// Whether the key at `missing`, reported absent, was written beside it under another
/// name that stands for it: a portal label or synonym (`ten_tthc` for `ten_thu_tuc`)
/// or a near miss (`noi_dungg` for `noi_dung`). That absence is the rename's
/// consequence, and the rename's message already says what to write.
fn explained(renamed: &[Renamed], missing: &FieldPath) -> bool {
    let Some((Seg::Key(name), parent)) = missing.0.split_last() else {
        return false;
    };
    renamed.iter().any(|r| {
        r.parent.0 == parent
            && (r.meant.as_deref() == Some(name.as_str())
                || suggest(&r.key, std::slice::from_ref(name)).is_some())
    })
}

impl LoadedRecord {
    pub fn body(&self) -> Option<&str> {
        self.body
            .clone()
            .map(|r| &self.text[r])
            .filter(|b| !b.trim().is_empty())
    }

    /// Locate findings (path-only) in this file's text.
    pub fn locate(&self, findings: Vec<Finding>) -> Vec<Diagnostic> {
        if findings.is_empty() {
            return Vec::new();
        }
        let locator = Locator::new(&self.text[self.yaml.clone()], self.yaml_line_offset);
        let kept = findings
            .into_iter()
            // A finding inside a part that failed to load, or about the part holding it
            // (a stand-in `false` must not earn its parent a warning), repeats that error.
            .filter(|f| {
                !self.masked.iter().any(|m| {
                    f.field.starts_with(m)
                        || (m.starts_with(&f.field) && m.0.len() == f.field.0.len() + 1)
                })
            })
            // So does one judging a field that was renamed or could not be read.
            .filter(|f| {
                !f.rests_on.iter().any(|p| {
                    explained(&self.renamed, p) || self.masked.iter().any(|m| p.starts_with(m))
                })
            })
            .collect::<Vec<_>>();
        locator.diagnostics(&self.path, &self.text, kept)
    }
}

/// Parse one record file. A record comes back whenever the YAML itself could be read,
/// even with type errors, so that the validator can still report the other problems.
pub fn parse_record(file: &SourceFile) -> (Option<LoadedRecord>, Diagnostics) {
    parse_record_cached(file, &RecordCache::off())
}

/// [`parse_record`], reading a record back from `cache` when its text is unchanged
/// since a build that loaded it cleanly, and keeping it there when it loads cleanly now.
pub fn parse_record_cached(
    file: &SourceFile,
    cache: &RecordCache,
) -> (Option<LoadedRecord>, Diagnostics) {
    let text: Arc<str> = Arc::from(file.text.as_str());
    let mut diags = Diagnostics::default();
    let is_md = file.is_md();
    let (yaml, offset, body) = if is_md {
        match split_front_matter(&text) {
            Some(split) => (
                split.yaml_start..split.yaml_start + split.yaml.len(),
                split.yaml_line_offset,
                Some(split.body_start..text.len()),
            ),
            None => {
                let opened = text.starts_with("---");
                diags.push(whole_file_error(
                    &file.path,
                    &text,
                    0,
                    if opened {
                        "phần đầu YAML chưa được đóng"
                    } else {
                        "tệp .md phải mở đầu bằng phần thông tin YAML"
                    },
                    if opened {
                        "thêm một dòng chỉ có --- sau khóa cuối cùng, trước phần hướng dẫn"
                    } else {
                        "dòng đầu tiên ghi ---, tiếp theo các dòng khóa: giá trị, rồi một dòng --- nữa"
                    },
                ));
                return (None, diags);
            }
        }
    } else {
        (0..text.len(), 0, None)
    };
    let key = cache.key(file);
    let loaded = |procedure: Arc<Procedure>, source: Option<Digest32>| LoadedRecord {
        path: file.path.clone(),
        text: text.clone(),
        yaml: yaml.clone(),
        yaml_line_offset: offset,
        body: body.clone(),
        procedure,
        source,
        masked: Vec::new(),
        renamed: Vec::new(),
    };
    if let Some(procedure) = key.as_ref().and_then(|k| cache.get(k)) {
        return (Some(loaded(Arc::new(procedure), key)), diags);
    }
    let read =
        deserialize_all::<Procedure>(&file.path, &text, &text[yaml.clone()], offset, &mut diags);
    let Some(procedure) = read.value else {
        diags
            .0
            .extend(loaded(Arc::default(), None).locate(read.findings));
        return (None, diags);
    };
    let record = loaded(Arc::new(procedure), key);
    diags.0.extend(record.locate(read.findings));
    if let Some(key) = key.filter(|_| diags.0.is_empty() && read.masked.is_empty()) {
        cache.put(key, &record.procedure);
    }
    let record = LoadedRecord {
        masked: read.masked,
        renamed: read.renamed,
        ..record
    };
    (Some(record), diags)
}

/// Parse a plain YAML file (site config, synonyms) into `T`, reporting every type error.
pub fn parse_yaml_file<T: DeserializeOwned>(file: &SourceFile) -> (Option<T>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let source: Arc<str> = Arc::from(file.text.as_str());
    let read = deserialize_all::<T>(&file.path, &source, &file.text, 0, &mut diags);
    diags
        .0
        .extend(Locator::new(&file.text, 0).diagnostics(&file.path, &source, read.findings));
    let ok = !diags.has_errors();
    (read.value.filter(|_| ok), diags)
}

/// What [`deserialize_all`] read: the (possibly partial) value, the parts dropped or
/// stood in for, the errors, and the unknown keys with what each stands for.
struct Read<T> {
    value: Option<T>,
    masked: Vec<FieldPath>,
    findings: Vec<Finding>,
    renamed: Vec<Renamed>,
}

impl<T> Read<T> {
    /// Nothing could be read (the reason is already in the diagnostics).
    fn nothing() -> Self {
        Read {
            value: None,
            masked: Vec::new(),
            findings: Vec::new(),
            renamed: Vec::new(),
        }
    }
}

/// Deserialise `yaml` into `T`, collecting every type error rather than the first.
///
/// The fast path is one serde_yaml call. When it fails, the YAML is read as a `Value`
/// and deserialised again and again; after each error the offending key is dropped
/// (or, if it is required, its whole top-level key) so the next error can surface.
fn deserialize_all<T: DeserializeOwned>(
    path: &Path,
    full: &Arc<str>,
    yaml: &str,
    line_offset: usize,
    diags: &mut Diagnostics,
) -> Read<T> {
    if let Some((line, size)) = super::aliases::expanded_size(yaml)
        .filter(|(_, size)| *size > crate::limits::MAX_EXPANDED_BYTES)
    {
        diags.push(Diagnostic {
            line: line + line_offset,
            ..whole_file_error(
                path,
                full,
                line_offset,
                &format!(
                    "các bí danh (*tên) làm tệp nở ra khoảng {} MB, quá giới hạn {} MB",
                    size / 1_048_576,
                    crate::limits::MAX_EXPANDED_BYTES / 1_048_576
                ),
                "viết thẳng nội dung thay vì lặp lại một neo (&tên) lớn nhiều lần",
            )
        });
        return Read::nothing();
    }
    // Merge keys (`<<: *anchor`) need the Value pass; everything else tries the fast path.
    let fast = if yaml.contains("<<") {
        Err(None)
    } else {
        serde_yaml::from_str::<T>(yaml).map_err(Some)
    };
    match fast {
        Ok(v) => {
            return Read {
                value: Some(v),
                ..Read::nothing()
            }
        }
        Err(None) => {}
        Err(Some(e)) if e.location().is_some() && !is_data_error(&e) => {
            // A syntax error: nothing after it can be trusted.
            diags.push(syntax_diagnostic(path, full, yaml, line_offset, &e));
            return Read::nothing();
        }
        Err(Some(_)) => {}
    }
    let mut value: serde_yaml::Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            diags.push(syntax_diagnostic(path, full, yaml, line_offset, &e));
            return Read::nothing();
        }
    };
    if value.apply_merge().is_err() {
        diags.push(whole_file_error(
            path,
            full,
            line_offset,
            "không gộp được khóa \"<<\": giá trị của nó phải là một nhóm khóa (hoặc danh sách các nhóm)",
            "\"<<: *ten_neo\" chỉ dùng với một nhóm khóa: giá trị đã đặt neo &ten_neo",
        ));
        return Read::nothing();
    }
    if !value.is_mapping() {
        diags.push(whole_file_error(
            path,
            full,
            line_offset,
            "tệp phải là các dòng \"khóa: giá trị\"",
            "xem ví dụ đầy đủ trong docs/record-format.md",
        ));
        return Read::nothing();
    }
    let mut findings = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    let mut dropped_leaves: Vec<FieldPath> = Vec::new();
    let mut masked: Vec<FieldPath> = Vec::new();
    let mut renamed: Vec<Renamed> = Vec::new();
    // Required keys missing inside a list item, given a stand-in so the item's siblings
    // (the other channels, documents, fees) are still read and checked.
    let mut standing_in: Vec<FieldPath> = Vec::new();
    for _ in 0..256 {
        let result: Result<T, _> = serde_path_to_error::deserialize(value.clone());
        let err = match result {
            Ok(v) => {
                masked.extend(dropped_leaves);
                masked.extend(standing_in);
                return Read {
                    value: Some(v),
                    masked: masks(broken, masked),
                    findings,
                    renamed,
                };
            }
            Err(e) => e,
        };
        let field = convert_path(err.path());
        let t = translate(&err.inner().to_string());
        if let Some(name) = &t.unknown_field {
            // serde_path_to_error already ends the path with the unknown key.
            let at = match field.0.last() {
                Some(Seg::Key(k)) if k == name => field.clone(),
                _ => field.key(name),
            };
            if dropped_leaves.contains(&at) {
                drop_top(&mut value, &at, &mut broken);
                continue;
            }
            dropped_leaves.push(at.clone());
            remove(&mut value, &at);
            let parent = FieldPath(at.0[..at.0.len().saturating_sub(1)].to_vec());
            let fix = match (&t.meant, t.fix) {
                // The key it stands for is not there: renaming this one is the whole fix,
                // and the "missing" error it would cause is not reported.
                (Some(meant), Some(fix))
                    if node_mut(&mut value, &parent)
                        .is_some_and(|n| n.get(meant.as_str()).is_none()) =>
                {
                    Some(format!(
                        "{fix} (ở đây chưa có \"{meant}\": sửa tên khóa này là đủ, không phải thêm dòng)"
                    ))
                }
                (_, fix) => fix,
            };
            renamed.push(Renamed {
                parent,
                key: name.clone(),
                meant: t.meant,
            });
            findings.push(Finding::error(at, t.message, fix).at_key());
            continue;
        }
        if let Some(name) = &t.missing_field {
            let at = field.key(name);
            // `noi_dungg` reported as unknown already says to write `noi_dung`: the key
            // is not missing, it is misspelt.
            let misspelt = explained(&renamed, &at);
            if dropped_leaves.contains(&at) {
                // We dropped a required key ourselves: drop its whole top-level key instead.
                drop_top(&mut value, &at, &mut broken);
                continue;
            }
            if !misspelt {
                findings.push(Finding::error(at.clone(), t.message, t.fix));
            }
            let in_list = field.0.iter().any(|s| matches!(s, Seg::Index(_)));
            if in_list && !standing_in.contains(&at) && insert(&mut value, &field, name) {
                // "?" is rarely of the right type; the next round's type error says
                // which value would be, and that one takes its place.
                standing_in.push(at);
                continue;
            }
            if !drop_top(&mut value, &at, &mut broken) {
                return Read {
                    masked: masks(broken, masked),
                    findings,
                    renamed,
                    ..Read::nothing()
                };
            }
            continue;
        }
        if standing_in.contains(&field) {
            // The stand-in's own type error: the key is missing, and that is reported.
            match t.placeholder.filter(|_| !masked.contains(&field)) {
                Some(stand_in) => {
                    set(&mut value, &field, stand_in);
                    masked.push(field);
                }
                None => {
                    if !drop_top(&mut value, &field, &mut broken) {
                        return Read {
                            masked: masks(broken, masked),
                            findings,
                            renamed,
                            ..Read::nothing()
                        };
                    }
                }
            }
            continue;
        }
        findings.push(Finding::error(field.clone(), t.message, t.fix));
        if let Some(stand_in) = t.placeholder.filter(|_| !masked.contains(&field)) {
            // Keep the shape (and list indices) intact; checks skip the stand-in.
            set(&mut value, &field, stand_in);
            masked.push(field);
        } else if matches!(field.0.last(), Some(Seg::Key(_))) && field.0.len() > 1 {
            remove(&mut value, &field);
            dropped_leaves.push(field);
        } else if !drop_top(&mut value, &field, &mut broken) {
            return Read {
                masked: masks(broken, masked),
                findings,
                renamed,
                ..Read::nothing()
            };
        }
    }
    Read {
        masked: masks(broken, masked),
        findings,
        renamed,
        ..Read::nothing()
    }
}

fn masks(broken: Vec<String>, mut masked: Vec<FieldPath>) -> Vec<FieldPath> {
    masked.extend(broken.iter().map(|k| FieldPath::root().key(k)));
    masked
}

/// The node at `path`, if every step of it exists.
fn node_mut<'v>(
    value: &'v mut serde_yaml::Value,
    path: &FieldPath,
) -> Option<&'v mut serde_yaml::Value> {
    let mut node = value;
    for seg in &path.0 {
        node = match seg {
            Seg::Key(k) => node.get_mut(k.as_str())?,
            Seg::Index(i) => node.get_mut(*i)?,
        };
    }
    Some(node)
}

fn set(value: &mut serde_yaml::Value, path: &FieldPath, new: serde_yaml::Value) {
    if let Some(node) = node_mut(value, path) {
        *node = new;
    }
}

/// Add `key: "?"` to the mapping at `parent`; false when there is no mapping there.
fn insert(value: &mut serde_yaml::Value, parent: &FieldPath, key: &str) -> bool {
    match node_mut(value, parent).and_then(|n| n.as_mapping_mut()) {
        Some(map) => {
            map.insert(key.into(), "?".into());
            true
        }
        None => false,
    }
}

/// serde_yaml reports type errors with a location too; those are not syntax errors.
fn is_data_error(e: &serde_yaml::Error) -> bool {
    let s = e.to_string();
    [
        "invalid type",
        "invalid value",
        "unknown field",
        "unknown variant",
        "missing field",
        "ngày không hợp lệ",
        "invalid length",
    ]
    .iter()
    .any(|p| s.contains(p))
        || s.contains("; ")
}

fn syntax_diagnostic(
    path: &Path,
    full: &Arc<str>,
    yaml: &str,
    line_offset: usize,
    e: &serde_yaml::Error,
) -> Diagnostic {
    let at = e.location().map(|l| (l.line(), l.column()));
    let found = super::syntax::locate(&e.to_string(), at, yaml);
    Diagnostic {
        severity: Severity::Error,
        file: path.to_path_buf(),
        line: found.line + line_offset,
        column: found.column,
        field: FieldPath::root(),
        message: found.message,
        fix: Some(found.fix),
        source: Some(full.clone()),
    }
}

fn convert_path(p: &serde_path_to_error::Path) -> FieldPath {
    use serde_path_to_error::Segment;
    FieldPath(
        p.iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            .collect(),
    )
}

fn remove(value: &mut serde_yaml::Value, path: &FieldPath) {
    let Some((last, parents)) = path.0.split_last() else {
        return;
    };
    let parent = node_mut(value, &FieldPath(parents.to_vec()));
    if let (Seg::Key(k), Some(map)) = (last, parent.and_then(|n| n.as_mapping_mut())) {
        map.remove(k.as_str());
    }
}

fn drop_top(value: &mut serde_yaml::Value, path: &FieldPath, broken: &mut Vec<String>) -> bool {
    let Some(top) = path.top_key() else {
        return false;
    };
    let removed = value.as_mapping_mut().and_then(|m| m.remove(top)).is_some();
    broken.push(top.to_owned());
    removed
}

/// An error about the file as a whole, pointed at its first YAML line.
fn whole_file_error(
    path: &Path,
    source: &Arc<str>,
    line_offset: usize,
    message: &str,
    fix: &str,
) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: path.to_path_buf(),
        line: 1 + line_offset,
        column: 1,
        field: FieldPath::root(),
        message: message.to_owned(),
        fix: Some(fix.to_owned()),
        source: Some(source.clone()),
    }
}
