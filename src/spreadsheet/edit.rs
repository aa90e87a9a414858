//! One top-level key of a record file set to a new value by editing the file's text:
//! only the bytes of that value change, or one line is added for a key the record
//! lacks. Re-serialising the record would lose the officer's comments, key order,
//! quoting and line breaks, and turn a one-word fix into a diff of the whole file.
//!
//! saphyr's marked tree (what `load::locate` points at errors with) says where each key
//! and value starts; where a value ends is found here, because saphyr's end marks run
//! past a quoted scalar into its trailing comment. Whatever this writes is read back by
//! the caller and compared with the record it should now be, so a mistake here is a
//! refusal, never a changed meaning.

use super::columns::Value;
use crate::load::split_front_matter;
use crate::model::keys::KEYS;
use crate::text::yaml_quoted;
use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};
use std::ops::Range;

/// `raw` (a record file's text as on disk: `.md` with front matter when `is_md`) with
/// each `(key, value)` written. Keeps a byte-order mark and CRLF line ends; the error
/// says, in the officer's words, why the file cannot be edited this way.
pub fn edit_file(raw: &str, is_md: bool, edits: &[(&str, &Value)]) -> Result<String, String> {
    let (bom, body) = match raw.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", raw),
    };
    // Edited with LF line ends and written back with the file's own: every line of a
    // CRLF file ends in CRLF, so mixed ends are refused rather than unified.
    let crlf = body.contains("\r\n");
    let text = if crlf {
        let lf = body.replace("\r\n", "\n");
        if lf.contains('\r') || lf.matches('\n').count() != body.matches("\r\n").count() {
            return Err(MIXED_ENDS.into());
        }
        lf
    } else if body.contains('\r') {
        return Err(MIXED_ENDS.into());
    } else {
        body.to_owned()
    };
    let (start, end) = if is_md {
        let split = split_front_matter(&text)
            .ok_or("tệp .md không có phần thông tin YAML giữa hai dòng ---")?;
        (split.yaml_start, split.yaml_start + split.yaml.len())
    } else {
        (0, text.len())
    };
    let mut yaml = text[start..end].to_owned();
    for (key, value) in edits {
        yaml = set_key(&yaml, key, value)?;
    }
    let mut out = format!("{}{yaml}{}", &text[..start], &text[end..]);
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    Ok(format!("{bom}{out}"))
}

const MIXED_ENDS: &str =
    "tệp trộn hai kiểu xuống dòng (CRLF và LF); lưu lại tệp với một kiểu rồi chạy lại";

/// How the old value was written, which decides how the new one is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Style {
    /// Nothing written: the key is absent, or `key:` with no value.
    Absent,
    Plain,
    Quoted,
    /// `|` or `>`: a name on several lines; the new one is written on one.
    Block,
    /// `[a, b]`; `quoted` when its items were.
    Flow {
        quoted: bool,
    },
    /// `- a` items on their own lines, each after `prefix` (the indent and dash).
    Items {
        prefix: String,
        quoted: bool,
    },
}

/// The bytes of `yaml` that hold one key's value, and how it is written.
struct Found {
    range: Range<usize>,
    style: Style,
}

