//! `niemyet import portal`: records from the national portal's procedure-detail JSON.
//!
//! `payload` reads the loose JSON, `map` turns one payload into a record and the list
//! of what the office must complete, `emit` writes it as readable YAML, and `merge`
//! brings a newer payload into a record the office has edited. Each imported payload is
//! kept as `nguon/cong-dvc/<code>.json` beside `thu-tuc/` (not a record: the loader
//! never reads it), so the next import knows what the office started from.

mod emit;
mod map;
mod merge;
mod payload;

pub use map::Todo;

use crate::model::{Date, Procedure};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use serde_yaml::Mapping;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where imported payloads are kept, under the content folder.
pub const PAYLOADS: &str = "nguon/cong-dvc";

/// What happened to one payload.
#[derive(Debug)]
pub enum Action {
    Created,
    /// Keys that took the portal's new value; keys the office changed, kept.
    Updated {
        keys: Vec<String>,
        kept: Vec<String>,
    },
    Unchanged,
}

#[derive(Debug)]
pub struct Imported {
    pub code: String,
    pub name: String,
    /// The record file, relative to the content folder.
    pub file: PathBuf,
    pub action: Action,
    pub todo: Vec<Todo>,
    /// Keys both the office and the portal changed: the office's text kept.
    pub conflicts: Vec<String>,
}

pub struct Options {
    pub content: PathBuf,
    pub dry_run: bool,
    /// The retrieval date written in `nguon.ngay_lay`.
    pub today: Date,
}

/// A file to write once every payload has been read.
struct Write {
    path: PathBuf,
    text: String,
}

/// Import every payload file in `paths` (files, or folders of `.json` files). Nothing is
/// written unless every payload reads.
pub fn portal(paths: &[PathBuf], opts: &Options) -> Result<Vec<Imported>> {
    let files = payload_files(paths)?;
    if files.is_empty() {
        bail!("không có tệp .json nào trong {}", show(paths));
    }
    let existing = records_by_code(&opts.content)?;
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut writes: Vec<Write> = Vec::new();
    let mut out = Vec::new();
    for file in files {
        let raw = std::fs::read_to_string(&file)
            .with_context(|| format!("không đọc được {}", file.display()))?;
        let doc: Value = serde_json::from_str(&raw).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: không phải JSON: {e}",
                file.display(),
                e.line(),
                e.column()
            )
        })?;
        let Some(data) = payload::data(&doc) else {
            bail!(
                "{}: không phải dữ liệu chi tiết thủ tục của cổng (thiếu \"data\" với \"name\", \"code\")",
                file.display()
            );
        };
        let digest = payload::digest(data);
        let (record, todo) = map::record(data, opts.today, &digest);
        let Some(code) = record.ma_thu_tuc.as_ref().map(|c| c.to_string()) else {
            bail!(
                "{}: dữ liệu không có mã thủ tục (code, codeNotation)",
                file.display()
            );
        };
        if let Some(first) = seen.insert(code.clone(), file.clone()) {
            bail!(
                "{} và {} cùng là thủ tục {code}; nhập từng tệp một",
                first.display(),
                file.display()
            );
        }
        let name = record.ten_thu_tuc.clone().unwrap_or_default();
        let stored = opts.content.join(PAYLOADS).join(format!("{code}.json"));
        let pretty = serde_json::to_string_pretty(&doc).unwrap_or(raw);
        let theirs = emit::value(&record);
        let (file_rel, action, conflicts) = match existing.get(&code) {
            None => {
                let rel = new_path(&record, &code, &opts.content);
                let header = header(&todo);
                writes.push(Write {
                    path: opts.content.join(&rel),
                    text: emit::text(&theirs, &header),
                });
                writes.push(Write {
                    path: stored,
                    text: pretty,
                });
                (rel, Action::Created, Vec::new())
            }
            Some(path) => {
                let Reimported {
                    action,
                    conflicts,
                    text: new_text,
                } = reimport(path, &stored, &theirs, opts.today)?;
                if let Some(text) = new_text {
                    writes.push(Write {
                        path: path.clone(),
                        text,
                    });
                }
                if !conflicts.is_empty() {
                    let mut m = Mapping::new();
                    for (k, v) in &conflicts {
                        m.insert(serde_yaml::Value::String(k.clone()), v.clone());
                    }
                    writes.push(Write {
                        path: opts
                            .content
                            .join(PAYLOADS)
                            .join(format!("{code}.xung-dot.yaml")),
                        text: emit::text(
                            &serde_yaml::Value::Mapping(m),
                            &[
                                format!(
                                    "Giá trị mới trên cổng của những mục đơn vị đã sửa ({code})."
                                ),
                                "Đối chiếu với hồ sơ, sửa hồ sơ nếu cần, rồi xóa tệp này.".into(),
                            ],
                        ),
                    });
                }
                if !matches!(action, Action::Unchanged) || !conflicts.is_empty() {
                    writes.push(Write {
                        path: stored,
                        text: pretty,
                    });
                }
                let rel = path
                    .strip_prefix(&opts.content)
                    .unwrap_or(path)
                    .to_path_buf();
                (rel, action, conflicts.into_iter().map(|(k, _)| k).collect())
            }
        };
        out.push(Imported {
            code,
            name,
            file: file_rel,
            action,
            todo,
            conflicts,
        });
    }
    if !opts.dry_run {
        for w in writes {
            if let Some(dir) = w.path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("không tạo được {}", dir.display()))?;
            }
            if !crate::cache::write_atomic(&w.path, w.text.as_bytes()) {
                bail!("không ghi được {}", w.path.display());
            }
        }
    }
    Ok(out)
}

