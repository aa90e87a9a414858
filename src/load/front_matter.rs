//! Markdown records: YAML front matter between `---` lines, then the body (citizen
//! guidance). Only splits text and keeps line offsets; parsing is `record`'s.

/// A Markdown record: YAML front matter between `---` lines, then the body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Lines before the YAML starts, added to YAML line numbers.
    pub yaml_line_offset: usize,
    pub body: &'a str,
}

/// Splits `---\n<yaml>\n---\n<body>`. `None` when the file does not open with `---`.
pub fn split_front_matter(text: &str) -> Option<Split<'_>> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix('\n')?;
    let yaml_start = text.len() - rest.len();
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &text[yaml_start..yaml_start + pos];
            let body = &rest[pos + line.len()..];
            return Some(Split {
                yaml,
                yaml_line_offset: 1,
                body,
            });
        }
        pos += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let s = split_front_matter("---\na: 1\n---\n# Body\n").expect("split");
        assert_eq!(s.yaml, "a: 1\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.yaml_line_offset, 1);
    }

    #[test]
    fn unclosed_is_none() {
        assert!(split_front_matter("---\na: 1\n").is_none());
        assert!(split_front_matter("a: 1\n").is_none());
    }
}
