//! Where every output lives: the site's address layout, in one place.
//!
//! Every path here is site-relative and ends with `/` for a page (its `index.html`) or
//! names a file. Renderers, views, the sitemap and the search client take their addresses
//! from here; nothing else spells `thu-tuc/` or `in/`. It knows no records: callers pass
//! the slugs the catalogue chose.

/// All procedures, A–Z; a procedure's page is below it.
pub const PROCEDURES: &str = "thu-tuc/";
/// Fields (lĩnh vực): a field's page is below it.
pub const FIELDS: &str = "linh-vuc/";
/// Procedures that can be done online.
pub const ONLINE: &str = "truc-tuyen/";
/// The search page (its list is every procedure when script is off).
pub const SEARCH_PAGE: &str = "tim-kiem/";
pub const CONTACT: &str = "lien-he/";
/// Forms: the index, and a form's page below it.
pub const FORMS: &str = "bieu-mau/";
/// What changed, newest first, and its Atom feed.
pub const UPDATES: &str = "cap-nhat/";
pub const FEED: &str = "cap-nhat/atom.xml";
/// What is announced and not in force yet.
pub const UPCOMING: &str = "sap-co-hieu-luc/";
/// Life events: the index, and an event's page below it.
pub const LIFE_EVENTS: &str = "su-kien/";
/// How to create an account on the public-service portal.
pub const ACCOUNT_HELP: &str = "huong-dan-tai-khoan/";
/// The printed board: posters, guide sheets, field posters, the board index.
pub const PRINT: &str = "in/";
#[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
pub const PRINT_INDEX_PDF: &str = "in/muc-luc.pdf";
/// Open data (JSON, CSV, manifest).
pub const DATA: &str = "du-lieu/";
/// The search index the client fetches.
pub const SEARCH_INDEX: &str = "search/";
/// Theme assets (CSS, scripts).
pub const STATIC: &str = "static/";
pub const NOT_FOUND: &str = "404.html";
/// Short addresses by national code (`m/1.001193/`), each leading on to the procedure's
/// page: what a poster's QR code holds, so the code stays coarse enough to scan from a
/// phone at arm's length, and stays valid when a procedure's name (its slug) changes.
pub const SHORT: &str = "m/";
/// The complaints notice (TT 02/2017), posted as its own sheet; every poster points to it.
#[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
pub const COMPLAINTS_PDF: &str = "in/phan-anh-kien-nghi.pdf";

/// The site's top-level folders. A procedure or field slug never needs to avoid them
/// (they live one level down), but the 404 page, served at any depth and in any folder,
/// finds the site's root in its own address by them.
pub const SECTIONS: [&str; 15] = [
    PROCEDURES,
    FIELDS,
    ONLINE,
    SEARCH_PAGE,
    CONTACT,
    FORMS,
    UPDATES,
    UPCOMING,
    LIFE_EVENTS,
    ACCOUNT_HELP,
    PRINT,
    DATA,
    SEARCH_INDEX,
    STATIC,
    SHORT,
];

pub fn procedure(slug: &str) -> String {
    format!("{PROCEDURES}{slug}/")
}

/// A procedure's short address, by its national code (codes are ASCII digits, dots and
/// letters: see `validate::record::check_code`).
pub fn short(code: &str) -> String {
    format!("{SHORT}{code}/")
}

pub fn field(slug: &str) -> String {
    format!("{FIELDS}{slug}/")
}

pub fn form(slug: &str) -> String {
    format!("{FORMS}{slug}/")
}

/// A form's blank PDF and its n-th filled sample (1-based), in the form's folder.
pub const FORM_BLANK_PDF: &str = "mau-trong.pdf";

pub fn form_sample_pdf(n: usize) -> String {
    format!("mau-dien-{n}.pdf")
}

pub fn life_event(slug: &str) -> String {
    format!("{LIFE_EVENTS}{slug}/")
}

/// Page `n` of a list whose first page is at `base`: `thu-tuc/`, `thu-tuc/trang-2/`…
pub fn list_page(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_owned()
    } else {
        format!("{base}trang-{n}/")
    }
}

/// Whether a slug would take the address of a list page (`trang-2`): the catalogue
/// never gives it to a procedure.
pub fn is_list_page_slug(slug: &str) -> bool {
    slug.strip_prefix("trang-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The printed version of a page: `thu-tuc/x/` → `in/thu-tuc/x/`.
pub fn print_of(page: &str) -> String {
    format!("{PRINT}{page}")
}

/// A procedure's printed files.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PrintFiles {
    /// Folder of the HTML poster: `in/thu-tuc/<slug>/`.
    pub poster_html: String,
    pub poster_pdf: String,
    pub guide_html: String,
    pub guide_pdf: String,
    pub qr_svg: String,
}

pub fn print_files(procedure_page: &str) -> PrintFiles {
    let dir = print_of(procedure_page);
    PrintFiles {
        poster_pdf: format!("{dir}niem-yet.pdf"),
        guide_pdf: format!("{dir}phieu-huong-dan.pdf"),
        guide_html: format!("{dir}phieu-huong-dan/"),
        qr_svg: format!("{dir}qr.svg"),
        poster_html: dir,
    }
}

/// A field's printed list (A3): its folder, with `danh-muc.pdf` in it.
#[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
pub fn field_poster(field_page: &str) -> String {
    print_of(field_page)
}

#[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
pub fn field_poster_pdf(field_page: &str) -> String {
    format!("{}danh-muc.pdf", print_of(field_page))
}

/// From a page's address back to the site's root: `thu-tuc/x/` → `../../`.
pub fn root_for(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// The site's public address as every output uses it: with exactly one `/` at the end.
/// Done once, when `site.yaml` is read.
pub fn normalise_base(url: &str) -> String {
    format!("{}/", url.trim().trim_end_matches('/'))
}

/// The path part of a base address: `https://x.vn/niem-yet/` → `/niem-yet/`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(i) => normalise_base(&after_scheme[i..]),
        None => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(procedure("dang-ky-khai-sinh"), "thu-tuc/dang-ky-khai-sinh/");
        assert_eq!(list_page(PROCEDURES, 1), "thu-tuc/");
        assert_eq!(list_page(PROCEDURES, 3), "thu-tuc/trang-3/");
        assert!(
            is_list_page_slug("trang-2")
                && !is_list_page_slug("trang-")
                && !is_list_page_slug("trang-2a")
        );
        assert_eq!(
            print_files("thu-tuc/x/").guide_pdf,
            "in/thu-tuc/x/phieu-huong-dan.pdf"
        );
        assert_eq!(root_for(""), "");
        assert_eq!(root_for("thu-tuc/x/"), "../../");
        assert_eq!(normalise_base("https://a.vn"), "https://a.vn/");
        assert_eq!(normalise_base("https://a.vn//"), "https://a.vn/");
        assert_eq!(base_path("https://a.vn"), "/");
        assert_eq!(base_path("https://a.vn/niem-yet"), "/niem-yet/");
    }
}
