//! Builds the real sample catalogue and reads the pages, as a citizen's browser would.

use crate::util::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The sample is built once per test run; tests only read it (`spreadsheet` too).
pub fn sample() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("output");
        build(&sample_content(), &out);
        (tmp, out)
    });
    out
}

fn page(rel: &str) -> String {
    read(&sample().join(rel))
}

/// Pages of procedures on the board: not the list, and not the pages that abolished or
/// replaced procedures keep at their old URL.
fn procedure_pages() -> Vec<PathBuf> {
    files_with_ext(&sample().join("thu-tuc"), &["html"])
        .into_iter()
        .filter(|p| p.parent() != Some(&sample().join("thu-tuc")))
        .filter(|p| !read(p).contains("class=\"procedure retired\""))
        .collect()
}

fn retired_pages() -> Vec<PathBuf> {
    files_with_ext(&sample().join("thu-tuc"), &["html"])
        .into_iter()
        .filter(|p| read(p).contains("class=\"procedure retired\""))
        .collect()
}

#[test]
fn sample_is_a_realistic_catalogue() {
    let procedures = procedure_pages().len();
    let fields = files_with_ext(&sample().join("linh-vuc"), &["html"]).len();
    assert!(procedures >= 40, "{procedures} procedure pages");
    assert!(fields >= 10, "{fields} field pages");
}

#[test]
fn home_lists_fields_with_counts_and_office_details() {
    let home = page("index.html");
    assert!(home.contains("<html lang=\"vi\">"));
    assert!(home.contains("Ủy ban nhân dân phường Định Hòa"));
    assert!(home.contains("action=\"tim-kiem/\""), "search box");
    assert!(home.contains("href=\"truc-tuyen/\""), "online filter");
    assert!(home.contains("Mới cập nhật"));
    assert!(home.contains("Thứ Hai – Thứ Sáu"), "opening hours");
    assert!(home.contains("0909 000 115"), "hotline");
    // Every field page is linked from home with its count, and the counts add up.
    let mut total = 0;
    for field_page in files_with_ext(&sample().join("linh-vuc"), &["html"]) {
        let slug = field_page
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .expect("slug");
        let href = format!("href=\"linh-vuc/{slug}/\"");
        let at = home
            .find(&href)
            .unwrap_or_else(|| panic!("home links {href}"));
        let after = &home[at..];
        let count: usize = after
            .split("<span class=\"count\">")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("count");
        let listed = read(&field_page).matches("class=\"card-title\"").count();
        assert_eq!(count, listed, "count for {slug}");
        total += count;
    }
    assert_eq!(total, procedure_pages().len());
}

#[test]
fn birth_registration_page_has_every_part_in_citizen_order() {
    let html = page("thu-tuc/dang-ky-khai-sinh/index.html");
    assert!(
        html.contains("Thủ tục đăng ký khai sinh"),
        "official name with diacritics"
    );
    // The summary list first (where, how long, how much, online, what one gets, who),
    // then the plain-language guidance, then the detail.
    let order = [
        "<dt>Nộp ở đâu</dt>",
        "<dt>Thời hạn</dt>",
        "<dt>Phí, lệ phí</dt>",
        "<dt>Làm trực tuyến được không</dt>",
        "<dt>Kết quả nhận được</dt>",
        "<dt>Ai được làm</dt>",
        "<h2>Cần chuẩn bị gì</h2>",
        "id=\"ho-so\">Giấy tờ cần mang",
        "id=\"phi\">Phí, lệ phí và thời hạn",
        "id=\"trinh-tu\">Các bước thực hiện",
        "id=\"dieu-kien\">Yêu cầu, điều kiện",
        "id=\"noi-nop\">Nộp ở đâu, khi nào",
        "id=\"can-cu\">Căn cứ pháp lý",
    ];
    let mut last = 0;
    for part in order {
        let at = html.find(part).unwrap_or_else(|| panic!("missing {part}"));
        assert!(at > last, "{part} out of order");
        last = at;
    }
    assert!(html.contains("<th scope=\"col\" class=\"bring\">Cần mang</th>"));
    assert!(
        !html.contains("Hướng dẫn thêm"),
        "no empty heading over the guidance"
    );
    assert!(html.contains("Tờ khai đăng ký khai sinh"));
    assert!(html.contains("ngày làm việc"));
    assert!(html.contains("Cập nhật lần cuối"));
    assert!(html.contains("href=\"../../lien-he/#phan-anh\""));
    assert!(html.contains("<link rel=\"stylesheet\" href=\"../../static/style.css\">"));
}

