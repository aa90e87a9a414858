//! Validate: every rule about what a record *means*, reported all at once.
//!
//! `record` holds the rules one file can break on its own (mandatory parts of Nghị định
//! 63/2010 Điều 8.2, codes, amounts, dates, empty text); `cross` those that need the
//! whole catalogue (duplicate codes, related codes that do not exist); `site` the link
//! templates of `site.yaml`. Shape errors (types, unknown keys, YAML syntax) are found
//! earlier, by `load`; rules about versions and effective dates live in `lifecycle`.

mod blank;
mod cross;
mod forms;
mod gaps;
mod record;
mod site;

pub use blank::NOT_GIVEN;
pub use cross::check_catalogue;
pub use forms::check_forms;
pub use record::check_record;
pub use site::{
    check_feedback, check_life_events, check_lists, check_not_given, check_portal, check_site_text,
    NO_ADDRESS,
};

/// A link in a record that is not a web address every output may carry, as an error
/// at `at` saying how to write it.
fn web_address(
    url: &str,
    at: crate::diagnostic::FieldPath,
    out: &mut Vec<crate::diagnostic::Finding>,
) {
    if !is_web_address(url) {
        out.push(crate::diagnostic::Finding::error(
            at,
            format!("liên kết \"{url}\" không phải địa chỉ web"),
            Some("ghi đầy đủ, bắt đầu bằng https://; dấu cách và các ký tự < > \" ' viết dạng mã (%20, %3C, %3E, %22, %27)".into()),
        ));
    }
}

/// Whether `url` is a web address every output may carry as it is: `http(s)://`, a host,
/// and none of the characters that would end an attribute, a script or a line
/// (whitespace, quotes, `<`, `>`, backslash, backtick, braces…). Percent-encode them.
pub fn is_web_address(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"'`\\{}|^".contains(c))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn web_addresses() {
        for ok in [
            "https://a.vn/",
            "http://a.vn/x?y=1&z=%20",
            "https://dichvucong.gov.vn/p/home/x.html?ma=1.001193",
        ] {
            assert!(super::is_web_address(ok), "{ok}");
        }
        for bad in [
            "a.vn",
            "https://",
            "https:///x",
            "https://a.vn/ <script>",
            "https://a.vn/\"><x",
            "https://a.vn/\n",
            "javascript:alert(1)",
        ] {
            assert!(!super::is_web_address(bad), "{bad:?}");
        }
    }
}
