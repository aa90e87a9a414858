//! The module graph points one way. Reads every `crate::…` and `super::…` path in
//! `src/` and fails on a cycle between top-level modules (model, load, validate,
//! lifecycle, catalogue, render, …) or between the modules directly inside one of them
//! (render's site, print, forms…): a cycle means two layers each need the other, and a
//! change to either is a change to both.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Module path of a source file: `src/render/site/view.rs` → ["render", "site", "view"].
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).expect("under src");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The module paths a file names (`crate::a::b`, `super::x`, `crate::{a, b::c}`), as
/// absolute paths of at least two segments where the text gives them.
fn references(text: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    // Strip line comments: docs name modules without depending on them.
    let code: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    let ident = |at: usize| -> (String, usize) {
        let mut end = at;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        (code[at..end].to_owned(), end)
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (mut path, mut at) = if rest.starts_with(b"crate::") {
            (Vec::new(), i + 7)
        } else if rest.starts_with(b"super::")
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
        {
            // `super` of a file's module; `mod.rs` files are their folder's module.
            let mut p = here.to_vec();
            let mut at = i;
            while code[at..].starts_with("super::") {
                p.pop();
                at += 7;
            }
            (p, at)
        } else {
            i += 1;
            continue;
        };
        if code[at..].starts_with('{') {
            // A group: each item's first segment.
            let close = code[at..].find('}').map_or(code.len(), |c| at + c);
            for item in code[at + 1..close].split(',') {
                let first = item.trim().split("::").next().unwrap_or("").trim();
                if !first.is_empty() && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    let mut p = path.clone();
                    p.push(first.to_owned());
                    if let Some(second) = item.trim().split("::").nth(1) {
                        let second = second.trim().trim_start_matches('{');
                        if second
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_')
                            && !second.is_empty()
                        {
                            p.push(second.to_owned());
                        }
                    }
                    out.push(p);
                }
            }
            i = close;
            continue;
        }
        for _ in 0..2 {
            let (name, end) = ident(at);
            if name.is_empty() {
                break;
            }
            path.push(name);
            at = end;
            if !code[at..].starts_with("::") {
                break;
            }
            at += 2;
        }
        out.push(path);
        i = at.max(i + 1);
    }
    out
}

/// Cycles of a graph, each as the list of its members (Tarjan's strongly connected
/// components of more than one node).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        n: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.n);
        t.low.insert(v, t.n);
        t.n += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(next) = t.g.get(v) {
            for w in next {
                let w = w.as_str();
                if !t.g.contains_key(w) {
                    continue;
                }
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        n: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn the_module_graph_has_no_cycle() {
    // Top level: module → modules it names. Inside a module: submodule → siblings.
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut inner: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in rust_files(&src()) {
        let here = module_of(&file);
        let Some(first) = here.first().cloned() else {
            continue; // lib.rs / main.rs: the roots
        };
        let text = std::fs::read_to_string(&file).expect("read");
        top.entry(first.clone()).or_default();
        for r in references(&text, &here) {
            let Some(to) = r.first() else { continue };
            if *to != first {
                top.entry(first.clone()).or_default().insert(to.clone());
            } else if let (Some(from_sub), Some(to_sub)) = (here.get(1), r.get(1)) {
                if from_sub != to_sub {
                    inner
                        .entry(first.clone())
                        .or_default()
                        .entry(from_sub.clone())
                        .or_default()
                        .insert(to_sub.clone());
                }
            }
        }
    }
    let mut found = Vec::new();
    for c in cycles(&top) {
        found.push(format!("crate: {}", c.join(" ⇄ ")));
    }
    for (m, g) in &inner {
        for c in cycles(g) {
            found.push(format!("{m}: {}", c.join(" ⇄ ")));
        }
    }
    let edges: Vec<String> = top
        .iter()
        .map(|(k, v)| {
            format!(
                "  {k} → {}",
                v.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        found.is_empty(),
        "module cycles:\n  {}\n\nedges:\n{}",
        found.join("\n  "),
        edges.join("\n")
    );
}

#[test]
fn the_reader_finds_paths_and_groups() {
    let here = vec!["render".to_owned(), "site".to_owned()];
    let refs = references(
        "use crate::{catalogue::Entry, model};\nuse super::forms::X; // crate::fake\nlet a = crate::text::fold(b);",
        &here,
    );
    let has = |p: &[&str]| {
        refs.iter().any(|r| {
            r.iter()
                .map(String::as_str)
                .take(p.len())
                .eq(p.iter().copied())
        })
    };
    assert!(has(&["catalogue", "Entry"]), "{refs:?}");
    assert!(has(&["model"]), "{refs:?}");
    assert!(has(&["render", "forms"]), "{refs:?}");
    assert!(has(&["text", "fold"]), "{refs:?}");
    assert!(!refs.iter().any(|r| r.first().is_some_and(|f| f == "fake")));
    let mut g = BTreeMap::new();
    g.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    g.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(cycles(&g), vec![vec!["a".to_owned(), "b".to_owned()]]);
}
