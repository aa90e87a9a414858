//! Re-importing a newer payload over a record the office has edited: a three-way merge
//! by top-level key. The base is the record made from the payload last imported (kept
//! under `nguon/cong-dvc/`, its digest in the record's `nguon.ma_bam`); "ours" is the
//! file as the office keeps it; "theirs" the record made from the new payload.
//!
//! - a key the office left as imported takes the portal's new value;
//! - a key the office changed, which the portal did not, stays the office's;
//! - a key both changed differently is a conflict: the office's text stays, the portal's
//!   new value is reported and written beside the payload, never over local text.
//!
//! Changes are applied to the file's text key by key, so the office's comments, order
//! and formatting of every other key survive.

use serde_yaml::{Mapping, Value};

#[derive(Debug, Default)]
pub struct Outcome {
    /// The file's new YAML, when anything changed.
    pub yaml: Option<String>,
    /// Keys that took the portal's new value.
    pub updated: Vec<String>,
    /// Keys the office changed and the portal did not: kept.
    pub kept: Vec<String>,
    /// Keys both changed: the office's value kept, the portal's reported.
    pub conflicts: Vec<(String, Value)>,
}

/// Keys the importer always owns: where the text came from.
const PORTAL_OWNED: &[&str] = &["nguon"];

/// Merge `theirs` into the office's `yaml` (whose values, read as a record and pruned,
/// are `ours`), given the `base` the office started from (`None`: unknown, so every
/// difference is a conflict).
pub fn merge(yaml: &str, ours: &Mapping, base: Option<&Mapping>, theirs: &Mapping) -> Outcome {
    let mut out = Outcome::default();
    let mut keys: Vec<&Value> = Vec::new();
    for m in [Some(ours), base, Some(theirs)].into_iter().flatten() {
        for k in m.keys() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let mut text = yaml.to_owned();
    for k in keys {
        let name = k.as_str().unwrap_or_default().to_owned();
        let (o, t) = (ours.get(k), theirs.get(k));
        if o == t {
            continue;
        }
        let take = if PORTAL_OWNED.contains(&name.as_str()) {
            true
        } else {
            match base.map(|b| b.get(k)) {
                Some(b) if o == b => true,
                Some(b) if t == b => {
                    out.kept.push(name.clone());
                    false
                }
                _ => {
                    out.conflicts
                        .push((name.clone(), t.cloned().unwrap_or(Value::Null)));
                    false
                }
            }
        };
        if take {
            text = set_key(&text, &name, t);
            out.updated.push(name);
        }
    }
    if !out.updated.is_empty() {
        out.yaml = Some(text);
    }
    out
}

/// Whether `line` opens a top-level key, and which.
fn top_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[' | '}' | ']') {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    Some(key.trim().trim_matches(['"', '\'']))
}

/// `yaml` with top-level `key` set to `value` (its lines replaced, or appended), or
/// removed when `value` is `None`. Comment and blank lines after the key's value are
/// left where they are: they belong to what follows.
pub fn set_key(yaml: &str, key: &str, value: Option<&Value>) -> String {
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let start = lines.iter().position(|l| top_key(l) == Some(key));
    let new = value.map(|v| super::emit::key_block(key, v));
    let Some(start) = start else {
        let mut s = yaml.to_owned();
        if let Some(n) = new {
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            s.push_str(&n);
        }
        return s;
    };
    let next = lines[start + 1..]
        .iter()
        .position(|l| top_key(l).is_some())
        .map_or(lines.len(), |i| start + 1 + i);
    // The value's own last line: trailing comments and blanks stay.
    let mut end = next;
    while end > start + 1 {
        let l = lines[end - 1].trim();
        if l.is_empty() || l.starts_with('#') {
            end -= 1;
        } else {
            break;
        }
    }
    let mut s: String = lines[..start].concat();
    if let Some(n) = new {
        s.push_str(&n);
    }
    s.push_str(&lines[end..].concat());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(y: &str) -> Mapping {
        serde_yaml::from_str(y).expect("yaml")
    }

    #[test]
    fn three_ways() {
        let base = map("a: 1\nb: 2\nc: 3\n");
        let ours = map("a: 1\nb: 20\nc: 30\nd: local\n");
        let theirs = map("a: 10\nb: 2\nc: 33\n");
        let file = "# office note\na: 1\nb: 20 # edited\nc: 30\n\n# kept comment\nd: local\n";
        let o = merge(file, &ours, Some(&base), &theirs);
        assert_eq!(o.updated, ["a"]);
        assert_eq!(o.kept, ["b", "d"]);
        assert_eq!(o.conflicts.len(), 1);
        assert_eq!(o.conflicts[0].0, "c");
        assert_eq!(
            o.yaml.as_deref(),
            Some("# office note\na: 10\nb: 20 # edited\nc: 30\n\n# kept comment\nd: local\n")
        );
    }

    #[test]
    fn blocks_are_replaced_whole() {
        let y = "x:\n  - 1\n  - 2\n# about y\ny: 3\n";
        let v: Value = serde_yaml::from_str("[5]").expect("v");
        assert_eq!(set_key(y, "x", Some(&v)), "x:\n- 5\n# about y\ny: 3\n");
        assert_eq!(set_key(y, "y", None), "x:\n  - 1\n  - 2\n# about y\n");
        assert_eq!(
            set_key(y, "z", Some(&v)),
            "x:\n  - 1\n  - 2\n# about y\ny: 3\nz:\n- 5\n"
        );
    }
}
