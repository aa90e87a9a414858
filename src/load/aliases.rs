//! How large a YAML text becomes once its aliases are expanded, estimated from the text
//! before any parser sees it. serde_yaml copies an anchor's whole value at every alias
//! (`*ten`), so a 1 MB file can ask for gigabytes ("billion laughs"); libyaml's own
//! guard counts events, not bytes, and lets a large anchored string repeat freely.
//!
//! The estimate reads tokens, not YAML: an anchor `&ten` spans the rest of its line and
//! every following line indented deeper, and an alias costs its anchor's expanded size.
//! It errs on the large side (text that only looks like an anchor), which at worst
//! refuses a file far past any real record's size.

/// Where the first alias is (1-based line) and the estimated expanded size in bytes,
/// or `None` when the text has no alias.
pub fn expanded_size(yaml: &str) -> Option<(usize, usize)> {
    if !yaml.contains('*') {
        return None;
    }
    let lines: Vec<&str> = yaml.lines().collect();
    // Byte offset of each line start.
    let mut starts = Vec::with_capacity(lines.len());
    let mut at = 0;
    for l in &lines {
        starts.push(at);
        at += l.len() + 1;
    }
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
                    let indent = line.len() - line.trim_start().len();
                    let end = lines[i + 1..]
                        .iter()
                        .position(|l| {
                            !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent
                        })
                        .map_or(yaml.len(), |n| starts[i + 1 + n]);
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
    fn an_ordinary_anchor_is_small() {
        let y = "kenh: &k\n  thoi_han: 3\n  phi: 0\nkhac:\n  - *k\n  - *k\n";
        let (_, size) = expanded_size(y).expect("aliases");
        assert!(size < 200, "{size}");
    }
}
