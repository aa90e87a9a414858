//! Forms (`content/bieu-mau/`): the `check` rules through the real binary, attachments
//! with awkward names, and (feature `pdf`) every form PDF of the sample read back with
//! poppler (`pdfinfo`, `pdffonts`, `pdftotext`).

use crate::util::{bin, content_tree, read, text, FULL_RECORD};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A form with every kind of part, one sample, and an original file.
const FORM: &str = r#"ma_mau: "TP/HT-2020-TKKS"
ten_mau: "Tờ khai đăng ký khai sinh"
ban_hanh_kem_theo: "Thông tư số 04/2020/TT-BTP"
kinh_gui: "(1)"
ban_goc: ["Tờ khai đăng ký khai sinh (bản gốc).pdf"]
phan:
  - tieu_de: "I. NGƯỜI YÊU CẦU"
  - truong: { ma: nguoi_yeu_cau, nhan: "Họ, chữ đệm, tên người yêu cầu", bat_buoc: true }
  - hang:
      - { ma: ngay_sinh, nhan: "Ngày, tháng, năm sinh", kieu: ngay }
      - { ma: gioi_tinh, nhan: "Giới tính", kieu: lua_chon, cac_lua_chon: [Nam, Nữ] }
  - bang:
      ma: con
      nhan: "Những người con"
      cot: [{ ma: ten, nhan: "Họ tên" }, { ma: nam_sinh, nhan: "Năm sinh" }]
  - doan: "Tôi cam đoan nội dung trên là đúng sự thật."
  - noi_ngay: {}
  - chu_ky: [{ vai_tro: "Người yêu cầu", huong_dan: "(Ký, ghi rõ họ tên)", ma: ky_ten }]
  - truong: { ma: ban_sao, nhan: "Đề nghị cấp bản sao", kieu: o_danh_dau }
  - chu_thich: "(1) Ghi rõ tên cơ quan đăng ký khai sinh."
mau_dien:
  - ten: "Khai sinh cho con đẻ"
    gia_tri:
      kinh_gui: "Ủy ban nhân dân phường Thử"
      nguoi_yeu_cau: "Trần Thị Thu Hà"
      ngay_sinh: "05/03/2026"
      gioi_tinh: "Nữ"
      con: [{ ten: "Nguyễn Bảo An", nam_sinh: "2026" }]
      noi_viet: "Phường Thử"
      ngay_viet: "16/03/2026"
      ky_ten: "Trần Thị Thu Hà"
      ban_sao: true
"#;

const ATTACHMENT: &str = "Tờ khai đăng ký khai sinh (bản gốc).pdf";

fn forms_tree(root: &Path, forms: &[(&str, &str)]) -> PathBuf {
    let content = content_tree(root, &[("khai-sinh.md", FULL_RECORD)]);
    let dir = content.join("bieu-mau");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, text) in forms {
        std::fs::write(dir.join(name), text).expect("form");
    }
    content
}

