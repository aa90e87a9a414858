//! Lifecycle end to end: one content tree built at three `--as-of` dates with the real
//! binary, asserting which pages, sitemap entries, search entries, feed entries and open
//! data rows exist at each; `check` rules; `niemyet diff` between two of the builds.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A minimal valid record; `extra` adds dates, decisions, versions.
fn record(code: &str, name: &str, fee: u32, extra: &str) -> String {
    Record::new(code, name).fee(fee).yaml(extra).text()
}

const QD: &str =
    "so_hieu: \"1/QĐ-UBND\", ngay_ban_hanh: 01/12/2024, co_quan_ban_hanh: Ủy ban nhân dân tỉnh";

fn fixture(root: &Path) -> PathBuf {
    let a = record(
        "1.000001",
        "Thủ tục cấp giấy xác nhận A",
        8000,
        &format!(
            "ngay_hieu_luc: 01/01/2025
quyet_dinh_cong_bo: [{{ {QD}, loai: mới, ngay_hieu_luc: 01/01/2025 }}]
mo_ta: \"Giấy xác nhận </script><script>alert(1)</script> A\"
phien_ban_moi:
  ngay_hieu_luc: 01/06/2026
  quyet_dinh_cong_bo: [{{ so_hieu: \"2/QĐ-UBND\", ngay_ban_hanh: 01/05/2026, loai: \"sửa đổi, bổ sung\", ngay_hieu_luc: 01/06/2026 }}]
  cach_thuc_thuc_hien:
    - hinh_thuc: Trực tiếp
      thoi_han: {{ so: 2, don_vi: ngày làm việc }}
      phi_le_phi: [{{ loai: Lệ phí, muc_thu: 10000, don_vi: bản }}]
"
        ),
    );
    let b = record(
        "1.000002",
        "Thủ tục đăng ký mới B",
        0,
        &format!(
            "ngay_hieu_luc: 01/03/2026\nquyet_dinh_cong_bo: [{{ {QD}, loai: mới, ngay_hieu_luc: 01/03/2026 }}]\n"
        ),
    );
    let c = record(
        "1.000003",
        "Thủ tục bãi bỏ C",
        5000,
        &format!(
            "ngay_hieu_luc: 01/01/2025\nquyet_dinh_cong_bo:\n  - {{ {QD}, loai: mới, ngay_hieu_luc: 01/01/2025 }}\n  - {{ so_hieu: \"3/QĐ-UBND\", ngay_ban_hanh: 15/05/2026, co_quan_ban_hanh: Ủy ban nhân dân tỉnh, loai: bãi bỏ, ngay_hieu_luc: 01/06/2026 }}\n"
        ),
    );
    let d = record(
        "1.000004",
        "Thủ tục cũ D",
        5000,
        &format!("ngay_hieu_luc: 01/01/2025\nquyet_dinh_cong_bo: [{{ {QD}, loai: mới, ngay_hieu_luc: 01/01/2025 }}]\n"),
    );
    let e = record(
        "1.000005",
        "Thủ tục thay thế E",
        5000,
        "ngay_hieu_luc: 01/06/2026\nthay_the_cho: [\"1.000004\"]\nquyet_dinh_cong_bo: [{ so_hieu: \"4/QĐ-UBND\", ngay_ban_hanh: 20/05/2026, co_quan_ban_hanh: Ủy ban nhân dân tỉnh, loai: thay thế, ngay_hieu_luc: 01/06/2026 }]\n",
    );
    content_tree(
        root,
        &[
            ("a.yaml", &a),
            ("b.yaml", &b),
            ("c.yaml", &c),
            ("d.yaml", &d),
            ("e.yaml", &e),
        ],
    )
}

fn build_at(content: &Path, out: &Path, as_of: &str) {
    build_with(content, out, &["--as-of", as_of]);
}

const SLUGS: [(&str, &str); 5] = [
    ("1.000001", "cap-giay-xac-nhan-a"),
    ("1.000002", "dang-ky-moi-b"),
    ("1.000003", "bai-bo-c"),
    ("1.000004", "cu-d"),
    ("1.000005", "thay-the-e"),
];

fn slug(code: &str) -> &'static str {
    SLUGS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, s)| *s)
        .expect("code")
}

struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
}

fn built(as_of: &str) -> Built {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = fixture(tmp.path());
    let out = tmp.path().join("out");
    build_at(&content, &out, as_of);
    Built { _tmp: tmp, out }
}

fn page(out: &Path, code: &str) -> Option<String> {
    std::fs::read_to_string(out.join("thu-tuc").join(slug(code)).join("index.html")).ok()
}

