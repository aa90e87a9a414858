//! Themes: templates and static files, from `themes/<name>/` next to the content folder,
//! or the default theme compiled into the binary. A site overrides any theme template
//! with a same-named file in its own `templates/` folder (Zola's rule) and adds or
//! replaces static files with its own `static/` folder.
//!
//! Print (feature `pdf`) reads two more folders of the theme: `print/` (Typst layouts,
//! the HTML print templates and their CSS, all UTF-8 text) and `fonts/` (binary font
//! files, embedded in every PDF). Fonts are never read as text.

use anyhow::{Context, Result};
use include_dir::{include_dir, Dir};
use std::path::Path;
use walkdir::WalkDir;

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    /// (name relative to `templates/`, text)
    pub templates: Vec<(String, String)>,
    /// (path relative to `static/`, bytes)
    pub assets: Vec<(String, Vec<u8>)>,
    /// (name relative to `print/`, text): print layouts and templates.
    pub print: Vec<(String, String)>,
    /// (path relative to `fonts/`, bytes): `.ttf`/`.otf` files and their licences.
    pub fonts: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// `site_root` is the folder holding `content/` (and maybe `themes/`, `templates/`).
    pub fn load(site_root: Option<&Path>, name: &str) -> Result<Theme> {
        let on_disk = site_root.map(|r| r.join("themes").join(name));
        let mut theme = match on_disk {
            Some(dir) if dir.is_dir() => Theme::from_dir(&dir, name)?,
            _ if name == "default" => Theme::embedded(),
            _ => anyhow::bail!(
                "không tìm thấy giao diện \"{name}\": tạo thư mục themes/{name}/ hoặc ghi giao_dien: default trong site.yaml"
            ),
        };
        // A theme made before print existed still prints, with the default layouts and fonts.
        if theme.print.is_empty() || theme.fonts.is_empty() {
            let default = Theme::embedded();
            if theme.print.is_empty() {
                theme.print = default.print;
            }
            if theme.fonts.is_empty() {
                theme.fonts = default.fonts;
            }
        }
        if let Some(root) = site_root {
            let overrides = read_tree(&root.join("templates"))?;
            for (rel, bytes) in overrides {
                let text = String::from_utf8(bytes)
                    .with_context(|| format!("templates/{rel} không phải UTF-8"))?;
                upsert(&mut theme.templates, rel, text);
            }
            for (rel, bytes) in read_tree(&root.join("static"))? {
                upsert(&mut theme.assets, rel, bytes);
            }
            for (rel, bytes) in read_tree(&root.join("print"))? {
                let text = String::from_utf8(bytes)
                    .with_context(|| format!("print/{rel} không phải UTF-8"))?;
                upsert(&mut theme.print, rel, text);
            }
        }
        Ok(theme)
    }

    pub fn embedded() -> Theme {
        let mut templates = Vec::new();
        let mut assets = Vec::new();
        let mut print = Vec::new();
        let mut fonts = Vec::new();
        collect_embedded(&DEFAULT_THEME, &mut |path: &Path, bytes: &[u8]| {
            let rel = path.to_string_lossy().replace('\\', "/");
            if let Some(t) = rel.strip_prefix("templates/") {
                templates.push((t.to_owned(), String::from_utf8_lossy(bytes).into_owned()));
            } else if let Some(s) = rel.strip_prefix("static/") {
                assets.push((s.to_owned(), bytes.to_vec()));
            } else if let Some(p) = rel.strip_prefix("print/") {
                print.push((p.to_owned(), String::from_utf8_lossy(bytes).into_owned()));
            } else if let Some(f) = rel.strip_prefix("fonts/") {
                fonts.push((f.to_owned(), bytes.to_vec()));
            }
        });
        templates.sort();
        assets.sort();
        print.sort();
        fonts.sort();
        Theme {
            templates,
            assets,
            print,
            fonts,
        }
    }

    fn from_dir(dir: &Path, _name: &str) -> Result<Theme> {
        let text_tree = |sub: &str| -> Result<Vec<(String, String)>> {
            read_tree(&dir.join(sub))?
                .into_iter()
                .map(|(rel, bytes)| {
                    String::from_utf8(bytes)
                        .map(|t| (rel.clone(), t))
                        .with_context(|| format!("{}/{sub}/{rel} không phải UTF-8", dir.display()))
                })
                .collect()
        };
        Ok(Theme {
            templates: text_tree("templates")?,
            assets: read_tree(&dir.join("static"))?,
            print: text_tree("print")?,
            fonts: read_tree(&dir.join("fonts"))?,
        })
    }
}

