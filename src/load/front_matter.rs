//! Markdown records: YAML front matter between `---` lines, then the body (citizen
//! guidance). Only splits text and keeps line offsets; parsing is `record`'s.

/// A Markdown record: YAML front matter between `---` lines, then the body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Lines before the YAML starts, added to YAML line numbers.
    pub yaml_line_offset: usize,
    /// Where the YAML and the body start in the text (byte offsets): for edits that
    /// change the YAML and keep the rest.
    pub yaml_start: usize,
    pub body: &'a str,
    pub body_start: usize,
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
            let body_start = yaml_start + pos + line.len();
            return Some(Split {
                yaml,
                yaml_line_offset: 1,
                yaml_start,
                body: &text[body_start..],
                body_start,
            });
        }
        pos += line.len();
    }
    None
}

/// The YAML of a record's text: its front matter when it has one, else all of it.
pub fn record_yaml(text: &str) -> &str {
    split_front_matter(text).map_or(text, |s| s.yaml)
}

/// A record read as plain YAML, without the model: for what must be known of a file
/// whatever else is wrong with it (its code, its level). `None` when it is not YAML.
pub fn loose_record(text: &str) -> Option<serde_yaml::Value> {
    serde_yaml::from_str(record_yaml(text)).ok()
}

/// The code a loosely read record carries (`ma_thu_tuc`, quoted or not).
pub fn record_code(v: &serde_yaml::Value) -> Option<String> {
    match v.get("ma_thu_tuc")? {
        serde_yaml::Value::String(s) => Some(s.trim().to_owned()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
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
        assert_eq!(s.yaml_start, 4);
        assert_eq!(s.body_start, 13);
    }

    #[test]
    fn unclosed_is_none() {
        assert!(split_front_matter("---\na: 1\n").is_none());
        assert!(split_front_matter("a: 1\n").is_none());
    }
}