/// Codes in force: a normal procedure page, in the sitemap, search, list and open data.
fn assert_in_force(out: &Path, code: &str, yes: bool) {
    let sitemap = read(&out.join("sitemap.xml"));
    let search = read(&out.join("search/ma.json"));
    let list = read(&out.join("thu-tuc/index.html"));
    let data = read(&out.join("du-lieu/thu-tuc.json"));
    let csv = read(&out.join("du-lieu/thu-tuc.csv"));
    let url = format!("thu-tuc/{}/", slug(code));
    let key = format!("\"{}\"", code.replace('.', ""));
    let checks = [
        ("sitemap", sitemap.contains(&url)),
        ("search", search.contains(&key)),
        ("list", list.contains(&url)),
        ("json", data.contains(&format!("\"ma_thu_tuc\":\"{code}\""))),
        ("csv", csv.contains(code)),
        (
            "page",
            page(out, code).is_some_and(|p| p.contains("application/ld+json")),
        ),
    ];
    for (what, got) in checks {
        assert_eq!(got, yes, "{code} in {what} should be {yes}");
    }
}

fn feed_ids(out: &Path) -> Vec<String> {
    let xml = read(&out.join("cap-nhat/atom.xml"));
    let doc = roxmltree::Document::parse(&xml).expect("Atom parses as XML");
    let atom = "http://www.w3.org/2005/Atom";
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(atom));
    for required in ["id", "title", "updated", "author"] {
        assert!(
            feed.children().any(|c| c.has_tag_name((atom, required))),
            "feed has {required}"
        );
    }
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((atom, "entry")))
        .collect();
    for e in &entries {
        for required in ["id", "title", "updated", "link"] {
            assert!(
                e.children().any(|c| c.has_tag_name((atom, required))),
                "entry has {required}"
            );
        }
        let updated = e
            .children()
            .find(|c| c.has_tag_name((atom, "updated")))
            .and_then(|c| c.text())
            .expect("updated");
        assert!(updated.ends_with("T00:00:00+07:00"), "{updated}");
    }
    entries
        .iter()
        .filter_map(|e| e.children().find(|c| c.has_tag_name((atom, "id"))))
        .filter_map(|c| c.text().map(str::to_owned))
        .collect()
}