/// `niemyet check --format json` → (file name, line, severity, message, fix).
fn check_json(content: &Path) -> Vec<(String, usize, String, String, String)> {
    let (_, json) = crate::util::check_json(content);
    json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            (
                Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                d["line"].as_u64().unwrap_or_default() as usize,
                d["severity"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
                d["fix"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"))
        + 1
}

/// Form codes match exactly: "Mẫu số 1đ" never links the form "Mẫu số 1d", and is not
/// offered as what was meant; a code written with other case or punctuation is an error
/// whose fix is the exact code.
#[test]
fn form_codes_match_exactly_and_suggestions_never_cross_d() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let form_1d = FORM.replace("TP/HT-2020-TKKS", "Mẫu số 1d");
    let record = FULL_RECORD.replace(
        "        bieu_mau: TP-HT-2020-TKKS\n",
        "        bieu_mau: \"Mẫu số 1đ\"\n",
    );
    let second = FULL_RECORD
        .replace("\"1.001193\"", "\"1.001194\"")
        .replace("bieu_mau: TP-HT-2020-TKKS", "bieu_mau: \"mẫu số 1D\"");
    let content = content_tree(tmp.path(), &[("a.md", &record), ("b.md", &second)]);
    std::fs::create_dir_all(content.join("bieu-mau")).expect("mkdir");
    std::fs::write(content.join("bieu-mau/1d.yaml"), &form_1d).expect("form");
    let diags = check_json(&content);
    let on = |file: &str| {
        diags
            .iter()
            .find(|d| d.0 == file && d.3.contains("không có biểu mẫu nào mang mã"))
            .unwrap_or_else(|| panic!("no missing-form error in {file}: {diags:#?}"))
            .clone()
    };
    let a = on("a.md");
    assert!(a.3.contains("\"Mẫu số 1đ\""), "{a:?}");
    assert!(
        !a.4.contains("\"Mẫu số 1d\""),
        "a suggestion crossed đ/d: {a:?}"
    );
    let b = on("b.md");
    assert!(
        b.4.contains("\"Mẫu số 1d\""),
        "the exact code is the fix: {b:?}"
    );
}

#[test]
fn check_reports_every_form_rule_with_file_and_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // The record names TP-HT-2020-TKKS; this form is TKKSX: a missing reference, and a
    // different form, so it is not offered as what the officer meant.
    let wrong = FORM
        .replace("TP/HT-2020-TKKS", "TP/HT-2020-TKKSX")
        .replace(
            r#"ban_goc: ["Tờ khai đăng ký khai sinh (bản gốc).pdf"]"#,
            r#"ban_goc: ["không có.pdf"]"#,
        )
        .replace(
            "nguoi_yeu_cau: \"Trần Thị Thu Hà\"",
            "nguoi_yeu_cauu: \"Trần Thị Thu Hà\"",
        )
        .replace("gioi_tinh: \"Nữ\"", "gioi_tinh: \"nữ giới\"")
        .replace("ngay_sinh: \"05/03/2026\"", "ngay_sinh: \"5-3-2026\"")
        .replace(
            "  - doan: \"Tôi cam đoan",
            "  - truong: { ma: gioi_tinh, nhan: \"Giới tính lần hai\" }\n  - doan: \"Tôi cam đoan",
        );
    let dup = "ma_mau: \"TP-HT-2020-TKKSX\"\nten_mau: \"Bản trùng\"\n";
    let content = forms_tree(tmp.path(), &[("a.yaml", &wrong), ("b.yaml", dup)]);
    let diags = check_json(&content);
    let find = |file: &str, needle: &str| {
        diags
            .iter()
            .find(|d| d.0 == file && d.3.contains(needle))
            .unwrap_or_else(|| panic!("no diagnostic \"{needle}\" in {file}: {diags:#?}"))
            .clone()
    };
    let record = FULL_RECORD;
    let cases = [
        // (file, message part, severity, line, fix part)
        (
            "khai-sinh.md",
            "không có biểu mẫu nào mang mã \"TP-HT-2020-TKKS\"",
            "error",
            line_of(record, "bieu_mau: TP-HT-2020-TKKS"),
            "tạo tệp bieu-mau/tp-ht-2020-tkks.yaml",
        ),
        (
            "a.yaml",
            "không thủ tục nào dùng biểu mẫu",
            "warning",
            1,
            "bieu_mau",
        ),
        (
            "a.yaml",
            "không có trường \"nguoi_yeu_cauu\"",
            "error",
            line_of(&wrong, "nguoi_yeu_cauu:"),
            "có phải \"nguoi_yeu_cau\"?",
        ),
        (
            "a.yaml",
            "trường bắt buộc \"Họ, chữ đệm, tên người yêu cầu\"",
            "error",
            line_of(&wrong, "gia_tri:"),
            "nguoi_yeu_cau",
        ),
        (
            "a.yaml",
            "\"nữ giới\" không có trong các lựa chọn",
            "error",
            line_of(&wrong, "gioi_tinh: \"nữ giới\""),
            "Nữ",
        ),
        (
            "a.yaml",
            "\"5-3-2026\" không phải ngày",
            "error",
            line_of(&wrong, "5-3-2026"),
            "05/03/2025",
        ),
        (
            "a.yaml",
            "mã trường \"gioi_tinh\" đã dùng",
            "error",
            line_of(&wrong, "Giới tính lần hai"),
            "mã riêng",
        ),
        (
            "a.yaml",
            "không thấy tệp bản gốc \"không có.pdf\"",
            "error",
            line_of(&wrong, "ban_goc:"),
            "chép tệp",
        ),
        (
            "b.yaml",
            "mã biểu mẫu \"TP-HT-2020-TKKSX\" đã dùng ở",
            "error",
            1,
            "mỗi biểu mẫu một tệp",
        ),
    ];
    for (file, needle, severity, line, fix) in cases {
        let d = find(file, needle);
        assert_eq!(d.2, severity, "{needle}: {d:?}");
        assert_eq!(d.1, line, "{needle}: {d:?}");
        assert!(d.4.contains(fix), "{needle}: fix {:?} lacks {fix}", d.4);
    }
    // Errors stop the build, with the same messages.
    let o = Command::new(bin())
        .args(["build", "--content"])
        .arg(&content)
        .arg("--output")
        .arg(tmp.path().join("out"))
        .output()
        .expect("build");
    assert!(!o.status.success());
    assert!(text(&o).contains("a.yaml:"), "{}", text(&o));
}

#[test]
fn a_site_without_forms_folder_has_no_form_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = content_tree(tmp.path(), &[("khai-sinh.md", FULL_RECORD)]);
    let diags = check_json(&content);
    assert!(
        diags.iter().all(|d| !d.3.contains("biểu mẫu")),
        "{diags:#?}"
    );
}