/// `yaml` with top-level `key` set to `value`.
fn set_key(yaml: &str, key: &str, value: &Value) -> Result<String, String> {
    let docs = MarkedYaml::load_from_str(yaml)
        .map_err(|e| format!("không đọc được YAML của tệp ({e}); chạy niemyet check"))?;
    let Some(YamlData::Mapping(map)) = docs.first().map(|d| &d.data) else {
        return Err("tệp hồ sơ không phải danh sách khóa: giá trị".into());
    };
    let lines = Lines::new(yaml);
    let entries: Vec<(&str, &MarkedYaml<'_>, &MarkedYaml<'_>)> = map
        .iter()
        .filter_map(|(k, v)| match &k.data {
            YamlData::Value(Scalar::String(s)) => Some((s.as_ref(), k, v)),
            _ => None,
        })
        .collect();
    if let Some(&(_, k, v)) = entries.iter().find(|(name, _, _)| *name == key) {
        let found = locate_value(yaml, &lines, k, v, key)?;
        let new = render(value, &found.style);
        // A value written right after `key:` needs its space.
        let sep = if found.style == Style::Absent {
            " "
        } else {
            ""
        };
        return Ok(format!(
            "{}{sep}{new}{}",
            &yaml[..found.range.start],
            &yaml[found.range.end..]
        ));
    }
    // Absent: after the nearest key that comes before it in the record's order, so a
    // new `ten_than_thien` lands under `ten_thu_tuc`; else before the first key.
    let rank = |name: &str| KEYS.iter().position(|(k, _, _)| *k == name);
    let mine = rank(key);
    let before = entries
        .iter()
        .filter(|(name, _, _)| rank(name).is_some_and(|r| Some(r) < mine))
        .max_by_key(|(name, _, _)| rank(name));
    let line_text = format!("{key}: {}\n", render(value, &Style::Absent));
    let key_lines: Vec<usize> = entries
        .iter()
        .map(|(_, k, _)| k.span.start.line())
        .collect();
    let at = match before {
        Some(&(_, k, _)) => {
            let line = k.span.start.line();
            let next = key_lines.iter().copied().filter(|&l| l > line).min();
            let last = last_line_of_entry(&lines, line, next.unwrap_or(lines.count() + 1));
            if lines.end(last) == yaml.len() {
                // The last line of a file without a final line break.
                let sep = if yaml.ends_with('\n') || yaml.is_empty() {
                    ""
                } else {
                    "\n"
                };
                return Ok(format!("{yaml}{sep}{line}", line = line_text));
            }
            lines.end(last) + 1
        }
        None => key_lines
            .iter()
            .min()
            .map_or(yaml.len(), |&l| lines.start(l)),
    };
    Ok(format!("{}{line_text}{}", &yaml[..at], &yaml[at..]))
}

/// The last line of the entry whose key is on `line`, the next key being on `next`:
/// blank lines and comments at the start of a line before the next key are left to it.
fn last_line_of_entry(lines: &Lines<'_>, line: usize, next: usize) -> usize {
    (line + 1..next)
        .filter(|&n| {
            let t = lines.text(n);
            !t.trim().is_empty() && !t.starts_with('#')
        })
        .max()
        .unwrap_or(line)
}

/// Where the value of the top-level entry `k: v` sits in `yaml`.
fn locate_value(
    yaml: &str,
    lines: &Lines<'_>,
    k: &MarkedYaml<'_>,
    v: &MarkedYaml<'_>,
    key: &str,
) -> Result<Found, String> {
    let refuse = |why: &str| {
        Err(format!(
            "khóa {key} viết {why}; sửa khóa này trực tiếp trong tệp"
        ))
    };
    if k.span.start.col() != 0 {
        return refuse("lùi vào hoặc trong {…}, không phải một dòng \"khóa: giá trị\" ở đầu dòng");
    }
    let line = k.span.start.line();
    let (line_start, line_end) = (lines.start(line), lines.end(line));
    let colon = yaml[line_start..line_end]
        .find(':')
        .map(|c| line_start + c)
        .ok_or_else(|| format!("không thấy dấu : sau khóa {key}"))?;
    let rest = &yaml[colon + 1..line_end];
    let lead = rest.len() - rest.trim_start().len();
    let on_line = !(rest.trim().is_empty() || rest.trim_start().starts_with('#'));
    let start = if on_line {
        colon + 1 + lead
    } else {
        match &v.data {
            YamlData::Value(Scalar::Null) => {
                return Ok(Found {
                    range: colon + 1..colon + 1,
                    style: Style::Absent,
                })
            }
            YamlData::Sequence(items) => return block_items(yaml, lines, items, key),
            YamlData::Value(_) => lines.offset(v.span.start),
            _ => return refuse("dạng khóa con"),
        }
    };
    let (end, style) = match yaml.as_bytes().get(start) {
        Some(b'&' | b'!' | b'*') => return refuse("bằng neo hoặc thẻ YAML (&, *, !)"),
        Some(b'{') => return refuse("dạng {…}"),
        Some(b'|' | b'>') => (block_end(yaml, lines, line), Style::Block),
        Some(b'[') => {
            let end = scan_flow(yaml, start).ok_or_else(|| unclosed(key))?;
            let quoted = yaml[start..end].contains(['"', '\'']);
            (end, Style::Flow { quoted })
        }
        Some(b'"' | b'\'') => (
            scan_quoted(yaml, start).ok_or_else(|| unclosed(key))?,
            Style::Quoted,
        ),
        // saphyr's end of a plain scalar is exact (before any comment).
        _ => (lines.offset(v.span.end).max(start), Style::Plain),
    };
    Ok(Found {
        range: start..end,
        style,
    })
}

