//! Finds where a field path sits in a YAML text, for error positions.
//!
//! Records are deserialised by serde_yaml, which forgets positions once it succeeds.
//! Only a file that has a problem is parsed a second time, here, with saphyr's marked
//! tree; clean files never pay for it.
//!
//! saphyr copies an anchored node at each of its aliases, positions included, so a
//! problem inside it is found once per place that uses it, all at the anchored line.
//! Those are one problem and are reported once, saying how many places use it.

use super::aliases::Anchors;
use crate::diagnostic::{Diagnostic, FieldPath, Finding, Seg};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// 1-based line and 1-based character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

pub struct Locator<'a> {
    yaml: &'a str,
    root: Option<MarkedYaml<'a>>,
    /// Lines before the YAML starts (front matter in a `.md` file).
    line_offset: usize,
}

impl<'a> Locator<'a> {
    /// Turn path-only findings into diagnostics on `file`, whose whole text is `source`.
    /// The same finding at the same place, reached through aliases, is one diagnostic
    /// that says how many places use that part.
    pub fn diagnostics(
        &self,
        file: &Path,
        source: &Arc<str>,
        findings: impl IntoIterator<Item = Finding>,
    ) -> Vec<Diagnostic> {
        // Each diagnostic, how many places reported it, and whether one came by an alias.
        let mut out: Vec<(Diagnostic, usize, bool)> = Vec::new();
        let mut seen: HashMap<(usize, usize, String, Option<String>), usize> = HashMap::new();
        for f in findings {
            let (pos, aliased) = self.find_at(&f.field, f.at_key);
            let key = (pos.line, pos.column, f.message, f.fix);
            if let Some(&i) = seen.get(&key) {
                let (d, uses, via) = &mut out[i];
                if (aliased || *via) && d.severity == f.severity {
                    *uses += 1;
                    *via |= aliased;
                    if !aliased {
                        // Name the part where it is written, not one of its copies.
                        d.field = f.field;
                    }
                    continue;
                }
            }
            let (line, column, message, fix) = key.clone();
            seen.entry(key).or_insert(out.len());
            out.push((
                Diagnostic {
                    severity: f.severity,
                    file: file.to_path_buf(),
                    line,
                    column,
                    field: f.field,
                    message,
                    fix,
                    source: Some(source.clone()),
                },
                1,
                aliased,
            ));
        }
        // Read once, and only when a part used at several places has a problem.
        let mut anchors: Option<Anchors<'_>> = None;
        out.into_iter()
            .map(|(mut d, uses, via)| {
                if via && uses > 1 {
                    let anchors = anchors.get_or_insert_with(|| Anchors::of(self.yaml));
                    let line = d.line.saturating_sub(self.line_offset);
                    d.message = match anchors.at(line, d.column) {
                        Some(name) => format!(
                            "{} (trong phần đặt neo &{name}, dùng ở {uses} chỗ)",
                            d.message
                        ),
                        None => format!("{} (phần này được dùng lại ở {uses} chỗ)", d.message),
                    };
                }
                d
            })
            .collect()
    }

    pub fn new(yaml: &'a str, line_offset: usize) -> Self {
        let root = MarkedYaml::load_from_str(yaml)
            .ok()
            .and_then(|mut docs| (!docs.is_empty()).then(|| docs.swap_remove(0)));
        Locator {
            yaml,
            root,
            line_offset,
        }
    }

    /// Position of the deepest node on `path` that exists: a missing leaf points at its
    /// parent, so "missing field" and "unknown key" land on a line the officer can see.
    pub fn find(&self, path: &FieldPath) -> Position {
        self.find_at(path, false).0
    }

    /// The position, and whether the way there went through an alias. An alias's node
    /// is placed where the alias is written, but what it holds keeps the positions of
    /// the anchored original, written earlier: a key or item that starts before the
    /// mapping or list holding it was reached through an alias.
    fn find_at(&self, path: &FieldPath, at_key: bool) -> (Position, bool) {
        let Some(mut node) = self.root.as_ref() else {
            return (self.pos(1, 0), false);
        };
        let mut best = node_pos(node);
        let mut aliased = false;
        for seg in &path.0 {
            match (seg, &node.data) {
                (Seg::Key(key), YamlData::Mapping(map)) => {
                    let found = map.iter().find(
                        |(k, _)| matches!(&k.data, YamlData::Value(Scalar::String(s)) if s == key),
                    );
                    match found {
                        Some((k, v)) => {
                            aliased |= k.span.start.index() < node.span.start.index();
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
                        aliased |= v.span.start.index() < node.span.start.index();
                        best = node_pos(v);
                        node = v;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        (self.pos(best.0, best.1), aliased)
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

    #[test]
    fn a_problem_in_an_anchored_part_is_one_diagnostic_at_the_anchor() {
        // A list of documents whose first is anchored and used twice more; a flow list
        // aliasing an item before it; a second, ordinary problem at another place.
        let text = "g:\n  - d:\n      - &a { t: 1 }\n      - { t: 2 }\n  - d:\n      - *a\n  - d: [*a]\nh: [&b { t: 3 }, *b]\n";
        let loc = Locator::new(text, 2);
        let at = |segs: &[Seg]| Finding::error(path(segs), "khóa \"t\" sai", None);
        let doc = |g: usize, i: usize| {
            at(&[
                Seg::Key("g".into()),
                Seg::Index(g),
                Seg::Key("d".into()),
                Seg::Index(i),
                Seg::Key("t".into()),
            ])
        };
        let h = |i: usize| at(&[Seg::Key("h".into()), Seg::Index(i), Seg::Key("t".into())]);
        let source: Arc<str> = Arc::from(text);
        let found = loc.diagnostics(
            Path::new("x.yaml"),
            &source,
            [doc(1, 0), doc(0, 0), doc(0, 1), doc(2, 0), h(0), h(1)],
        );
        let shown: Vec<(usize, String, String)> = found
            .iter()
            .map(|d| (d.line, d.field.to_string(), d.message.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    5,
                    "g[0].d[0].t".to_owned(),
                    "khóa \"t\" sai (trong phần đặt neo &a, dùng ở 3 chỗ)".to_owned()
                ),
                (6, "g[0].d[1].t".to_owned(), "khóa \"t\" sai".to_owned()),
                (
                    10,
                    "h[0].t".to_owned(),
                    "khóa \"t\" sai (trong phần đặt neo &b, dùng ở 2 chỗ)".to_owned()
                ),
            ]
        );
    }
}