#[test]
fn three_dates_three_boards() {
    // Before B, the amendment of A, the abolition of C and the replacement of D.
    let t1 = built("2026-01-15");
    for code in ["1.000001", "1.000003", "1.000004"] {
        assert_in_force(&t1.out, code, true);
    }
    for code in ["1.000002", "1.000005"] {
        assert_in_force(&t1.out, code, false);
        assert!(page(&t1.out, code).is_none(), "no page yet for {code}");
    }
    let upcoming = read(&t1.out.join("sap-co-hieu-luc/index.html"));
    for needle in [
        "Thủ tục đăng ký mới B",
        "Thủ tục thay thế E",
        "01/03/2026",
        "01/06/2026",
        "10.000",
    ] {
        assert!(upcoming.contains(needle), "upcoming page lists {needle}");
    }
    let a = page(&t1.out, "1.000001").expect("A");
    assert!(
        a.contains("<time datetime=\"2026-06-01\">Từ ngày 01/06/2026, thủ tục này được sửa đổi, bổ sung</time>"),
        "A announces its amendment"
    );
    let c = page(&t1.out, "1.000003").expect("C");
    assert!(
        c.contains("Từ ngày 01/06/2026, thủ tục này bị bãi bỏ"),
        "C announces its abolition"
    );
    let d = page(&t1.out, "1.000004").expect("D");
    assert!(
        d.contains("Từ ngày 01/06/2026, thủ tục này được thay thế bởi thủ tục “Thủ tục thay thế E” (mã 1.000005)"),
        "D announces its replacement"
    );
    assert!(a.contains("8.000"), "A still shows the current fee");
    let ids = feed_ids(&t1.out);
    assert!(
        ids.iter().any(|i| i.ends_with("#2025-01-01-1.000001-moi")),
        "{ids:?}"
    );
    assert!(
        !ids.iter().any(|i| i.contains("2026-")),
        "nothing from the future: {ids:?}"
    );

    // B in force; the rest unchanged.
    let t2 = built("2026-04-01");
    for code in ["1.000001", "1.000002", "1.000003", "1.000004"] {
        assert_in_force(&t2.out, code, true);
    }
    assert_in_force(&t2.out, "1.000005", false);
    assert!(feed_ids(&t2.out)
        .iter()
        .any(|i| i.ends_with("#2026-03-01-1.000002-moi")));

    // A amended, C abolished, D replaced by E.
    let t3 = built("2026-07-01");
    for code in ["1.000001", "1.000002", "1.000005"] {
        assert_in_force(&t3.out, code, true);
    }
    for code in ["1.000003", "1.000004"] {
        assert_in_force(&t3.out, code, false);
    }
    let c = page(&t3.out, "1.000003").expect("C keeps its URL");
    assert!(c.contains("đã bị bãi bỏ từ ngày <time datetime=\"2026-06-01\">01/06/2026</time>"));
    assert!(c.contains("3/QĐ-UBND") && c.contains("noindex"));
    let d = page(&t3.out, "1.000004").expect("D keeps its URL");
    assert!(d.contains("đã được thay thế từ ngày"));
    assert!(
        d.contains("href=\"../../thu-tuc/thay-the-e/\""),
        "D links to E"
    );
    let a = page(&t3.out, "1.000001").expect("A");
    assert!(a.contains("Thay đổi lần cuối"));
    assert!(
        a.contains("8.000 đồng/bản → 10.000 đồng/bản"),
        "fee change listed"
    );
    assert!(
        a.contains("3 ngày làm việc → 2 ngày làm việc"),
        "time change listed"
    );
    let ids = feed_ids(&t3.out);
    for want in [
        "#2026-06-01-1.000001-sua-doi",
        "#2026-06-01-1.000003-bai-bo",
        "#2026-06-01-1.000005-thay-the",
    ] {
        assert!(
            ids.iter().any(|i| i.ends_with(want)),
            "feed has {want}: {ids:?}"
        );
    }
    // Ids are stable: the same entry keeps its id in a later build.
    let t2_ids = feed_ids(&t2.out);
    assert!(
        t2_ids.iter().all(|i| ids.contains(i)),
        "{t2_ids:?} ⊂ {ids:?}"
    );
    let updates = read(&t3.out.join("cap-nhat/index.html"));
    assert!(updates.contains("id=\"2026-06-01-1.000003-bai-bo\""));
    let home = read(&t3.out.join("index.html"));
    assert!(home.contains("href=\"cap-nhat/\"") && home.contains("application/atom+xml"));

    // Same input, same date: byte-identical open data and feed.
    let again = built("2026-07-01");
    for f in [
        "du-lieu/thu-tuc.json",
        "du-lieu/manifest.json",
        "du-lieu/thu-tuc.csv",
        "cap-nhat/atom.xml",
    ] {
        assert_eq!(
            read(&t3.out.join(f)),
            read(&again.out.join(f)),
            "{f} deterministic"
        );
    }

    diff_between(&t1.out, &t3.out);
}