/// Every relative `href` of an HTML file, decoded, without query.
fn local_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| !h.contains(':') && !h.starts_with('#'))
        .map(|h| {
            let h = h.split(['?', '#']).next().unwrap_or_default();
            percent_decode(&h.replace("&amp;", "&"))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .expect("utf-8 link")
        .into_owned()
}

/// Every local link of `page` (an `index.html`) leads to a file of the output.
fn assert_links_resolve(page: &Path) {
    let html = read(page);
    let dir = page.parent().expect("dir");
    for link in local_links(&html) {
        let target = dir.join(&link);
        let ok = if link.is_empty() || link.ends_with('/') {
            target.join("index.html").is_file()
        } else {
            target.is_file()
        };
        assert!(ok, "{}: broken link {link}", page.display());
    }
}

#[test]
fn attachment_with_spaces_and_diacritics_is_copied_and_linked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let form = FORM.replace("TP/HT-2020-TKKS", "TP-HT-2020-TKKS");
    let content = forms_tree(tmp.path(), &[("tkks.yaml", &form)]);
    let bytes = b"%PDF-1.4 official original\n".repeat(100);
    std::fs::write(content.join("bieu-mau").join(ATTACHMENT), &bytes).expect("attachment");
    let out = tmp.path().join("out");
    crate::util::build(&content, &out);
    let dir = out.join("bieu-mau/tp-ht-2020-tkks");
    assert_eq!(
        std::fs::read(dir.join(ATTACHMENT)).expect("copied attachment"),
        bytes
    );
    let page = read(&dir.join("index.html"));
    let encoded = "T%E1%BB%9D%20khai%20%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh%20%28b%E1%BA%A3n%20g%E1%BB%91c%29.pdf?v=";
    assert!(page.contains(encoded), "{page}");
    assert!(page.contains("Bản gốc: Tờ khai đăng ký khai sinh (bản gốc).pdf"));
    assert!(page.contains("PDF, 3 KB"), "size shown");
    // The hash changes with the content: a new official file busts caches.
    let v = |p: &str| p.split(encoded).nth(1).map(|r| r[..8].to_owned());
    let first = v(&page).expect("hash");
    std::fs::write(content.join("bieu-mau").join(ATTACHMENT), b"%PDF-1.4 v2").expect("w");
    crate::util::build(&content, &out);
    let again = read(&out.join("bieu-mau/tp-ht-2020-tkks/index.html"));
    assert_ne!(v(&again).expect("hash"), first);
    // Page, index, and procedure page link to files that exist.
    assert_links_resolve(&out.join("bieu-mau/tp-ht-2020-tkks/index.html"));
    assert_links_resolve(&out.join("bieu-mau/index.html"));
    let proc_page = out.join("thu-tuc/dang-ky-khai-sinh/index.html");
    let html = read(&proc_page);
    assert!(
        html.contains("bieu-mau/tp-ht-2020-tkks/\""),
        "form page link"
    );
    if cfg!(feature = "pdf") {
        assert!(html.contains("bieu-mau/tp-ht-2020-tkks/mau-trong.pdf\""));
        assert!(html.contains("bieu-mau/tp-ht-2020-tkks/mau-dien-1.pdf\""));
    } else {
        assert!(
            !html.contains(".pdf\""),
            "no PDF links without the pdf feature"
        );
        assert!(!page.contains(".pdf\""));
    }
    assert_links_resolve(&proc_page);
    // The sample's values are readable on the page too, without JavaScript.
    assert!(page.contains("Trần Thị Thu Hà"));
    assert!(page.contains("<caption>Những người con</caption>"));
}

#[cfg(feature = "pdf")]
mod pdf {
    use super::*;
    use niemyet::model::form::{scalar_text, FieldKind, Part};
    use niemyet::FormEntry;
    use niemyet::{checked, Source};
    use unicode_normalization::UnicodeNormalization;

