//! Finds where a field path sits in a YAML text, for error positions.
//!
//! Records are deserialised by serde_yaml, which forgets positions once it succeeds.
//! Only a file that has a problem is parsed a second time, here, with saphyr's marked
//! tree; clean files never pay for it.

use crate::diagnostic::{Diagnostic, FieldPath, Finding, Seg};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use std::path::Path;
use std::sync::Arc;

/// 1-based line and 1-based character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

pub struct Locator<'a> {
    root: Option<MarkedYaml<'a>>,
    /// Lines before the YAML starts (front matter in a `.md` file).
    line_offset: usize,
}

impl<'a> Locator<'a> {
    /// Turn path-only findings into diagnostics on `file`, whose whole text is `source`.
    pub fn diagnostics(
        &self,
        file: &Path,
        source: &Arc<str>,
        findings: impl IntoIterator<Item = Finding>,
    ) -> Vec<Diagnostic> {
        findings
            .into_iter()
            .map(|f| {
                let pos = if f.at_key {
                    self.find_key(&f.field)
                } else {
                    self.find(&f.field)
                };
                Diagnostic {
                    severity: f.severity,
                    file: file.to_path_buf(),
                    line: pos.line,
                    column: pos.column,
                    field: f.field,
                    message: f.message,
                    fix: f.fix,
                    source: Some(source.clone()),
                }
            })
            .collect()
    }

    pub fn new(yaml: &'a str, line_offset: usize) -> Self {
        let root = MarkedYaml::load_from_str(yaml)
            .ok()
            .and_then(|mut docs| (!docs.is_empty()).then(|| docs.swap_remove(0)));
        Locator { root, line_offset }
    }

    /// Position of the deepest node on `path` that exists: a missing leaf points at its
    /// parent, so "missing field" and "unknown key" land on a line the officer can see.
    pub fn find(&self, path: &FieldPath) -> Position {
        self.find_at(path, false)
    }

    /// Like [`find`](Self::find), but a key's position even when its value is on its line.
    pub fn find_key(&self, path: &FieldPath) -> Position {
        self.find_at(path, true)
    }

    fn find_at(&self, path: &FieldPath, at_key: bool) -> Position {
        let Some(mut node) = self.root.as_ref() else {
            return self.pos(1, 0);
        };
        let mut best = node_pos(node);
        for seg in &path.0 {
            match (seg, &node.data) {
                (Seg::Key(key), YamlData::Mapping(map)) => {
                    let found = map.iter().find(
                        |(k, _)| matches!(&k.data, YamlData::Value(Scalar::String(s)) if s == key),
                    );
                    match found {
                        Some((k, v)) => {
                            best = node_pos(k);
                            // A value on its own line (block) reads best at its key.
                            if !at_key && v.span.start.line() == k.span.start.line() {
                                best = node_pos(v);
                            }
                            node = v;
                        }
                        None => break,
                    }
                }
                (Seg::Index(i), YamlData::Sequence(seq)) => match seq.get(*i) {
                    Some(v) => {
                        best = node_pos(v);
                        node = v;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        self.pos(best.0, best.1)
    }

    fn pos(&self, line: usize, col0: usize) -> Position {
        Position {
            line: line + self.line_offset,
            column: col0 + 1,
        }
    }
}

fn node_pos(node: &MarkedYaml<'_>) -> (usize, usize) {
    (node.span.start.line().max(1), node.span.start.col())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segs: &[Seg]) -> FieldPath {
        FieldPath(segs.to_vec())
    }

    #[test]
    fn finds_nested_scalar() {
        let text = "a: 1\nb:\n  - x: 1\n  - x: 2\n    ở: \"Đồng\"\n";
        let loc = Locator::new(text, 0);
        let p = loc.find(&path(&[
            Seg::Key("b".into()),
            Seg::Index(1),
            Seg::Key("ở".into()),
        ]));
        assert_eq!(p, Position { line: 5, column: 8 });
        let p = loc.find(&path(&[Seg::Key("b".into())]));
        assert_eq!(p.line, 2);
    }

    #[test]
    fn missing_leaf_points_at_parent_and_offset_applies() {
        let text = "a:\n  b: 1\n";
        let loc = Locator::new(text, 1);
        let p = loc.find(&path(&[Seg::Key("a".into()), Seg::Key("zz".into())]));
        assert_eq!(p.line, 2);
    }
}