fn diff_between(old: &Path, new: &Path) {
    let o = run(
        &["diff", &old.to_string_lossy(), &new.to_string_lossy()],
        old,
    );
    assert!(o.status.success(), "{}", text(&o));
    let t = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        t.contains("Thêm 2 thủ tục, bỏ 2 thủ tục, sửa 1 thủ tục."),
        "{t}"
    );
    assert!(t.contains("+ 1.000002") && t.contains("+ 1.000005"), "{t}");
    assert!(t.contains("- 1.000003") && t.contains("- 1.000004"), "{t}");
    // Values as the site words them, channels named by their kind.
    assert!(
        t.contains("Phí, lệ phí (Trực tiếp): 8.000 đồng/bản → 10.000 đồng/bản"),
        "{t}"
    );

    let manifest = new.join("du-lieu/manifest.json");
    let o = run(
        &[
            "diff",
            "--format",
            "json",
            &old.to_string_lossy(),
            &manifest.to_string_lossy(),
        ],
        old,
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("diff JSON");
    let codes = |k: &str| -> Vec<String> {
        v[k].as_array()
            .expect(k)
            .iter()
            .map(|x| x["ma_thu_tuc"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(codes("them"), ["1.000002", "1.000005"]);
    assert_eq!(codes("bo"), ["1.000003", "1.000004"]);
    assert_eq!(codes("sua"), ["1.000001"]);
    let changes = v["sua"][0]["thay_doi"].as_array().expect("thay_doi");
    assert!(
        changes.iter().any(
            |c| c["truong"] == "cach_thuc_thuc_hien[Trực tiếp].phi_le_phi"
                && c["cu"] == "8.000 đồng/bản"
                && c["moi"] == "10.000 đồng/bản"
        ),
        "{changes:?}"
    );

    let same = run(
        &["diff", &new.to_string_lossy(), &new.to_string_lossy()],
        new,
    );
    assert!(String::from_utf8_lossy(&same.stdout).contains("Không có thay đổi"));
    let missing = run(
        &["diff", "/nonexistent-niemyet", &new.to_string_lossy()],
        new,
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("manifest.json"),
        "{}",
        text(&missing)
    );
}

#[test]
fn open_data_matches_its_schema_and_csv_reads_back() {
    let b = built("2026-07-01");
    let schema: serde_json::Value = serde_json::from_str(&read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/open-data.schema.json"),
    ))
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let data: serde_json::Value =
        serde_json::from_str(&read(&b.out.join("du-lieu/thu-tuc.json"))).expect("data JSON");
    let errors: Vec<String> = validator
        .iter_errors(&data)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(data["so_thu_tuc"], 3);
    // The schema is strict: a key it does not know fails (so the schema cannot drift).
    let mut bad = data.clone();
    bad["thu_tuc"][0]["ban_ghi"]["khoa_la"] = serde_json::json!(1);
    assert!(!validator.is_valid(&bad));

    let bytes = std::fs::read(b.out.join("du-lieu/thu-tuc.csv")).expect("csv");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM");
    let body = &bytes[3..];
    assert!(
        body.windows(2).filter(|w| w == b"\r\n").count() >= 4,
        "CRLF line ends"
    );
    let mut r = csv::Reader::from_reader(body);
    let header = r.headers().expect("header").clone();
    assert_eq!(&header[0], "ma_thu_tuc");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(rows.len(), 3);
    let a = rows.iter().find(|r| &r[0] == "1.000001").expect("A row");
    assert_eq!(&a[1], "Thủ tục cấp giấy xác nhận A", "Vietnamese intact");
    assert!(a[7].contains("10.000"), "amended fee: {:?}", &a[7]);
    let header: Vec<&str> = header.iter().collect();
    assert_eq!(
        header,
        [
            "ma_thu_tuc",
            "ten_thu_tuc",
            "ten_than_thien",
            "linh_vuc",
            "cap_thuc_hien",
            "muc_do_truc_tuyen",
            "thoi_han_giai_quyet",
            "phi_le_phi",
            "so_giay_to",
            "doi_tuong_thuc_hien",
            "co_quan_thuc_hien",
            "ket_qua_thuc_hien",
            "ngay_hieu_luc",
            "ngay_cap_nhat",
            "quyet_dinh_cong_bo",
            "duong_dan",
        ],
        "the columns docs/open-data.md lists"
    );

    // JSON-LD parses, and the record's "</script>" did not end the script element.
    let html = page(&b.out, "1.000001").expect("A");
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").expect("end");
    let ld: serde_json::Value = serde_json::from_str(&html[start..end]).expect("JSON-LD parses");
    assert_eq!(ld["@type"], "GovernmentService");
    assert_eq!(
        ld["description"],
        "Giấy xác nhận </script><script>alert(1)</script> A"
    );
    assert_eq!(ld["availableChannel"][0]["processingTime"], "P2D");
    assert_eq!(ld["offers"][0]["price"], 10000.0);
    assert_eq!(ld["serviceOperator"]["name"], "Ủy ban nhân dân cấp xã");
    assert!(ld["audience"]["audienceType"].is_string());
    assert!(!html.contains("<script>alert(1)"), "no script injected");
}

#[test]
fn check_flags_lifecycle_mistakes_with_location_and_fix() {
    let tmp = tempfile::tempdir().expect("tmp");
    let referencing = record(
        "1.000010",
        "Thủ tục tham chiếu",
        1000,
        "ngay_hieu_luc: 01/01/2025\nthu_tuc_lien_quan: [\"1.000003\"]\n",
    );
    let dangling = record(
        "1.000011",
        "Thủ tục thay thế hụt",
        1000,
        "ngay_hieu_luc: 01/01/2025\nthay_the_cho: [\"9.999999\"]\nquyet_dinh_cong_bo: [{ so_hieu: \"5/QĐ\", loai: thay thế }]\n",
    );
    let two_versions = record(
        "1.000012",
        "Thủ tục hai phiên bản",
        1000,
        "ngay_hieu_luc: 01/03/2026\nphien_ban_moi:\n  ngay_hieu_luc: 01/02/2026\n  muc_do_truc_tuyen: một phần\n",
    );
    let content = fixture(tmp.path());
    for (name, text) in [
        ("f.yaml", &referencing),
        ("g.yaml", &dangling),
        ("h.yaml", &two_versions),
    ] {
        std::fs::write(content.join("thu-tuc").join(name), text).expect("write");
    }
    let check = |as_of: &str| {
        let o = Command::new(bin())
            .args(["check", "--format", "json", "--as-of", as_of, "--content"])
            .arg(&content)
            .output()
            .expect("check");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        (o.status.code(), v)
    };
    let (code, v) = check("2026-07-01");
    assert_eq!(code, Some(1));
    let all = v.to_string();
    let find = |file: &str, field: &str| {
        v.as_array()
            .into_iter()
            .flatten()
            .chain(v["diagnostics"].as_array().into_iter().flatten())
            .find(|d| {
                d["file"].as_str().is_some_and(|f| f.ends_with(file))
                    && d["field"].as_str() == Some(field)
            })
            .cloned()
            .unwrap_or_else(|| panic!("{file} {field} in {all}"))
    };
    let r = find("f.yaml", "thu_tuc_lien_quan[0]");
    assert!(r["message"]
        .as_str()
        .unwrap_or_default()
        .contains("bãi bỏ từ 01/06/2026"));
    assert!(r["line"].as_u64().unwrap_or(0) > 1);
    let g = find("g.yaml", "thay_the_cho[0]");
    assert!(g["fix"].as_str().unwrap_or_default().contains("giữ tệp"));
    let h = find("h.yaml", "phien_ban_moi.ngay_hieu_luc");
    assert!(h["message"]
        .as_str()
        .unwrap_or_default()
        .contains("hai phiên bản"));
    // Before C is abolished, referencing it is fine.
    let (_, v) = check("2026-01-15");
    assert!(!v.to_string().contains("thu_tuc_lien_quan[0]"), "{v}");
}

#[test]
fn portal_link_templates_are_validated() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = fixture(tmp.path());
    let site = SITE_YAML.replace(
        "\"https://dichvucong.gov.vn/thu-tuc?ma={ma}\"",
        "\"http://dichvucong.gov.vn/thu-tuc?id=\"",
    );
    std::fs::write(content.join("site.yaml"), site).expect("site");
    let o = Command::new(bin())
        .args(["check", "--content"])
        .arg(&content)
        .output()
        .expect("check");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("cong_dich_vu_cong.mau_lien_ket_thu_tuc"), "{t}");
    assert!(
        t.contains("không bắt đầu bằng https://") && t.contains("thiếu chỗ điền {ma}"),
        "{t}"
    );
}

