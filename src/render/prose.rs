//! Multi-line record text as HTML: what an officer typed in a YAML `|` block or pasted
//! from the portal ("- ", "+ ", "(i)", "a)" items, blank lines between paragraphs) keeps
//! its lines, paragraphs and lists, and every character of it is escaped.
//!
//! Templates use it through the `prose` filter (registered on every Tera instance by
//! [`register`]); `linebreaksbr` is replaced by the same escaping version, so a theme
//! written for Tera's own filter never shows a literal `<br>`.

use std::collections::HashMap;
use tera::{Tera, Value};

/// A list item's marker kind: items of one kind are siblings; a new kind inside a list
/// opens a list nested in the item before it (portal text puts "+" under "-").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dash,
    Dot,
    Star,
    Plus,
    Circle,
    ParenNumber,
    ParenRoman,
    ParenLetter,
    Number,
    Roman,
    Letter,
}

impl Kind {
    /// Enumerated items keep their marker as text ("(ii)" may be cited elsewhere);
    /// bullets are drawn by the list.
    fn enumerated(self) -> bool {
        !matches!(
            self,
            Kind::Dash | Kind::Dot | Kind::Star | Kind::Plus | Kind::Circle
        )
    }
}

#[derive(Debug, Default)]
struct Item {
    lines: Vec<String>,
    children: Vec<Block>,
}

#[derive(Debug)]
enum Block {
    Paragraph(Vec<String>),
    List { enumerated: bool, items: Vec<Item> },
}

/// The marker a line starts with, and the text after it. The text must not be empty, so
/// "-" alone or "1." alone stay text.
fn marker(line: &str) -> Option<(Kind, &str)> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    let bullet = match first {
        '-' | '–' | '—' => Some(Kind::Dash),
        '•' | '·' | '●' | '▪' | '■' => Some(Kind::Dot),
        '*' => Some(Kind::Star),
        '+' => Some(Kind::Plus),
        '○' | '◦' => Some(Kind::Circle),
        _ => None,
    };
    if let Some(kind) = bullet {
        let rest = &line[first.len_utf8()..];
        return rest
            .starts_with(char::is_whitespace)
            .then(|| rest.trim())
            .filter(|r| !r.is_empty())
            .map(|r| (kind, r));
    }
    // "(1) ", "(a) ", "(iv) ", "1. ", "2) ", "a) ", "b. ", "iii) ".
    let (inner, after, paren) = if let Some(rest) = line.strip_prefix('(') {
        let close = rest.find(')')?;
        (&rest[..close], &rest[close + 1..], true)
    } else {
        let end = line.find(['.', ')'])?;
        (&line[..end], &line[end + 1..], false)
    };
    if !after.starts_with(char::is_whitespace) || after.trim().is_empty() {
        return None;
    }
    let kind = if !inner.is_empty() && inner.len() <= 2 && inner.bytes().all(|b| b.is_ascii_digit())
    {
        if paren {
            Kind::ParenNumber
        } else {
            Kind::Number
        }
    } else if !inner.is_empty()
        && inner.len() <= 5
        && inner.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))
    {
        if paren {
            Kind::ParenRoman
        } else {
            Kind::Roman
        }
    } else if inner.chars().count() == 1 && inner.chars().all(|c| c.is_lowercase()) {
        if paren {
            Kind::ParenLetter
        } else {
            Kind::Letter
        }
    } else {
        return None;
    };
    Some((kind, after.trim()))
}

fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    // Open lists, outermost first: (kind, items).
    let mut open: Vec<(Kind, Vec<Item>)> = Vec::new();

    fn close_to(depth: usize, open: &mut Vec<(Kind, Vec<Item>)>, blocks: &mut Vec<Block>) {
        while open.len() > depth {
            let Some((kind, items)) = open.pop() else {
                break;
            };
            let list = Block::List {
                enumerated: kind.enumerated(),
                items,
            };
            match open.last_mut().and_then(|(_, items)| items.last_mut()) {
                Some(parent) => parent.children.push(list),
                None => blocks.push(list),
            }
        }
    }
    let flush = |para: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(std::mem::take(para)));
        }
    };

    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut para, &mut blocks);
            close_to(0, &mut open, &mut blocks);
            continue;
        }
        if let Some((kind, rest)) = marker(line) {
            flush(&mut para, &mut blocks);
            let text = if kind.enumerated() {
                line.to_owned()
            } else {
                rest.to_owned()
            };
            let item = Item {
                lines: vec![text],
                children: Vec::new(),
            };
            match open.iter().position(|(k, _)| *k == kind) {
                Some(depth) => {
                    close_to(depth + 1, &mut open, &mut blocks);
                    open[depth].1.push(item);
                }
                None => open.push((kind, vec![item])),
            }
        } else if raw.starts_with(char::is_whitespace) && !open.is_empty() {
            // An indented line under an item goes on with it.
            if let Some(item) = open.last_mut().and_then(|(_, items)| items.last_mut()) {
                item.lines.push(line.to_owned());
            }
        } else {
            close_to(0, &mut open, &mut blocks);
            para.push(line.to_owned());
        }
    }
    flush(&mut para, &mut blocks);
    close_to(0, &mut open, &mut blocks);
    blocks
}

