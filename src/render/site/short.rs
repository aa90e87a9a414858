//! Short addresses (`m/<code>/`): a page per procedure that sends the reader on to the
//! procedure's page. Printed QR codes hold these, not the page's own address: a short
//! address makes a coarse code that a cheap phone reads from a metre away, and it outlives
//! a renamed procedure (its slug changes, its national code does not).
//!
//! A static host cannot answer with a redirect status, so the page redirects itself
//! (`<meta http-equiv="refresh">`, no script needed) and shows the link for a browser
//! that does not follow it.

use crate::catalogue::Entry;
use crate::permalink;
use crate::render::prose::escape_html;

/// The page at `permalink::short(code)`.
pub fn page(e: &Entry, base_url: &str) -> String {
    let short = permalink::short(&e.code);
    let target = format!("{}{}", permalink::root_for(&short), e.url_path());
    let canonical = format!("{base_url}{}", e.url_path());
    let (target, canonical, name) = (
        escape_html(&target),
        escape_html(&canonical),
        escape_html(&e.plain_name),
    );
    format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n<title>{name}</title>\n</head>\n\
         <body>\n<p><a href=\"{target}\">{name}</a></p>\n</body>\n</html>\n"
    )
}