fn unclosed(key: &str) -> String {
    format!("giá trị của khóa {key} mở ngoặc hoặc dấu nháy mà không đóng; chạy niemyet check")
}

/// A block list (`- Xã` lines): the lines from the first item to the end of the last,
/// which must each be one item and nothing else (a comment there would be lost).
fn block_items(
    yaml: &str,
    lines: &Lines<'_>,
    items: &[MarkedYaml<'_>],
    key: &str,
) -> Result<Found, String> {
    let refuse = |why: String| {
        Err(format!(
            "danh sách {key} {why}; sửa danh sách này trực tiếp trong tệp"
        ))
    };
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return refuse("trống mà không ghi []".into());
    };
    let first_line = first.span.start.line();
    let item_start = lines.offset(first.span.start);
    let prefix = &yaml[lines.start(first_line)..item_start];
    if prefix.trim() != "-" {
        return refuse("không viết mỗi mục một dòng \"- …\"".into());
    }
    let mut quoted = false;
    let mut item_lines = Vec::new();
    let mut end = item_start;
    for item in items {
        let at = lines.offset(item.span.start);
        let line = item.span.start.line();
        let text_end = match yaml.as_bytes().get(at) {
            Some(b'"' | b'\'') => {
                quoted = true;
                scan_quoted(yaml, at).ok_or_else(|| unclosed(key))?
            }
            Some(b'[' | b'{' | b'|' | b'>' | b'&' | b'*' | b'!') | None => {
                return refuse(format!("có mục viết phức tạp ở dòng {line}"));
            }
            _ => lines.offset(item.span.end).max(at),
        };
        if !matches!(&item.data, YamlData::Value(_))
            || text_end > lines.end(line)
            || !yaml[text_end..lines.end(line)].trim().is_empty()
            || item_lines.last() == Some(&line)
        {
            return refuse(format!(
                "có chú thích, nhiều mục, hoặc một mục viết trên nhiều dòng ở dòng {line}"
            ));
        }
        item_lines.push(line);
        end = text_end;
    }
    for line in first_line..=last.span.start.line() {
        if !item_lines.contains(&line) && !lines.text(line).trim().is_empty() {
            return refuse(format!("có dòng chú thích hoặc dòng lạ ở dòng {line}"));
        }
    }
    Ok(Found {
        range: lines.start(first_line)..end,
        style: Style::Items {
            prefix: prefix.to_owned(),
            quoted,
        },
    })
}

/// End of a block scalar (`|`, `>`) whose key is on `line`: its last indented line;
/// blank lines after it stay where they are.
fn block_end(yaml: &str, lines: &Lines<'_>, line: usize) -> usize {
    let mut end = lines.end(line);
    for n in line + 1..=lines.count() {
        let text = lines.text(n);
        if text.trim().is_empty() {
            continue;
        }
        if !text.starts_with([' ', '\t']) {
            break;
        }
        end = lines.end(n);
    }
    end.min(yaml.len())
}

