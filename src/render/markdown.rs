//! Markdown bodies (citizen guidance, the complaints notice) to HTML.
//!
//! Officers paste from Word, so raw HTML in Markdown is shown as text, never passed
//! through: a `<script>` in a record must not run on a public site.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let parser = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// `javascript:` and `data:` links would run code or smuggle content; drop them.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("javascript:")
        || lower.starts_with("data:")
        || lower.starts_with("vbscript:")
    {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html("Xin chào <script>alert(1)</script> **bạn**");
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<strong>bạn</strong>"));
    }

    #[test]
    fn html_block_is_escaped() {
        let html = to_html("<div onclick=\"x()\">a</div>\n");
        assert!(!html.contains("<div"));
    }

    #[test]
    fn script_links_are_neutralised() {
        let html = to_html("[bấm](javascript:alert(1))");
        assert!(html.contains("href=\"#\""));
    }
}