#[test]
fn online_procedures_link_to_the_portal() {
    let online = page("truc-tuyen/index.html");
    let links = card_links(&online, "../");
    assert!(
        links.len() >= 10,
        "online list has {} procedures",
        links.len()
    );
    for link in links {
        let html = page(&format!("{link}index.html"));
        assert!(
            html.contains("class=\"button\" href=\"https://dichvucong.gov.vn/"),
            "{link} has a portal button"
        );
    }
}

#[test]
fn slugs_are_ascii_and_unique() {
    let checked = niemyet::checked(
        niemyet::Source::Dir(sample_content()),
        niemyet::model::Date::today(),
    )
    .expect("read sample");
    let cat = checked.catalogue.expect("sample has no errors");
    // Every record, on the board or retired (whose page stays at its address).
    let slugs: Vec<&str> = cat
        .entries
        .iter()
        .map(|e| e.slug.as_str())
        .chain(cat.lifecycle.retired.iter().map(|r| r.record.slug.as_str()))
        .collect();
    let mut distinct = slugs.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), slugs.len(), "two records share an address");
    for slug in &slugs {
        assert!(
            !slug.is_empty()
                && slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug:?}"
        );
    }
    // And each has its own page: as many procedure folders as records.
    let folders = files_with_ext(&sample().join("thu-tuc"), &["html"])
        .into_iter()
        .filter(|p| p.parent() != Some(&sample().join("thu-tuc")))
        .count();
    assert_eq!(folders, slugs.len());
}