/// A chain of templates that include one another back to the first (`a.html` includes
/// `b.html`, which includes `a.html`): Tera would recurse until the stack overflows,
/// so such a theme is refused before any page is rendered. `extends` and `import` are
/// followed too.
pub fn include_cycle(templates: &[(String, String)]) -> Option<Vec<String>> {
    use std::collections::HashMap;
    let edges: HashMap<&str, Vec<String>> = templates
        .iter()
        .map(|(name, text)| (name.as_str(), referenced(text)))
        .collect();
    // Depth-first, with the path kept to name the loop.
    fn visit<'a>(
        at: &'a str,
        edges: &'a HashMap<&str, Vec<String>>,
        path: &mut Vec<&'a str>,
        done: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == at) {
            let mut ring: Vec<String> = path[i..].iter().map(|s| (*s).to_owned()).collect();
            ring.push(at.to_owned());
            return Some(ring);
        }
        if done.contains(&at) {
            return None;
        }
        path.push(at);
        for next in edges.get(at).into_iter().flatten() {
            if let Some((key, _)) = edges.get_key_value(next.as_str()) {
                if let Some(ring) = visit(key, edges, path, done) {
                    return Some(ring);
                }
            }
        }
        path.pop();
        done.push(at);
        None
    }
    let mut names: Vec<&str> = edges.keys().copied().collect();
    names.sort();
    let mut done = Vec::new();
    names
        .into_iter()
        .find_map(|n| visit(n, &edges, &mut Vec::new(), &mut done))
}

/// The template names a Tera template pulls in: `{% include "x" %}`, `{% extends "x" %}`,
/// `{% import "x" as m %}`.
fn referenced(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or("");
        let tag = tag.trim_start_matches('-').trim_start();
        let Some(rest) = ["include", "extends", "import"]
            .iter()
            .find_map(|k| tag.strip_prefix(k))
        else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(name) = rest[1..].split(q).next() {
            out.push(name.to_owned());
        }
    }
    out
}

fn upsert<T>(list: &mut Vec<(String, T)>, key: String, value: T) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => list.push((key, value)),
    }
}

fn collect_embedded(dir: &Dir<'_>, f: &mut impl FnMut(&Path, &[u8])) {
    for file in dir.files() {
        f(file.path(), file.contents());
    }
    for sub in dir.dirs() {
        collect_embedded(sub, f);
    }
}

/// Every file under `dir` as (relative path with `/`, bytes), sorted; empty if absent.
fn read_tree(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("không duyệt được {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if rel.split('/').any(|c| c.starts_with('.')) {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("không đọc được {}", entry.path().display()))?;
        out.push((rel, bytes));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::include_cycle;

    fn t(name: &str, text: &str) -> (String, String) {
        (name.to_owned(), text.to_owned())
    }

    #[test]
    fn loops_of_includes_are_found_and_named() {
        assert_eq!(
            include_cycle(&[t("a.html", "{% include \"a.html\" %}")]),
            Some(vec!["a.html".to_owned(), "a.html".to_owned()])
        );
        assert_eq!(
            include_cycle(&[
                t("a.html", "x {%- include 'b.html' -%}"),
                t("b.html", "{% extends \"c.html\" %}"),
                t("c.html", "{% import \"a.html\" as m %}"),
            ]),
            Some(
                vec!["a.html", "b.html", "c.html", "a.html"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        assert_eq!(
            include_cycle(&[
                t("base.html", "{% block x %}{% endblock %}"),
                t(
                    "page.html",
                    "{% extends \"base.html\" %}{% include \"card.html\" %}"
                ),
                t("card.html", "card"),
                t(
                    "list.html",
                    "{% include \"card.html\" %}{% include \"missing.html\" %}"
                ),
            ]),
            None
        );
    }
}