    use crate::util::pdf::tool_ok as tool;

    /// NFC, all whitespace removed: labels and values survive line wrapping.
    fn bare(t: &str) -> String {
        t.nfc().filter(|c| !c.is_whitespace()).collect()
    }

    struct Pdf {
        pages: usize,
        size: String,
        text: String,
        page_texts: Vec<String>,
    }

    fn pdf(path: &Path) -> Pdf {
        let p = path.to_str().expect("utf-8");
        let info = crate::util::pdf::info(path);
        let pages = info.pages;
        crate::util::pdf::assert_fonts_embedded(path);
        let page_texts = (1..=pages)
            .map(|n| {
                let n = n.to_string();
                tool(
                    "pdftotext",
                    &["-raw", "-enc", "UTF-8", "-f", &n, "-l", &n, p, "-"],
                )
            })
            .collect::<Vec<_>>();
        Pdf {
            pages,
            size: info.size_text,
            text: bare(&page_texts.concat()),
            page_texts,
        }
    }

    /// What the blank form must print: title, header, every label.
    fn printed_labels(fe: &FormEntry) -> Vec<String> {
        let f = &fe.form;
        let mut v = vec![f.ten_mau.to_uppercase()];
        if f.quoc_hieu {
            v.push("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into());
            v.push("Độc lập - Tự do - Hạnh phúc".into());
        }
        for p in &f.phan {
            match p {
                Part::TieuDe(t) | Part::Doan(t) | Part::ChuThich(t) => v.push(t.clone()),
                Part::Truong(x) => v.push(x.nhan.clone()),
                Part::Hang(xs) => v.extend(xs.iter().map(|x| x.nhan.clone())),
                Part::Bang(t) => {
                    v.extend(t.nhan.clone());
                    v.extend(
                        t.cot
                            .iter()
                            .skip(usize::from(!t.cac_dong.is_empty()))
                            .map(|c| c.nhan.clone()),
                    );
                    v.extend(t.cac_dong.iter().cloned());
                }
                Part::ChuKy(s) => v.extend(s.iter().map(|s| s.vai_tro.to_uppercase())),
                Part::NoiNgay(_) | Part::NgatTrang => {}
            }
        }
        v
    }

    /// Sample values as they print (dates of `noi_ngay` as "ngày … tháng … năm …"), and
    /// whether the blank form may print them too (the choices of a choice field).
    fn printed_values(fe: &FormEntry, k: usize) -> Vec<(String, bool)> {
        let f = &fe.form;
        let s = &f.mau_dien[k];
        let place_dates: Vec<&str> = f
            .phan
            .iter()
            .filter_map(|p| match p {
                Part::NoiNgay(pd) => Some(pd.ma_ngay.as_str()),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        for fr in f.fields() {
            let Some(v) = s.gia_tri.get(fr.ma) else {
                continue;
            };
            if fr.kind == FieldKind::ODanhDau {
                continue;
            }
            if let Some(rows) = v.as_sequence() {
                for r in rows.iter().filter_map(|r| r.as_mapping()) {
                    out.extend(
                        r.values()
                            .filter_map(scalar_text)
                            .filter(|t| !t.is_empty())
                            .map(|t| (t, false)),
                    );
                }
            } else if let Some(t) = scalar_text(v).filter(|t| !t.is_empty()) {
                if place_dates.contains(&fr.ma) {
                    let p: Vec<&str> = t.split('/').collect();
                    out.push((format!("ngày {} tháng {} năm {}", p[0], p[1], p[2]), false));
                } else {
                    out.push((t, fr.kind == FieldKind::LuaChon));
                }
            }
        }
        out
    }

    #[test]
    fn check_warns_when_a_form_prints_on_other_than_its_declared_pages() {
        if !crate::util::tools::have_all(crate::util::tools::PDF_TOOLS) {
            return;
        }
        let tmp = tempfile::tempdir().expect("tempdir");
        let form = FORM.replace("TP/HT-2020-TKKS", "TP-HT-2020-TKKS").replace(
            "ban_goc: [\"Tờ khai đăng ký khai sinh (bản gốc).pdf\"]\n",
            "so_trang: 2\n",
        );
        let content = forms_tree(tmp.path(), &[("tkks.yaml", &form)]);
        let diags = check_json(&content);
        let d = diags
            .iter()
            .find(|d| d.3.contains("biểu mẫu in ra 1 trang, không phải 2 trang"))
            .unwrap_or_else(|| panic!("no page-count warning: {diags:#?}"));
        assert_eq!(
            (d.0.as_str(), d.1, d.2.as_str()),
            ("tkks.yaml", line_of(&form, "so_trang:"), "warning")
        );
        assert!(d.4.contains("so_trang: 1"), "{d:?}");
    }

    #[test]
    fn sample_form_pdfs_check_out() {
        if !crate::util::tools::have_all(crate::util::tools::PDF_TOOLS) {
            return;
        }
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("output");
        // Built in place: the sample's cache (.niemyet-cache/) is shared with tests/print.rs.
        let content = crate::util::sample_content();
        crate::util::build(&content, &out);
        let checked =
            checked(Source::Dir(content.clone()), niemyet::model::Date::today()).expect("read");
        let cat = checked.catalogue.as_ref().expect("sample has no errors");
        let laid_out: Vec<&FormEntry> = cat
            .forms
            .list
            .iter()
            .filter(|f| !f.form.phan.is_empty())
            .collect();
        assert!(
            laid_out.len() >= 8,
            "{} forms with a layout",
            laid_out.len()
        );
        for fe in &laid_out {
            let dir = out.join(fe.url_path());
            let blank_path = dir.join("mau-trong.pdf");
            let blank = pdf(&blank_path);
            let bp = blank_path.display();
            assert!(
                blank.size.starts_with("595.2") && blank.size.contains("x 841.8"),
                "{bp}: {}",
                blank.size
            );
            assert_eq!(blank.pages, fe.form.so_trang, "{bp}: pages");
            for label in printed_labels(fe) {
                assert!(
                    blank.text.contains(&bare(&label)),
                    "{bp}: label \"{label}\" not extractable"
                );
            }
            assert!(
                !blank.text.contains(&bare("BẢN ĐIỀN MẪU")),
                "{bp}: banner on blank form"
            );
            assert!(
                !blank.text.contains(&bare("bản điền mẫu")),
                "{bp}: watermark on blank form"
            );
            assert!(!fe.form.mau_dien.is_empty(), "{bp}: no sample");
            for (k, s) in fe.form.mau_dien.iter().enumerate() {
                let path = dir.join(format!("mau-dien-{}.pdf", k + 1));
                let p = path.display();
                let doc = pdf(&path);
                assert_eq!(doc.pages, fe.form.so_trang, "{p}: pages");
                assert!(doc.size.starts_with("595.2"), "{p}");
                for label in printed_labels(fe) {
                    assert!(doc.text.contains(&bare(&label)), "{p}: label \"{label}\"");
                }
                for (v, on_blank) in printed_values(fe, k) {
                    assert!(doc.text.contains(&bare(&v)), "{p}: value \"{v}\" missing");
                    if !on_blank && v.chars().count() >= 10 {
                        assert!(
                            !blank.text.contains(&bare(&v)),
                            "{bp}: sample value \"{v}\" on blank form"
                        );
                    }
                }
                for (n, t) in doc.page_texts.iter().enumerate() {
                    let t = bare(t);
                    assert!(
                        t.contains(&bare("BẢN ĐIỀN MẪU ĐỂ THAM KHẢO")),
                        "{p} page {}: no banner",
                        n + 1
                    );
                    assert!(
                        t.contains(&bare(&s.ten)),
                        "{p} page {}: no case name",
                        n + 1
                    );
                    assert!(
                        t.contains(&bare("bản điền mẫu")),
                        "{p} page {}: no watermark",
                        n + 1
                    );
                }
            }
        }
        // Every document of the catalogue that names a laid-out form links its PDFs.
        for e in &cat.entries {
            let page_path = out.join(e.url_path()).join("index.html");
            let page = read(&page_path);
            for d in e.procedure.thanh_phan_ho_so.iter().flat_map(|g| &g.giay_to) {
                let Some(id) = d.form_here() else { continue };
                let fe = cat
                    .forms
                    .get(id)
                    .unwrap_or_else(|| panic!("{id} unresolved"));
                assert!(
                    page.contains(&format!("{}\"", fe.url_path())),
                    "{}: no link to {id}",
                    e.url_path()
                );
                if !fe.form.phan.is_empty() {
                    assert!(page.contains(&format!("{}mau-trong.pdf\"", fe.url_path())));
                    assert!(page.contains(&format!("{}mau-dien-1.pdf\"", fe.url_path())));
                }
            }
            assert_links_resolve(&page_path);
        }
        assert_links_resolve(&out.join("bieu-mau/index.html"));
        for fe in &cat.forms.list {
            assert_links_resolve(&out.join(fe.url_path()).join("index.html"));
        }
    }
}
