//! How large a YAML text becomes once its aliases are expanded, estimated from the text
//! before any parser sees it. serde_yaml copies an anchor's whole value at every alias
//! (`*ten`), so a 1 MB file can ask for gigabytes ("billion laughs"); libyaml's own
//! guard counts events, not bytes, and lets a large anchored string repeat freely.
//!
//! The estimate reads tokens, not YAML: an anchor `&ten` spans the rest of its line and
//! every following line indented deeper, and an alias costs its anchor's expanded size.
//! It errs on the large side (text that only looks like an anchor), which at worst
//! refuses a file far past any real record's size.
//!
//! The same reading names the anchor a problem sits in ([`Anchors`]), so that a
//! problem in a part used at several places is reported once, where it is written.

/// The text's lines and the byte offset where each starts.
fn lines_of(yaml: &str) -> (Vec<&str>, Vec<usize>) {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut starts = Vec::with_capacity(lines.len());
    let mut at = 0;
    for l in &lines {
        starts.push(at);
        at += l.len() + 1;
    }
    (lines, starts)
}

/// Where the node anchored on line `i` ends (a byte offset): the anchor spans the rest
/// of its line and every following line indented deeper.
fn anchored_end(lines: &[&str], starts: &[usize], i: usize, len: usize) -> usize {
    let line = lines[i];
    let indent = line.len() - line.trim_start().len();
    lines[i + 1..]
        .iter()
        .position(|l| !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent)
        .map_or(len, |n| starts[i + 1 + n])
}

/// The anchors (`&name`) of a text, read once, to name the one a position sits in.
pub struct Anchors<'a> {
    lines: Vec<&'a str>,
    starts: Vec<usize>,
    /// Where each anchor starts and where its node ends (byte offsets), and its name.
    spans: Vec<(usize, usize, &'a str)>,
}

impl<'a> Anchors<'a> {
    pub fn of(yaml: &'a str) -> Self {
        let (lines, starts) = lines_of(yaml);
        let mut spans = Vec::new();
        if yaml.contains('&') {
            for (i, line) in lines.iter().enumerate() {
                for (pos, sigil, name) in tokens(line) {
                    if sigil == '&' {
                        let end = anchored_end(&lines, &starts, i, yaml.len());
                        spans.push((starts[i] + pos, end, name));
                    }
                }
            }
        }
        Anchors {
            lines,
            starts,
            spans,
        }
    }

    /// The name of the innermost anchor whose node holds the 1-based `line` and
    /// character `column`.
    pub fn at(&self, line: usize, column: usize) -> Option<&'a str> {
        let text = self.lines.get(line.checked_sub(1)?)?;
        let col = text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(b, _)| b);
        let at = self.starts[line - 1] + col;
        self.spans
            .iter()
            .filter(|(start, end, _)| *start <= at && at < *end)
            .max_by_key(|(start, _, _)| *start)
            .map(|(_, _, name)| *name)
    }
}

/// Where the first alias is (1-based line) and the estimated expanded size in bytes,
/// or `None` when the text has no alias.
pub fn expanded_size(yaml: &str) -> Option<(usize, usize)> {
    if !yaml.contains('*') {
        return None;
    }
    let (lines, starts) = lines_of(yaml);
    let mut anchors: Vec<(String, usize, usize, usize)> = Vec::new(); // name, start, end, size
    let mut first_alias: Option<usize> = None;
    let mut total = yaml.len();
    // Aliases seen so far with their offsets and expanded sizes, to charge them to
    // the anchors whose span holds them.
    let mut aliases: Vec<(usize, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for (pos, sigil, name) in tokens(line) {
            let offset = starts[i] + pos;
            match sigil {
                '&' => {
                    let end = anchored_end(&lines, &starts, i, yaml.len());
                    anchors.push((name.to_owned(), offset, end, end.saturating_sub(offset)));
                }
                _ => {
                    first_alias.get_or_insert(i + 1);
                    let Some(target) = anchors.iter().rposition(|a| a.0 == name) else {
                        continue;
                    };
                    let size = anchors[target].3;
                    total = total.saturating_add(size);
                    aliases.push((offset, size));
                    // Every open anchor holding this alias grows by what it expands to.
                    for a in anchors.iter_mut() {
                        if a.1 < offset && offset < a.2 {
                            a.3 = a.3.saturating_add(size);
                        }
                    }
                }
            }
        }
    }
    first_alias.map(|line| (line, total))
}

/// `&name` and `*name` tokens of a line: the sigil at the start of the line or after a
/// space or flow punctuation, followed directly by a name.
fn tokens(line: &str) -> impl Iterator<Item = (usize, char, &str)> {
    line.char_indices().filter_map(move |(i, c)| {
        if c != '&' && c != '*' {
            return None;
        }
        let before = line[..i].chars().next_back();
        if before.is_some_and(|b| !(b.is_whitespace() || matches!(b, '[' | '{' | ',' | ':' | '-')))
        {
            return None;
        }
        let rest = &line[i + 1..];
        let len = rest
            .find(|ch: char| ch.is_whitespace() || matches!(ch, ',' | '[' | ']' | '{' | '}'))
            .unwrap_or(rest.len());
        (len > 0).then(|| (i, c, &rest[..len]))
    })
}

#[cfg(test)]
mod tests {
    use super::expanded_size;

    #[test]
    fn no_alias_no_estimate() {
        assert_eq!(expanded_size("a: 1\nb: R&D 5*3\n"), None);
    }

    #[test]
    fn a_repeated_large_anchor_adds_up() {
        let big = "x".repeat(1000);
        let mut y = format!("a: &s {big}\nb:\n");
        for _ in 0..2000 {
            y.push_str("  - *s\n");
        }
        let (line, size) = expanded_size(&y).expect("aliases");
        assert_eq!(line, 3);
        assert!(size > 2_000_000, "{size}");
    }

    #[test]
    fn nested_aliases_multiply() {
        let mut y = String::from("a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        let mut prev = 'a';
        for c in 'b'..='i' {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            y.push_str(&format!("{c}: &{c} [{refs}]\n"));
            prev = c;
        }
        let (_, size) = expanded_size(&y).expect("aliases");
        assert!(size > 100_000_000, "billion laughs estimated at {size}");
    }

    #[test]
    fn the_innermost_anchor_holding_a_position() {
        let y = "a: &ngoai\n  b: 1\n  c: &trong { d: 1 }\ne: *ngoai\n";
        let anchors = super::Anchors::of(y);
        assert_eq!(anchors.at(2, 3), Some("ngoai"));
        assert_eq!(anchors.at(3, 17), Some("trong"));
        assert_eq!(anchors.at(3, 3), Some("ngoai"));
        assert_eq!(anchors.at(4, 1), None);
    }

    #[test]
    fn an_ordinary_anchor_is_small() {
        let y = "kenh: &k\n  thoi_han: 3\n  phi: 0\nkhac:\n  - *k\n  - *k\n";
        let (_, size) = expanded_size(y).expect("aliases");
        assert!(size < 200, "{size}");
    }
}