/// The comment block on top of a new record: what the office must still do.
fn header(todo: &[Todo]) -> Vec<String> {
    let mut h = vec![
        "Nhập từ Cổng Dịch vụ công quốc gia bằng niemyet import portal.".to_owned(),
        "Đơn vị cần hoàn thiện:".to_owned(),
    ];
    h.extend(todo.iter().map(|t| format!("- {}", t.0)));
    h
}

/// What merging a newer payload into a record did.
struct Reimported {
    action: Action,
    /// Keys both sides changed, with the portal's new value.
    conflicts: Vec<(String, serde_yaml::Value)>,
    /// The record's new text, when anything changed.
    text: Option<String>,
}

/// Merge a newer payload into the office's record at `path`.
fn reimport(
    path: &Path,
    stored: &Path,
    theirs: &serde_yaml::Value,
    today: Date,
) -> Result<Reimported> {
    let file = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được {}", path.display()))?;
    let file = crate::text::normalize(&file);
    // A Markdown record keeps its body: only its front matter is merged.
    let split = path
        .extension()
        .is_some_and(|x| x == "md")
        .then(|| crate::load::split_front_matter(&file))
        .flatten();
    let (head, yaml, tail) = match split {
        Some(s) => {
            let end = s.yaml_start + s.yaml.len();
            (&file[..s.yaml_start], s.yaml, &file[end..])
        }
        None => ("", file.as_str(), ""),
    };
    let ours_record: Procedure = serde_yaml::from_str(yaml).map_err(|e| {
        anyhow::anyhow!(
            "{}: hồ sơ đang có lỗi ({e}); sửa cho niemyet check đọc được rồi nhập lại",
            path.display()
        )
    })?;
    let ours = as_map(&emit::value(&ours_record));
    let theirs = as_map(theirs);
    // The base: the payload imported last time, if it is the one the record says.
    let base = std::fs::read_to_string(stored)
        .ok()
        .and_then(|raw| serde_json::from_str::<Value>(&raw).ok())
        .and_then(|doc| {
            let data = payload::data(&doc)?;
            let digest = payload::digest(data);
            let recorded = ours_record.nguon.as_ref()?.ma_bam.as_deref()?;
            (digest == recorded).then(|| {
                let retrieved = ours_record
                    .nguon
                    .as_ref()
                    .and_then(|n| n.ngay_lay)
                    .unwrap_or(today);
                as_map(&emit::value(&map::record(data, retrieved, &digest).0))
            })
        });
    let o = merge::merge(yaml, &ours, base.as_ref(), &theirs);
    let real: Vec<String> = o
        .updated
        .iter()
        .filter(|k| k.as_str() != "nguon")
        .cloned()
        .collect();
    let action = if real.is_empty() {
        Action::Unchanged
    } else {
        Action::Updated {
            keys: real,
            kept: o.kept.clone(),
        }
    };
    // Only the provenance moved (same portal text, new retrieval date): leave the file.
    let text = match (&action, o.yaml) {
        (Action::Unchanged, _) | (_, None) => None,
        (_, Some(y)) => Some(format!("{head}{y}{tail}")),
    };
    Ok(Reimported {
        action,
        conflicts: o.conflicts,
        text,
    })
}

fn as_map(v: &serde_yaml::Value) -> Mapping {
    v.as_mapping().cloned().unwrap_or_default()
}

/// Where a new record goes: `thu-tuc/<field>/<name>.yaml`, the code added when another
/// file has the name.
fn new_path(p: &Procedure, code: &str, content: &Path) -> PathBuf {
    let field = p
        .linh_vuc
        .as_deref()
        .map(|f| crate::text::slugify(f, 40))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "chua-phan-loai".into());
    let name = p
        .ten_thu_tuc
        .as_deref()
        .map(|n| crate::text::slugify(n, 60))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| code.replace('.', "-"));
    let rel = PathBuf::from("thu-tuc")
        .join(&field)
        .join(format!("{name}.yaml"));
    if content.join(&rel).exists() {
        return PathBuf::from("thu-tuc")
            .join(field)
            .join(format!("{name}-{}.yaml", code.replace('.', "-")));
    }
    rel
}

/// Every payload file named: `.json` files, and those inside named folders.
fn payload_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(|e| e.ok())
                .map(|e| e.into_path())
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            inside.sort();
            out.extend(inside);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            bail!("không có tệp hoặc thư mục {}", p.display());
        }
    }
    Ok(out)
}

fn show(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The record files of `content` by their code, read loosely (a record with errors
/// elsewhere still has its code).
fn records_by_code(content: &Path) -> Result<BTreeMap<String, PathBuf>> {
    if !content.is_dir() {
        return Ok(BTreeMap::new());
    }
    Ok(crate::load::read_dir(content)?
        .records
        .into_iter()
        .filter_map(|f| {
            let code = crate::load::record_code(&crate::load::loose_record(&f.text)?)?;
            Some((code, f.path))
        })
        .collect())
}