fn push_lines(out: &mut String, lines: &[String]) {
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        out.push_str(&escape_html(l));
    }
}

fn push_blocks(out: &mut String, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Paragraph(lines) => {
                out.push_str("<p>");
                push_lines(out, lines);
                out.push_str("</p>");
            }
            Block::List { enumerated, items } => {
                out.push_str(if *enumerated {
                    "<ul class=\"enum\">"
                } else {
                    "<ul>"
                });
                for item in items {
                    out.push_str("<li>");
                    push_lines(out, &item.lines);
                    push_blocks(out, &item.children);
                    out.push_str("</li>");
                }
                out.push_str("</ul>");
            }
        }
    }
}

/// `text` as escaped HTML. One paragraph is returned bare (its lines joined by `<br>`), so
/// short text sits in a table cell or list item as it is; anything longer becomes
/// paragraphs and lists. Put the result in a block container (`div`, `li`, `td`, `dd`),
/// never in a `p` or `span`.
pub fn to_html(text: &str) -> String {
    let blocks = parse(text);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    match blocks.as_slice() {
        [Block::Paragraph(lines)] => push_lines(&mut out, lines),
        _ => push_blocks(&mut out, &blocks),
    }
    out
}

/// Lines as escaped HTML joined by `<br>`, markers kept as typed: for text inside a
/// sentence or a `span`.
pub fn lines_html(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut out = String::new();
    push_lines(&mut out, &lines);
    out
}

/// Tera's default also escapes `/`, which turns every URL into `..&#x2F;..&#x2F;`: valid,
/// but unreadable. These five are what HTML text and quoted attributes need.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut plain = 0;
    // Copy runs of plain text whole; only the five ASCII specials need work.
    for (i, b) in input.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&input[plain..i]);
        out.push_str(rep);
        plain = i + 1;
    }
    out.push_str(&input[plain..]);
    out
}

struct Filter(fn(&str) -> String);

impl tera::Filter for Filter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        Ok(Value::String(match value {
            Value::Null => String::new(),
            Value::String(s) => (self.0)(s),
            other => (self.0)(&other.to_string()),
        }))
    }
    /// The filter escapes what it is given: its output must not be escaped again.
    fn is_safe(&self) -> bool {
        true
    }
}

/// `prose` (paragraphs and lists) and an escaping `linebreaksbr` on `tera`.
pub fn register(tera: &mut Tera) {
    tera.register_filter("prose", Filter(to_html));
    tera.register_filter("linebreaksbr", Filter(lines_html));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_specials_and_keeps_vietnamese() {
        assert_eq!(
            escape_html("Đơn <b>\"A&B\"</b> 'ạ'"),
            "Đơn &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#x27;ạ&#x27;"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("ỹ&"), "ỹ&amp;");
    }

    #[test]
    fn one_line_is_bare_and_escaped() {
        assert_eq!(
            to_html("Nộp <b>1</b> bản & chờ"),
            "Nộp &lt;b&gt;1&lt;/b&gt; bản &amp; chờ"
        );
        assert_eq!(to_html("dòng 1\ndòng 2"), "dòng 1<br>dòng 2");
    }

    #[test]
    fn paragraphs_and_portal_lists() {
        let text = "Bước 1: Chuẩn bị hồ sơ\n- Tờ khai\n+ theo mẫu\n+ ký tên\n- Giấy chứng sinh\n\nBước 2: Nộp";
        assert_eq!(
            to_html(text),
            "<p>Bước 1: Chuẩn bị hồ sơ</p><ul><li>Tờ khai<ul><li>theo mẫu</li><li>ký tên</li></ul></li><li>Giấy chứng sinh</li></ul><p>Bước 2: Nộp</p>"
        );
    }

    #[test]
    fn enumerated_items_keep_their_markers() {
        let text = "(i) Cha mẹ;\n(ii) Ông bà;\n  (nếu có)\nSau đó:";
        assert_eq!(
            to_html(text),
            "<ul class=\"enum\"><li>(i) Cha mẹ;</li><li>(ii) Ông bà;<br>(nếu có)</li></ul><p>Sau đó:</p>"
        );
    }

    #[test]
    fn codes_and_numbers_are_not_markers() {
        assert_eq!(marker("1.001193 là mã"), None);
        assert_eq!(marker("2025) x"), None);
        assert_eq!(marker("-5 độ"), None);
        assert_eq!(marker("- "), None);
        assert!(marker("a) Trường hợp").is_some());
        assert!(marker("12. Mục").is_some());
    }

    #[test]
    fn the_inline_form_keeps_markers() {
        assert_eq!(lines_html("- a\n\n+ <b>"), "- a<br>+ &lt;b&gt;");
    }
}