#[test]
fn every_relative_link_resolves() {
    let root = sample();
    let mut broken = Vec::new();
    for file in files_with_ext(root, &["html"]) {
        if file.ends_with("404.html") {
            continue; // links from the base URL, checked below
        }
        let html = read(&file);
        for attr in ["href=\"", "src=\""] {
            for rest in html.split(attr).skip(1) {
                let target = rest.split('"').next().unwrap_or("");
                let target = target.split('#').next().unwrap_or("");
                if target.is_empty() || target.contains(':') || target.starts_with('/') {
                    continue;
                }
                let mut resolved = file.parent().expect("dir").join(target);
                if target.ends_with('/') {
                    resolved = resolved.join("index.html");
                }
                if !resolved.exists() {
                    broken.push(format!("{} → {target}", file.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn sitemap_robots_and_404() {
    let sitemap = page("sitemap.xml");
    assert!(sitemap.starts_with("<?xml"));
    for p in procedure_pages() {
        let slug = p
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .expect("slug");
        let url = format!("<loc>https://niemyet.example.vn/thu-tuc/{slug}/</loc>");
        assert!(sitemap.contains(&url), "sitemap lists {slug}");
    }
    // The sample has an abolished and a replaced procedure: their old URLs answer, but
    // the sitemap does not list them.
    let retired = retired_pages();
    assert!(retired.len() >= 2, "{retired:?}");
    for p in retired {
        let slug = p
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .expect("slug");
        assert!(
            !sitemap.contains(&format!("/thu-tuc/{slug}/<")),
            "sitemap omits {slug}"
        );
    }
    assert!(sitemap.contains("<loc>https://niemyet.example.vn/cap-nhat/</loc>"));
    assert!(page("robots.txt").contains("Sitemap: https://niemyet.example.vn/sitemap.xml"));
    let not_found = page("404.html");
    assert!(not_found.contains("Không tìm thấy trang"));
    assert!(
        not_found.contains("href=\"/static/style.css\""),
        "404 links from the site root"
    );
}

#[test]
fn pages_work_without_javascript() {
    // Lists are in the HTML itself; scripts only enhance.
    let search = page("tim-kiem/index.html");
    assert!(search.matches("class=\"card-title\"").count() >= 40);
    for p in procedure_pages().iter().take(5) {
        let html = read(p);
        assert_eq!(html.matches("<h1").count(), 1, "one h1 in {}", p.display());
        assert!(html.contains("class=\"skip\""), "skip link");
    }
}

#[test]
fn same_input_gives_byte_identical_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    let again = tmp.path().join("again");
    build(&sample_content(), &again);
    let snapshot = |root: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        files_with_ext(
            root,
            &["html", "xml", "txt", "css", "js", "json", "pdf", "svg"],
        )
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p.strip_prefix(root).expect("rel").to_path_buf(), bytes)
        })
        .collect()
    };
    let a = snapshot(sample());
    let b = snapshot(&again);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{} differs between builds", k.display());
    }
}

/// A copy of the sample under `root` with one more setting in its `site.yaml`.
fn sample_with(root: &Path, setting: &str) -> PathBuf {
    let content = root.join("content");
    copy_dir(&sample_content(), &content);
    add_to_site_yaml(&content, setting);
    content
}

/// Card links of a list page, site-relative.
fn card_links(html: &str, root: &str) -> Vec<String> {
    // The card a search page keeps in a <template> for its script is not in the list.
    let html = match (html.find("<template"), html.find("</template>")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &html[..a], &html[b..]),
        _ => html.to_owned(),
    };
    html.split("class=\"card-title\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|href| href.strip_prefix(root).unwrap_or(href).to_owned())
        .collect()
}

#[test]
fn long_lists_are_split_into_linked_pages() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = sample_with(tmp.path(), "so_thu_tuc_moi_trang: 10");
    let out = tmp.path().join("output");
    build(&content, &out);

    // Every procedure of the full list, once, across pages of at most ten, in order.
    let total = card_links(&read(&sample().join("thu-tuc/index.html")), "../").len();
    assert!(total > 20, "{total} procedures in the sample");
    let pages = total.div_ceil(10);
    let mut seen = Vec::new();
    for n in 1..=pages {
        let (rel, root) = if n == 1 {
            ("thu-tuc/index.html".to_owned(), "../")
        } else {
            (format!("thu-tuc/trang-{n}/index.html"), "../../")
        };
        let html = read(&out.join(&rel));
        let cards = card_links(&html, root);
        assert!(
            !cards.is_empty() && cards.len() <= 10,
            "{rel}: {} cards",
            cards.len()
        );
        assert!(
            html.contains(&format!("Trang {n}/{pages}.")),
            "{rel} says where it is"
        );
        assert!(
            html.contains(&format!("{total} thủ tục.")),
            "{rel} gives the whole count"
        );
        if n > 1 {
            let prev = if n == 2 {
                "thu-tuc/".to_owned()
            } else {
                format!("thu-tuc/trang-{}/", n - 1)
            };
            assert!(
                html.contains(&format!("href=\"{root}{prev}\" rel=\"prev\"")),
                "{rel} links back"
            );
        }
        if n < pages {
            assert!(
                html.contains(&format!(
                    "href=\"{root}thu-tuc/trang-{}/\" rel=\"next\"",
                    n + 1
                )),
                "{rel} links on"
            );
        } else {
            assert!(
                !html.contains("rel=\"next\""),
                "the last page ends the list"
            );
        }
        assert!(html.contains(
            "aria-current=\"page\">{n}</a>"
                .replace("{n}", &n.to_string())
                .as_str()
        ));
        seen.extend(cards);
    }
    assert_eq!(
        seen,
        card_links(&read(&sample().join("thu-tuc/index.html")), "../")
    );
    assert!(!out.join(format!("thu-tuc/trang-{}", pages + 1)).exists());

    // A field's page is split the same way: Hộ tịch has more than ten procedures.
    let field_cards = card_links(&page("linh-vuc/ho-tich/index.html"), "../../");
    assert!(field_cards.len() > 10, "{} in Hộ tịch", field_cards.len());
    let first = read(&out.join("linh-vuc/ho-tich/index.html"));
    let second = read(&out.join("linh-vuc/ho-tich/trang-2/index.html"));
    assert!(first.contains("href=\"../../linh-vuc/ho-tich/trang-2/\" rel=\"next\""));
    assert!(second.contains("href=\"../../../linh-vuc/ho-tich/\" rel=\"prev\""));
    let mut split = card_links(&first, "../../");
    split.extend(card_links(&second, "../../../"));
    assert_eq!(split, field_cards);

    // Under the search box: the first page and a link to the rest.
    let search = read(&out.join("tim-kiem/index.html"));
    assert_eq!(card_links(&search, "../").len(), 10);
    assert!(search.contains("href=\"../thu-tuc/trang-2/\""));
    // The sample itself fits on one page: no pager, every procedure on the search page.
    let one = page("thu-tuc/index.html");
    assert!(!one.contains("class=\"pager\""));
    assert_eq!(card_links(&page("tim-kiem/index.html"), "../").len(), total);
}

#[test]
fn a_list_page_of_zero_procedures_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = sample_with(tmp.path(), "so_thu_tuc_moi_trang: 0");
    let (run, json) = check_json(&content);
    assert_eq!(run.status.code(), Some(1));
    let line = read(&content.join("site.yaml"))
        .lines()
        .position(|l| l.starts_with("so_thu_tuc_moi_trang"))
        .expect("line")
        + 1;
    let found = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .any(|d| {
            d["field"] == "so_thu_tuc_moi_trang"
                && d["line"] == line
                && d["file"].as_str().is_some_and(|f| f.ends_with("site.yaml"))
                && d["severity"] == "error"
        });
    assert!(found, "{json}");
}