/// End (after the closing quote) of the quoted scalar opening at `start`.
fn scan_quoted(yaml: &str, start: usize) -> Option<usize> {
    let b = yaml.as_bytes();
    let quote = *b.get(start)?;
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// End (after the closing bracket) of the flow collection opening at `start`.
fn scan_flow(yaml: &str, start: usize) -> Option<usize> {
    let b = yaml.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                i = scan_quoted(yaml, i)?;
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'#' if i > 0 && b[i - 1].is_ascii_whitespace() => {
                i = yaml[i..].find('\n').map_or(b.len(), |n| i + n);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The value as YAML text, in the old value's style where it had one.
fn render(value: &Value, style: &Style) -> String {
    let plain_first = match style {
        Style::Plain | Style::Block => true,
        Style::Quoted => false,
        // The sample writes names quoted, dates and levels plain.
        _ => !matches!(value, Value::Text(_)),
    };
    match value {
        Value::Texts(items) => match style {
            Style::Items { prefix, quoted } => items
                .iter()
                .map(|s| format!("{prefix}{}", scalar(s, !quoted, false)))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => {
                let quoted = matches!(style, Style::Flow { quoted: true });
                let inner: Vec<String> = items.iter().map(|s| scalar(s, !quoted, true)).collect();
                format!("[{}]", inner.join(", "))
            }
        },
        other => scalar(&other.shown(), plain_first, false),
    }
}

/// `s` as a YAML scalar: plain when asked and serde_yaml would write it plain (so it
/// reads back as the same text, not a number, a date or a key), else double-quoted.
fn scalar(s: &str, plain_first: bool, in_flow: bool) -> String {
    let plain = plain_first
        && !(in_flow && s.contains([',', '[', ']', '{', '}']))
        && serde_yaml::to_string(s).is_ok_and(|w| w.strip_suffix('\n') == Some(s));
    if plain {
        s.to_owned()
    } else {
        yaml_quoted(s)
    }
}

/// Byte offsets of a text's lines, for saphyr's (line, character column) marks.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    fn count(&self) -> usize {
        self.starts.len()
    }

    /// Start of 1-based `line`.
    fn start(&self, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.starts.len() - 1);
        self.starts[i]
    }

    /// End of 1-based `line`, before its line break.
    fn end(&self, line: usize) -> usize {
        let start = self.start(line);
        self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |n| start + n)
    }

    fn text(&self, line: usize) -> &'a str {
        &self.text[self.start(line)..self.end(line)]
    }

    /// Byte offset of a mark (its column counts characters).
    fn offset(&self, m: Marker) -> usize {
        let start = self.start(m.line());
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(m.col())
                .map_or(line.len(), |(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, OnlineLevel};

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn one(raw: &str, key: &str, v: Value) -> String {
        edit_file(raw, false, &[(key, &v)]).expect("edit")
    }

    #[test]
    fn plain_quoted_and_commented_values_change_alone() {
        let raw =
            "# đầu\nma_thu_tuc: \"1.000001\"  # mã\nten_thu_tuc: Cũ   # tên\nlinh_vuc: 'Hộ tịch'\n";
        assert_eq!(
            one(raw, "ten_thu_tuc", text("Mới: có \"nháy\"")),
            "# đầu\nma_thu_tuc: \"1.000001\"  # mã\nten_thu_tuc: \"Mới: có \\\"nháy\\\"\"   # tên\nlinh_vuc: 'Hộ tịch'\n"
        );
        assert_eq!(
            one(raw, "ten_thu_tuc", text("Mới")),
            raw.replace("Cũ", "Mới")
        );
        assert_eq!(
            one(raw, "linh_vuc", text("Chứng thực")),
            raw.replace("'Hộ tịch'", "\"Chứng thực\"")
        );
    }

    #[test]
    fn absent_keys_go_after_their_predecessor() {
        let raw = "ma_thu_tuc: \"1.000001\"\nten_thu_tuc: \"A\"\n# giữ\nlinh_vuc: \"B\"\n";
        assert_eq!(
            one(raw, "ten_than_thien", text("C")),
            "ma_thu_tuc: \"1.000001\"\nten_thu_tuc: \"A\"\nten_than_thien: \"C\"\n# giữ\nlinh_vuc: \"B\"\n"
        );
        let d = Value::Date(Date::from_ymd(2026, 1, 15).expect("date"));
        assert_eq!(
            one("linh_vuc: B", "ngay_hieu_luc", d),
            "linh_vuc: B\nngay_hieu_luc: 15/01/2026\n"
        );
        assert_eq!(
            one("ten_thu_tuc: A\n", "ma_thu_tuc", text("1")),
            "ma_thu_tuc: \"1\"\nten_thu_tuc: A\n"
        );
    }

    #[test]
    fn lists_keep_their_style() {
        let v = Value::Texts(vec!["Xã".into(), "Tỉnh, thành".into()]);
        assert_eq!(
            one(
                "cap_thuc_hien: [Xã]  # c\nx: 1\n",
                "cap_thuc_hien",
                v.clone()
            ),
            "cap_thuc_hien: [Xã, \"Tỉnh, thành\"]  # c\nx: 1\n"
        );
        assert_eq!(
            one(
                "cap_thuc_hien:  # c\n  - Xã\n\n  - Bộ\nx: 1\n",
                "cap_thuc_hien",
                v.clone()
            ),
            "cap_thuc_hien:  # c\n  - Xã\n  - Tỉnh, thành\nx: 1\n"
        );
        for (raw, why) in [
            ("cap_thuc_hien:\n  - Xã  # c\n", "chú thích"),
            ("cap_thuc_hien:\n  - \"Xã\n    Tỉnh\"\n", "nhiều dòng"),
            ("cap_thuc_hien:\n  - Xã\n  # c\n  - Bộ\n", "dòng chú thích"),
        ] {
            let err = edit_file(raw, false, &[("cap_thuc_hien", &v)]).expect_err(raw);
            assert!(err.contains(why), "{raw}: {err}");
        }
    }

    #[test]
    fn multi_line_and_empty_values() {
        assert_eq!(
            one(
                "ten_thu_tuc: >\n  dài\n  lắm\n\nx: 1\n",
                "ten_thu_tuc",
                text("Ngắn")
            ),
            "ten_thu_tuc: Ngắn\n\nx: 1\n"
        );
        assert_eq!(
            one(
                "ten_thu_tuc: \"dài\n  lắm\" # c\nx: 1\n",
                "ten_thu_tuc",
                text("N")
            ),
            "ten_thu_tuc: \"N\" # c\nx: 1\n"
        );
        assert_eq!(
            one(
                "muc_do_truc_tuyen:   # c\nx: 1\n",
                "muc_do_truc_tuyen",
                Value::Online(OnlineLevel::MotPhan)
            ),
            "muc_do_truc_tuyen: một phần   # c\nx: 1\n"
        );
        let err = edit_file("ten_thu_tuc: &a X\n", false, &[("ten_thu_tuc", &text("Y"))])
            .expect_err("anchor");
        assert!(err.contains("neo"), "{err}");
    }

    /// Every sample record, every editable key: the edit reads back as the record with
    /// that key changed and one line differs; cut anywhere, a record is refused or
    /// edited, never a panic.
    #[test]
    fn every_sample_record_takes_every_edit() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/thu-tuc");
        let values = [
            ("ten_thu_tuc", text("Tên: \"mới\" # ổn")),
            ("ten_than_thien", text("- gạch đầu")),
            ("linh_vuc", text("Hộ tịch, Chứng thực")),
            (
                "cap_thuc_hien",
                Value::Texts(vec!["Xã".into(), "[Tỉnh]".into()]),
            ),
            ("muc_do_truc_tuyen", Value::Online(OnlineLevel::Khong)),
            (
                "ngay_hieu_luc",
                Value::Date(Date::from_ymd(2030, 2, 28).expect("date")),
            ),
        ];
        for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            let path = entry.path();
            let is_md = path.extension().is_some_and(|e| e == "md");
            let Ok(raw) = std::fs::read_to_string(path) else {
                continue;
            };
            let yaml = |t: &str| match split_front_matter(t) {
                Some(s) if is_md => s.yaml.to_owned(),
                _ => t.to_owned(),
            };
            let old: crate::model::Procedure =
                serde_yaml::from_str(&yaml(&raw)).expect("sample record");
            for (key, v) in &values {
                let out = edit_file(&raw, is_md, &[(key, v)]).expect("edit");
                let mut want = old.clone();
                let column = super::super::columns::Column::ALL
                    .into_iter()
                    .find(|c| c.key() == Some(key))
                    .expect("column");
                v.set(column, &mut want);
                let got: crate::model::Procedure =
                    serde_yaml::from_str(&yaml(&out)).expect("reads back");
                assert_eq!(got, want, "{} {key}", path.display());
                let differ = raw.lines().zip(out.lines()).filter(|(a, b)| a != b).count();
                assert_eq!(raw.lines().count(), out.lines().count(), "{key}");
                assert_eq!(differ, usize::from(want != old), "{} {key}", path.display());
            }
            for cut in (0..raw.len())
                .step_by(101)
                .filter(|&i| raw.is_char_boundary(i))
            {
                for (key, v) in &values {
                    let _ = edit_file(&raw[..cut], is_md, &[(key, v)]);
                }
            }
        }
    }

    #[test]
    fn front_matter_bom_and_crlf_are_kept() {
        let raw = "\u{feff}---\r\nten_thu_tuc: A\r\n---\r\n# Thân\r\n";
        let out = edit_file(raw, true, &[("ten_thu_tuc", &text("B"))]).expect("edit");
        assert_eq!(out, "\u{feff}---\r\nten_thu_tuc: B\r\n---\r\n# Thân\r\n");
        assert!(edit_file("a: 1\r\nb: 2\n", false, &[("a", &text("x"))]).is_err());
    }
}
