//! Print outputs (`output/in/`), checked the way a print shop would: with poppler's
//! `pdfinfo`, `pdffonts`, `pdftotext`, `pdftoppm` and zbar's `zbarimg`.
//!
//! Without them each test says loudly that it skipped (see `util::tools`); `.ci/run`
//! installs `poppler-utils` and `zbar-tools` and makes them required.

use crate::util::{build_with, content_tree, files_with_ext, FULL_RECORD};
use niemyet::model::SiteConfig;
use niemyet::Entry;
use niemyet::{checked, Source};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

const A4: (f64, f64) = (595.28, 841.89);
const A3: (f64, f64) = (841.89, 1190.55);
const A3_LANDSCAPE: (f64, f64) = (1190.55, 841.89);

use crate::util::pdf::{path_str as s, tool_ok};

struct Pdf {
    pages: usize,
    size: (f64, f64),
    /// Extracted text, NFC, whitespace collapsed (line breaks become spaces).
    text: String,
}

fn pdf(path: &Path) -> Pdf {
    let info = crate::util::pdf::info(path);
    let raw = tool_ok("pdftotext", &["-enc", "UTF-8", s(path), "-"]);
    Pdf {
        pages: info.pages,
        size: info.size,
        text: squash(&raw),
    }
}

/// Text as compared here: NFC, whitespace collapsed, hyphens dropped (pdftotext joins a
/// line that ends in a hyphen with the next and drops the hyphen: "NĐ-" + "CP" → "NĐCP").
fn squash(t: &str) -> String {
    t.nfc()
        .filter(|&c| c != '-')
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_size(path: &Path, got: (f64, f64), want: (f64, f64)) {
    assert!(
        (got.0 - want.0).abs() < 1.0 && (got.1 - want.1).abs() < 1.0,
        "{}: page size {got:?}, want {want:?}",
        path.display()
    );
}

/// Every font is embedded, and it is the theme's Noto Sans.
fn assert_fonts_embedded(path: &Path) {
    for row in crate::util::pdf::assert_fonts_embedded(path) {
        assert!(
            row.contains("NotoSans"),
            "{}: unexpected font {row}",
            path.display()
        );
    }
}

/// Decode the QR codes on every page (rendered at 150 dpi).
fn qr_codes(path: &Path, tmp: &Path) -> Vec<String> {
    crate::util::pdf::qr_codes(path, 150, crate::util::pdf::Pages::All, tmp)
}

/// Where a procedure's QR code must lead: its short address on the site (`m/<code>/`),
/// whatever the procedure (the page there leads on to the portal).
fn expected_qr(e: &Entry, site: &SiteConfig) -> String {
    format!("{}m/{}/", site.base_url, e.code)
}

/// Run `niemyet check --format json`: (record file → messages) of print warnings.
fn sheet_warnings(content: &Path) -> HashMap<PathBuf, Vec<String>> {
    let (_, json) = crate::util::check_json(content);
    let mut map: HashMap<PathBuf, Vec<String>> = HashMap::new();
    for d in json["diagnostics"].as_array().into_iter().flatten() {
        let msg = d["message"].as_str().unwrap_or_default();
        if msg.contains(" tờ (") {
            let file = PathBuf::from(d["file"].as_str().unwrap_or_default());
            map.entry(file).or_default().push(msg.to_owned());
        }
    }
    map
}

fn build_to(content: &Path, out: &Path) {
    build_with(content, out, &["-q"]);
}

/// Check one procedure's poster or guide sheet; returns its page count.
/// `qrs`: every code the sheet must carry, and no other.
fn check_sheet(path: &Path, e: &Entry, want_size: (f64, f64), qrs: &[&str], tmp: &Path) -> usize {
    let doc = pdf(path);
    assert_size(path, doc.size, want_size);
    assert_fonts_embedded(path);
    let p = path.display();
    // Names compared without spaces: a line may break after "/" in "102/2024/NĐ-CP".
    let flat = |t: &str| squash(t).replace(' ', "");
    let text = flat(&doc.text);
    assert!(
        text.contains(&flat(&e.plain_name)),
        "{p}: name \"{}\" not in text:\n{}",
        e.plain_name,
        doc.text
    );
    assert!(
        text.contains(&flat(&e.name)),
        "{p}: official name \"{}\" not in text",
        e.name
    );
    for g in &e.procedure.thanh_phan_ho_so {
        for d in &g.giay_to {
            let name = d.ten.as_deref().unwrap_or_default();
            assert!(
                text.contains(&flat(name)),
                "{p}: document \"{name}\" missing"
            );
        }
    }
    // A sheet fits its page count exactly: one page, or numbered pages.
    if doc.pages > 1 {
        for n in 1..=doc.pages {
            let mark = format!("Trang {n}/{}", doc.pages);
            assert!(doc.text.contains(&mark), "{p}: no \"{mark}\"");
        }
    } else {
        assert!(!doc.text.contains("Trang 1/"), "{p}: numbered single sheet");
    }
    let mut codes = qr_codes(path, tmp);
    codes.sort();
    let mut want: Vec<String> = qrs.iter().map(|q| q.to_string()).collect();
    want.sort();
    assert_eq!(codes, want, "{p}: QR codes");
    doc.pages
}

#[test]
fn sample_print_outputs_check_out() {
    if !crate::util::tools::have_all(crate::util::tools::PDF_TOOLS) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("output");
    // The repository's sample, built in place: its cache (.niemyet-cache/, ignored by git)
    // is shared with the other tests that build the sample.
    let content = crate::util::sample_content();
    build_to(&content, &out);

    let checked =
        checked(Source::Dir(content.clone()), niemyet::model::Date::today()).expect("read sample");
    let site = checked.site.as_ref().expect("sample site.yaml");
    let cat = checked.catalogue.as_ref().expect("sample has no errors");
    assert!(
        cat.entries.len() >= 40,
        "sample has {} records",
        cat.entries.len()
    );
    let warnings = sheet_warnings(&content);

    // Every procedure: poster, guide sheet, both HTML versions, linked from its page.
    let pages: Vec<(String, usize, usize)> = std::thread::scope(|scope| {
        let chunks: Vec<&[Entry]> = cat.entries.chunks(cat.entries.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let out = &out;
                let scratch = tmp.path().join(format!("png{i}"));
                scope.spawn(move || {
                    std::fs::create_dir_all(&scratch).expect("mkdir");
                    chunk
                        .iter()
                        .map(|e| {
                            let dir = out.join("in").join(e.url_path());
                            let qr = expected_qr(e, site);
                            let poster =
                                check_sheet(&dir.join("niem-yet.pdf"), e, A4, &[&qr], &scratch);
                            // The guide sheet also leads to the rating page.
                            let mut guide_qrs = vec![qr.as_str()];
                            guide_qrs.extend(site.danh_gia.as_ref().map(|f| f.url.as_str()));
                            let guide = check_sheet(
                                &dir.join("phieu-huong-dan.pdf"),
                                e,
                                A4,
                                &guide_qrs,
                                &scratch,
                            );
                            assert!(dir.join("index.html").is_file());
                            assert!(dir.join("phieu-huong-dan/index.html").is_file());
                            let page =
                                crate::util::read(&out.join(e.url_path()).join("index.html"));
                            for link in [
                                "niem-yet.pdf\"",
                                "phieu-huong-dan.pdf\"",
                                "phieu-huong-dan/\"",
                            ] {
                                assert!(
                                    page.contains(&format!("in/{}{link}", e.url_path())),
                                    "{}: no link to {link}",
                                    e.url_path()
                                );
                            }
                            (e.source.to_string_lossy().into_owned(), poster, guide)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("checker thread"))
            .collect()
    });

    // `check` warns about exactly the records whose sheets run to a second page.
    for (source, poster, guide) in &pages {
        let warned = warnings
            .iter()
            .find(|(f, _)| source.ends_with(&*f.to_string_lossy()) || f.ends_with(source))
            .map(|(_, m)| m.clone())
            .unwrap_or_default();
        let want = usize::from(*poster > 1) + usize::from(*guide > 1);
        assert_eq!(
            warned.len(),
            want,
            "{source}: poster {poster} p., guide {guide} p., check said {warned:?}"
        );
    }

    // Field posters and the board index: A3 landscape, every code listed.
    for f in &cat.fields {
        let path = out.join("in/linh-vuc").join(&f.slug).join("danh-muc.pdf");
        let doc = pdf(&path);
        assert_size(&path, doc.size, A3_LANDSCAPE);
        assert_fonts_embedded(&path);
        assert!(doc.text.contains(&squash(&f.name)), "{}", path.display());
        for &i in &f.entries {
            assert!(
                doc.text.contains(&cat.entries[i].code),
                "{}: code {} missing",
                path.display(),
                cat.entries[i].code
            );
        }
        if doc.pages > 1 {
            assert!(doc.text.contains(&format!("Trang {0}/{0}", doc.pages)));
        }
        assert!(path.with_file_name("index.html").is_file());
    }
    let index = out.join("in/muc-luc.pdf");
    let doc = pdf(&index);
    assert_size(&index, doc.size, A3_LANDSCAPE);
    assert_fonts_embedded(&index);
    for f in &cat.fields {
        assert!(
            doc.text.contains(&squash(&f.name)),
            "index lacks {}",
            f.name
        );
    }
    let home = site.base_url.trim_end_matches('/').to_owned() + "/";
    assert_eq!(qr_codes(&index, tmp.path()), vec![home]);
    let html = crate::util::read(&out.join("in/index.html"));
    assert!(html.contains("@page"), "print HTML sets the page size");
    assert!(out.join("in/in.css").is_file() && out.join("in/phong-chu/OFL.txt").is_file());
}

/// 25 documents in 8 groups and a 300-character name: type shrinks to the floor, then the
/// text continues on a numbered second sheet; `check` says so. Part of it is written in
/// NFD (as some editors save it) and must come out with its marks in place.
pub(crate) fn long_record() -> String {
    let name = "Thủ tục cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản \
                khác gắn liền với đất lần đầu cho hộ gia đình, cá nhân, cộng đồng dân cư đang \
                sử dụng đất không có giấy tờ về quyền sử dụng đất và không vi phạm pháp luật \
                về đất đai, không thuộc trường hợp đất được giao không đúng thẩm quyền";
    assert!(name.chars().count() >= 300, "{}", name.chars().count());
    let mut s = format!(
        "ma_thu_tuc: \"9.000001\"\nten_thu_tuc: \"{name}\"\nlinh_vuc: Đất đai\n\
         cap_thuc_hien: [Xã]\nmuc_do_truc_tuyen: một phần\nngay_cap_nhat: 01/10/2026\n\
         so_luong_ho_so: 1\ndoi_tuong_thuc_hien: [Hộ gia đình, cá nhân]\n\
         co_quan_thuc_hien: Ủy ban nhân dân cấp xã\nket_qua_thuc_hien: [Giấy chứng nhận]\n\
         trinh_tu_thuc_hien:\n  - ten: Nộp hồ sơ\n    mo_ta: Nộp tại Bộ phận Một cửa.\n\
         cach_thuc_thuc_hien:\n  - hinh_thuc: Trực tiếp\n    thoi_han: {{ so: 20, don_vi: ngày làm việc }}\n\
         \x20   phi_le_phi:\n      - {{ loai: Lệ phí, muc_thu: 100000, don_vi: giấy }}\n\
         can_cu_phap_ly:\n  - {{ so_hieu: 31/2024/QH15, trich_yeu: Luật Đất đai }}\n\
         thanh_phan_ho_so:\n"
    );
    let mut n = 0;
    for g in 1..=8 {
        s.push_str(&format!(
            "  - truong_hop: \"Trường hợp {g}: người sử dụng đất thuộc nhóm đối tượng số {g}\"\n    giay_to:\n"
        ));
        for _ in 0..if g == 1 { 4 } else { 3 } {
            n += 1;
            let doc = format!(
                "Giấy tờ số {n}: bản kê khai nguồn gốc và quá trình sử dụng đất, có xác nhận \
                 của Ủy ban nhân dân cấp xã về tình trạng tranh chấp (mục {n})"
            );
            let doc: String = if n % 5 == 0 { doc.nfd().collect() } else { doc };
            s.push_str(&format!(
                "      - ten: \"{doc}\"\n        ban_chinh: 1\n        ban_sao: 1\n"
            ));
        }
    }
    assert_eq!(n, 25);
    s
}

const SHORT_RECORD: &str = "ma_thu_tuc: \"2.000884\"
ten_thu_tuc: Thủ tục chứng thực chữ ký
ten_than_thien: Chứng thực chữ ký
linh_vuc: Chứng thực
cap_thuc_hien: [Xã]
muc_do_truc_tuyen: không
so_luong_ho_so: 1
doi_tuong_thuc_hien: [Cá nhân]
co_quan_thuc_hien: Ủy ban nhân dân cấp xã
ket_qua_thuc_hien: [Giấy tờ được chứng thực chữ ký]
trinh_tu_thuc_hien:
  - ten: Nộp hồ sơ
    mo_ta: Nộp tại Bộ phận Một cửa.
cach_thuc_thuc_hien:
  - hinh_thuc: Trực tiếp
    thoi_han: { so: 1, don_vi: ngày làm việc }
    phi_le_phi:
      - { loai: Lệ phí, muc_thu: 10000, don_vi: trường hợp }
thanh_phan_ho_so:
  - giay_to:
      - { ten: Căn cước công dân, xuat_trinh: true }
      - { ten: Giấy tờ cần chứng thực chữ ký, ban_chinh: 1 }
can_cu_phap_ly:
  - { so_hieu: 23/2015/NĐ-CP, trich_yeu: Nghị định về chứng thực }
";

#[test]
fn long_procedure_continues_on_a_numbered_second_sheet() {
    if !crate::util::tools::have_all(crate::util::tools::PDF_TOOLS) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let long = long_record();
    let content = content_tree(
        tmp.path(),
        &[
            ("dat-dai/dai.yaml", long.as_str()),
            ("chung-thuc/ngan.yaml", SHORT_RECORD),
            ("ho-tich/khai-sinh.md", FULL_RECORD),
        ],
    );
    let out = tmp.path().join("output");
    let built = crate::util::text(&build_with(&content, &out, &[]));
    let checked =
        checked(Source::Dir(content.clone()), niemyet::model::Date::today()).expect("read");
    let site = checked.site.as_ref().expect("site");
    let cat = checked.catalogue.as_ref().expect("no errors");
    let scratch = tmp.path().join("png");
    std::fs::create_dir_all(&scratch).expect("mkdir");

    let entry = |code: &str| cat.by_code(code).expect("entry");
    let long_e = entry("9.000001");
    let dir = out.join("in").join(long_e.url_path());
    let qr = expected_qr(long_e, site);
    assert_eq!(qr, "https://niemyet.example.vn/m/9.000001/");
    let poster_sheets = check_sheet(&dir.join("niem-yet.pdf"), long_e, A4, &[&qr], &scratch);
    let guide_sheets = check_sheet(
        &dir.join("phieu-huong-dan.pdf"),
        long_e,
        A4,
        &[&qr],
        &scratch,
    );
    assert!(
        (2..=3).contains(&poster_sheets) && (2..=3).contains(&guide_sheets),
        "poster {poster_sheets}, guide {guide_sheets} sheets"
    );

    let short = entry("2.000884");
    let dir = out.join("in").join(short.url_path());
    let qr = expected_qr(short, site);
    assert_eq!(
        check_sheet(&dir.join("niem-yet.pdf"), short, A4, &[&qr], &scratch),
        1
    );
    assert_eq!(
        check_sheet(
            &dir.join("phieu-huong-dan.pdf"),
            short,
            A4,
            &[&qr],
            &scratch
        ),
        1
    );

    // Online with a verified portal id: the QR code holds the short address, whose page
    // sends the reader to the procedure's page, which links to the portal's own page.
    let full = entry("1.001193");
    let qr = expected_qr(full, site);
    assert_eq!(qr, "https://niemyet.example.vn/m/1.001193/");
    let dir = out.join("in").join(full.url_path());
    check_sheet(&dir.join("niem-yet.pdf"), full, A4, &[&qr], &scratch);
    let short_page = crate::util::read(&out.join("m/1.001193/index.html"));
    assert!(
        short_page.contains(&format!("url=../../{}", full.url_path())),
        "{short_page}"
    );
    let page = crate::util::read(&out.join(full.url_path()).join("index.html"));
    assert!(
        page.contains("https://dichvucong.gov.vn/thu-tuc?ma=1.001193.000.00.00.H42"),
        "the page links on to the portal"
    );

    let warnings = sheet_warnings(&content);
    let long_warn: Vec<_> = warnings
        .iter()
        .filter(|(f, _)| f.ends_with("dat-dai/dai.yaml"))
        .flat_map(|(_, m)| m.clone())
        .collect();
    assert_eq!(long_warn.len(), 2, "{warnings:?}");
    assert!(
        long_warn[0].contains(&format!("{poster_sheets} tờ"))
            || long_warn[1].contains(&format!("{poster_sheets} tờ")),
        "{long_warn:?}"
    );
    assert!(
        !warnings.keys().any(|f| f.ends_with("chung-thuc/ngan.yaml")),
        "{warnings:?}"
    );
    // `build` says so too, at the record, and counts them.
    let blocks: Vec<&str> = built.split("\n\n").collect();
    let printed = blocks
        .iter()
        .filter(|b| b.contains(" tờ (") && b.contains("dat-dai/dai.yaml:"))
        .count();
    assert_eq!(printed, 2, "{built}");
    let shown = blocks.iter().filter(|b| b.contains("cảnh báo: ")).count();
    assert!(built.contains(&format!("— {shown} cảnh báo")), "{built}");

    // A rebuild with nothing changed takes every PDF from the cache, byte for byte.
    let before =
        std::fs::read(out.join("in").join(short.url_path()).join("niem-yet.pdf")).expect("pdf");
    let cache = tmp.path().join(".niemyet-cache/in");
    let cached: Vec<_> = files_with_ext(&cache, &["pdf"]);
    assert!(!cached.is_empty(), "cache is empty");
    let stamp = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .expect("mtime")
    };
    let stamps: Vec<_> = cached.iter().map(|p| stamp(p)).collect();
    build_to(&content, &out);
    let after =
        std::fs::read(out.join("in").join(short.url_path()).join("niem-yet.pdf")).expect("pdf");
    assert_eq!(before, after);
    assert_eq!(cached.iter().map(|p| stamp(p)).collect::<Vec<_>>(), stamps);

    // `check` reports each record's sheets and smallest type as the PDFs have them.
    let (_, json) = crate::util::check_json(&content);
    let sheets = json["sheets"].as_array().expect("sheets in check's JSON");
    assert_eq!(sheets.len(), 3, "{json}");
    for e in [long_e, short, full] {
        let row = sheets
            .iter()
            .find(|r| r["code"] == e.code.as_str())
            .unwrap_or_else(|| panic!("no sheets for {}", e.code));
        let dir = out.join("in").join(e.url_path());
        for (file, count, smallest) in [
            ("niem-yet.pdf", "poster_sheets", "poster_smallest_pt"),
            ("phieu-huong-dan.pdf", "guide_sheets", "guide_smallest_pt"),
        ] {
            let l = crate::util::sheet::layout(&dir.join(file));
            assert_eq!(
                row[count].as_u64(),
                Some(l.pages.len() as u64),
                "{file}: {row}"
            );
            let seen = l
                .words
                .iter()
                .map(|w| w.size_pt())
                .fold(f64::INFINITY, f64::min);
            let said = row[smallest].as_f64().expect("size");
            assert!(
                said >= 10.0 && (said - seen).abs() < 0.15,
                "{}: check says smallest {said} pt, the PDF has {seen:.2} pt",
                e.code
            );
        }
    }
    let (o, _) = crate::util::check_json(&content);
    assert!(o.status.success());
    let text = crate::util::text(&crate::util::run(
        &["check", "--content", crate::util::pdf::path_str(&content)],
        tmp.path(),
    ));
    assert!(
        text.contains("Một tờ: 1/3 bản niêm yết"),
        "check's sheet table: {text}"
    );

    // `build --timings` counts the PDFs: into a new folder, every one from the cache.
    let fresh = tmp.path().join("fresh");
    let timed = crate::util::text(&build_with(&content, &fresh, &["-q", "--timings"]));
    let pdfs = files_with_ext(&fresh, &["pdf"]).len();
    assert!(
        timed.contains(&format!(
            "bản in: {pdfs} tệp PDF (0 dàn trang mới, {pdfs} lấy từ bộ nhớ đệm)"
        )),
        "{timed}"
    );
}

#[test]
fn a3_posters_when_configured() {
    if !crate::util::tools::have_all(crate::util::tools::PDF_TOOLS) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = content_tree(tmp.path(), &[("chung-thuc/ngan.yaml", SHORT_RECORD)]);
    let site = std::fs::read_to_string(content.join("site.yaml")).expect("site");
    std::fs::write(
        content.join("site.yaml"),
        format!("{site}in_an:\n  kho_giay: A3\n"),
    )
    .expect("write");
    let out = tmp.path().join("output");
    build_to(&content, &out);
    let dir = out.join("in/thu-tuc");
    let posters = files_with_ext(&dir, &["pdf"]);
    assert_eq!(posters.len(), 2);
    for p in posters {
        let doc = pdf(&p);
        let want = if p.ends_with("niem-yet.pdf") { A3 } else { A4 };
        assert_size(&p, doc.size, want);
        assert_eq!(doc.pages, 1, "{}", p.display());
    }
}