/// The sample content shows every part of the lifecycle, on fixed dates so the test does
/// not change meaning as the calendar moves.
#[test]
fn sample_shows_upcoming_abolished_replaced_and_amended() {
    let tmp = tempfile::tempdir().expect("tmp");
    let before = tmp.path().join("truoc");
    let after = tmp.path().join("sau");
    build_at(&sample_content(), &before, "2026-11-28");
    build_at(&sample_content(), &after, "2027-01-02");

    let upcoming = read(&before.join("sap-co-hieu-luc/index.html"));
    assert!(upcoming.contains("mã 2.002413"), "new procedure announced");
    assert!(upcoming.contains("mã 1.005461"), "amendment announced");
    assert!(upcoming.contains("Thêm: hình thức Trực tuyến"));
    assert!(!read(&before.join("search/ma.json")).contains("\"2002413\""));
    assert!(read(&after.join("search/ma.json")).contains("\"2002413\""));

    let abolished = read(&before.join("thu-tuc/xet-tang-giay-khen-khu-dan-cu-van-hoa/index.html"));
    assert!(abolished.contains("đã bị bãi bỏ từ ngày") && abolished.contains("3890/QĐ-UBND"));
    let replaced =
        read(&before.join("thu-tuc/lien-thong-khai-sinh-thuong-tru-bhyt-2024/index.html"));
    assert!(replaced.contains("đã được thay thế") && replaced.contains("mã 3.000722"));
    let amended = read(
        &before.join("thu-tuc/cap-ban-sao-trich-luc-ho-tich-ban-sao-giay-khai-sinh/index.html"),
    );
    assert!(
        amended.contains("Thay đổi lần cuối")
            && amended.contains(
                "8.000 đồng/bản sao (có trường hợp được miễn, giảm) → 4.000 đồng/bản sao"
            )
    );
    let late = read(&after.join("thu-tuc/dang-ky-lai-khai-tu/index.html"));
    assert!(late.contains("Thay đổi lần cuối") && late.contains("Thêm: hình thức Trực tuyến"));

    let o = Command::new(bin())
        .args(["check", "--as-of", "2026-11-28", "--content"])
        .arg(sample_content())
        .output()
        .expect("check");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(": 0 lỗi"), "{}", text(&o));
}