/// Life events and the rating link in `site.yaml` are checked like the rest of it: a code
/// no record carries and an address that is not one are errors at their lines.
#[test]
fn life_event_codes_and_the_rating_link_are_checked_at_their_lines() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = tmp.path().join("content");
    copy_dir(&sample_content(), &content);
    let path = content.join("site.yaml");
    let site = read(&path)
        .replace("\"1.000656\", \"1.001731\"", "\"1.000656\", \"9.999999\"")
        .replace(
            "url: \"https://motcua.dinhhoa.example.vn/danh-gia\"",
            "url: \"motcua/danh-gia\"",
        );
    std::fs::write(&path, &site).expect("site.yaml");
    let line_of = |needle: &str| site.lines().position(|l| l.contains(needle)).expect(needle) + 1;
    let (run, json) = check_json(&content);
    assert_eq!(run.status.code(), Some(1));
    let diags = json["diagnostics"].as_array().expect("diagnostics");
    for (field, line, message) in [
        (
            "su_kien_cuoc_song[2].thu_tu[1]",
            line_of("9.999999"),
            "không có thủ tục nào mang mã \"9.999999\"",
        ),
        (
            "danh_gia.url",
            line_of("motcua/danh-gia"),
            "không phải địa chỉ web",
        ),
    ] {
        assert!(
            diags.iter().any(|d| d["field"] == field
                && d["line"] == line
                && d["message"].as_str().is_some_and(|m| m.contains(message))
                && d["file"].as_str().is_some_and(|f| f.ends_with("site.yaml"))),
            "{field} at line {line}: {json}"
        );
    }
}

/// The pages added for citizens who start from their situation, or need help online:
/// life events in the order of `site.yaml`, the account guide, the rating link; and the
/// smaller things a reader notices (short meta description, every level badged, brief
/// "Mới cập nhật" cards).
#[test]
fn life_events_account_help_and_rating_link() {
    let events = page("su-kien/index.html");
    for name in [
        "Có con mới sinh",
        "Kết hôn",
        "Người thân qua đời",
        "Gia đình",
    ] {
        assert!(events.contains(name), "event {name}");
    }
    let birth = page("su-kien/co-con-moi-sinh/index.html");
    let order: Vec<String> = card_links(&birth, "../../");
    assert_eq!(
        &order[..5],
        [
            "thu-tuc/lien-thong-dien-tu-dang-ky-khai-sinh-dang-ky-thuong-tru-cap-the-bao-hiem-y-te/",
            "thu-tuc/dang-ky-khai-sinh/",
            "thu-tuc/dang-ky-khai-sinh-ket-hop-dang-ky-nhan-cha-me-con/",
            "thu-tuc/dang-ky-nhan-cha-me-con/",
            "thu-tuc/cap-ban-sao-trich-luc-ho-tich-ban-sao-giay-khai-sinh/",
        ],
        "the order of site.yaml, then the rest"
    );
    assert!(order.contains(&"thu-tuc/dang-ky-viec-nuoi-con-nuoi-trong-nuoc/".to_owned()));
    let help = page("huong-dan-tai-khoan/index.html");
    assert!(help.contains("tài khoản định danh"));
    let sitemap = page("sitemap.xml");
    assert!(
        sitemap.contains("su-kien/co-con-moi-sinh/") && sitemap.contains("huong-dan-tai-khoan/")
    );

    let khai_sinh = page("thu-tuc/dang-ky-khai-sinh/index.html");
    assert!(khai_sinh.contains("href=\"https://motcua.dinhhoa.example.vn/danh-gia\""));
    assert!(khai_sinh.contains("href=\"../../huong-dan-tai-khoan/\""));
    for p in procedure_pages() {
        let html = read(&p);
        let desc = html
            .split("<meta name=\"description\" content=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("meta description");
        assert!(desc.chars().count() <= 160, "{}: {desc}", p.display());
    }
    // Every card says whether it can be done online, "Không trực tuyến" included.
    let all = page("thu-tuc/index.html");
    assert_eq!(
        all.matches("class=\"card-title\"").count(),
        all.matches("class=\"badge badge-").count()
    );
    assert!(all.contains("Không trực tuyến"));
    // "Mới cập nhật" on the home page: the plain name only.
    let home = page("index.html");
    let recent = &home[home.find("id=\"moi-cap-nhat\"").expect("recent")..];
    assert!(!recent.contains("card-official"));
}
