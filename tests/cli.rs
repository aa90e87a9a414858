//! The real binary, as an officer runs it.

use crate::util::*;

const BROKEN: &str = "ma_thu_tuc: \"1.00119\"\nten_thu_tuc: Thủ tục kết hôn\nlinh_vuc: Hộ tịch\ncach_thuc_thuc_hien:\n  - hinh_thuc: Trực tuyến\n    thoi_han: { so: 5, don_vi: ngày làm việc }\n    phi_le_phi:\n      - loai: Lệ phí\n        muc_thu: -2000\n";

#[test]
fn check_sample_passes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = sample_content();
    let o = run(
        &["check", "--content", content.to_str().expect("utf8")],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 lỗi"));
}

#[test]
fn check_reports_file_line_field_and_fix() {
    let tmp = tempfile::tempdir().expect("tmp");
    content_tree(tmp.path(), &[("ket-hon.yaml", BROKEN)]);
    let o = run(&["check"], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("lỗi: mức thu không được âm (đang ghi -2000)"),
        "{out}"
    );
    assert!(out.contains("content/thu-tuc/ket-hon.yaml:9:18"), "{out}");
    assert!(
        out.contains("= trường: cach_thuc_thuc_hien[0].phi_le_phi[0].muc_thu"),
        "{out}"
    );
    assert!(out.contains("= cách sửa:"), "{out}");
    // all problems at once: the malformed code and the missing parts too
    assert!(
        out.contains("mã thủ tục \"1.00119\" không đúng dạng"),
        "{out}"
    );
    assert!(out.contains("thiếu thành phần hồ sơ"), "{out}");
}

#[test]
fn check_json_is_machine_readable() {
    let tmp = tempfile::tempdir().expect("tmp");
    content_tree(tmp.path(), &[("ket-hon.yaml", BROKEN)]);
    let o = run(&["check", "--format", "json"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["errors"].as_u64().unwrap_or(0) >= 3);
    let d = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["field"] == "cach_thuc_thuc_hien[0].phi_le_phi[0].muc_thu")
        .expect("fee diagnostic");
    assert_eq!(d["line"], 9);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "content/thu-tuc/ket-hon.yaml");
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = tempfile::tempdir().expect("tmp");
    content_tree(tmp.path(), &[("a.md", FULL_RECORD)]);
    let o = run(&["build"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let before = read(
        &tmp.path()
            .join("output/thu-tuc/dang-ky-khai-sinh/index.html"),
    );
    std::fs::write(tmp.path().join("content/thu-tuc/b.yaml"), BROKEN).expect("write");
    let o = run(&["build"], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("giữ nguyên"), "says the output was kept");
    let after = read(
        &tmp.path()
            .join("output/thu-tuc/dang-ky-khai-sinh/index.html"),
    );
    assert_eq!(before, after);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let tmp = tempfile::tempdir().expect("tmp");
    content_tree(tmp.path(), &[("a.md", FULL_RECORD)]);
    std::fs::create_dir_all(tmp.path().join("docs")).expect("mkdir");
    std::fs::write(tmp.path().join("docs/thesis.docx"), "precious").expect("write");
    let o = run(&["build", "--output", "docs"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(read(&tmp.path().join("docs/thesis.docx")), "precious");
}

#[test]
fn without_content_folder_builds_the_embedded_sample() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = run(&["build"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("bộ thủ tục mẫu"), "{}", text(&o));
    let home = read(&tmp.path().join("output/index.html"));
    assert!(home.contains("Ủy ban nhân dân phường Định Hòa"));
}

#[test]
fn build_prints_a_summary_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    content_tree(tmp.path(), &[("a.md", FULL_RECORD)]);
    let o = run(&["build"], tmp.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("Đã dựng 1 thủ tục, 1 lĩnh vực,"), "{out}");
    assert!(out.contains("cảnh báo"), "{out}");
}

/// The previous build is reused as the next staging folder: what a record no longer
/// produces must be gone, and unchanged files keep their bytes.
#[test]
fn rebuilds_prune_pages_of_removed_records() {
    let tmp = tempfile::tempdir().expect("tmp");
    let second = FULL_RECORD
        .replace("ma_thu_tuc: \"1.001193\"", "ma_thu_tuc: \"1.009999\"")
        .replace("Thủ tục đăng ký khai sinh", "Thủ tục đăng ký lại khai sinh")
        .replace("Làm giấy khai sinh cho con", "Đăng ký lại khai sinh");
    assert_ne!(second, FULL_RECORD, "fixture changed");
    let content = content_tree(tmp.path(), &[("a.md", FULL_RECORD), ("b.md", &second)]);
    let page_b = tmp
        .path()
        .join("output/thu-tuc/dang-ky-lai-khai-sinh/index.html");
    // Build 1 fresh, build 2 fresh (moves build 1 aside), build 3 reuses build 1's folder.
    for round in 0..3 {
        if round == 1 {
            std::fs::remove_file(content.join("thu-tuc/b.md")).expect("rm");
        }
        let o = run(&["build", "-q"], tmp.path());
        assert!(o.status.success(), "round {round}: {}", text(&o));
        assert_eq!(page_b.exists(), round == 0, "round {round}");
        let home = read(&tmp.path().join("output/index.html"));
        assert_eq!(
            home.contains("Đăng ký lại khai sinh"),
            round == 0,
            "round {round}"
        );
    }
    assert!(
        !tmp.path()
            .join("output/thu-tuc/dang-ky-lai-khai-sinh")
            .exists(),
        "empty folder pruned"
    );
    assert!(tmp.path().join(".output.niemyet-prev").is_dir());
}

/// A record that cannot be read is one mistake: the records naming its code as related
/// are not reported too.
#[test]
fn a_broken_record_is_not_also_reported_by_the_records_naming_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let other = FULL_RECORD
        .replace("ma_thu_tuc: \"1.001193\"", "ma_thu_tuc: \"1.009999\"")
        .replace("Thủ tục đăng ký khai sinh", "Thủ tục đăng ký lại khai sinh")
        .replace(
            "su_kien_cuoc_song: [Có con mới sinh]",
            "su_kien_cuoc_song: [Có con mới sinh]\nthu_tuc_lien_quan: [\"1.001193\"]",
        );
    let broken = FULL_RECORD.replace(
        "ma_thu_tuc: \"1.001193\"",
        "ma_thu_tuc: \"1.001193\"\nten_thu_tuc: [x",
    );
    content_tree(tmp.path(), &[("a.md", &broken), ("b.md", &other)]);
    let o = run(&["check", "--format", "json"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let errors: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("a.md")));
}

/// Files check cannot read are located diagnostics, all in one run, in both formats;
/// what is documented as ignored (dot files, `_` folders, other folders) is never opened.
#[cfg(unix)]
#[test]
fn unreadable_files_are_diagnostics_and_ignored_files_are_ignored() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().expect("tmp");
    let good = Record::new("1.000001", "Thủ tục đăng ký khai sinh").text();
    let content = content_tree(tmp.path(), &[("a.yaml", &good)]);
    let records = content.join("thu-tuc");
    // Ignored: an editor's lock file (a dangling link), a draft folder, another folder.
    symlink("/nonexistent/editor-lock", records.join(".#a.yaml")).expect("link");
    std::fs::create_dir_all(records.join("_nhap")).expect("mkdir");
    symlink("/nonexistent", records.join("_nhap/b.yaml")).expect("link");
    std::fs::create_dir_all(content.join("ghi-chu")).expect("mkdir");
    symlink("/nonexistent", content.join("ghi-chu/c.yaml")).expect("link");
    // Read, and wrong: a dangling record link, a folder loop, a Windows-1258 file.
    symlink("/nonexistent", records.join("mat.yaml")).expect("link");
    symlink("..", records.join("vong")).expect("link");
    std::fs::write(
        records.join("cp1258.yaml"),
        b"ma_thu_tuc: \"1.000002\"\nten_thu_tuc: Th\xf4 t\xf4c\n",
    )
    .expect("write");

    let (o, json) = check_json(&content);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let diags = json["diagnostics"].as_array().expect("diagnostics");
    let on = |name: &str| {
        diags
            .iter()
            .find(|d| d["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .unwrap_or_else(|| panic!("no diagnostic on {name}: {json:#}"))
    };
    assert!(on("mat.yaml")["message"]
        .as_str()
        .is_some_and(|m| m.contains("liên kết (symlink) trỏ tới chỗ không có")));
    assert!(on("vong")["message"]
        .as_str()
        .is_some_and(|m| m.contains("trỏ ngược lên thư mục chứa nó")));
    let enc = on("cp1258.yaml");
    assert_eq!(
        (enc["line"].as_u64(), enc["column"].as_u64()),
        (Some(2), Some(16))
    );
    assert!(enc["message"]
        .as_str()
        .is_some_and(|m| m.contains("không phải UTF-8")));
    for ignored in [".#a.yaml", "b.yaml", "c.yaml"] {
        assert!(
            !diags
                .iter()
                .any(|d| d["file"].as_str().is_some_and(|f| f.ends_with(ignored))),
            "{ignored} is ignored, yet reported: {json:#}"
        );
    }
    assert_eq!(json["errors"], 3, "{json:#}");
    // No English from the libraries underneath.
    let all = json.to_string();
    for english in ["No such file", "os error", "IO error", "File system loop"] {
        assert!(!all.contains(english), "{english}: {all}");
    }
}

/// A check that cannot start still answers in JSON, and a reader that stops early
/// (`| head -1`) ends the run without a panic.
#[test]
fn check_json_without_content_and_into_a_closed_pipe() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = run(
        &["check", "--content", "nowhere", "--format", "json"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(json["errors"], 1);
    assert!(json["diagnostics"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("không tìm thấy thư mục nội dung")));

    // Enough warnings for the report to outgrow a pipe's buffer.
    let records: Vec<(String, String)> = (0..400)
        .map(|i| {
            let text = Record::new(&format!("1.{:06}", 100 + i), &format!("Thủ tục số {i}"))
                .text()
                .replace("muc_thu: 8000", "muc_thu: null");
            (format!("r{i}.yaml"), text)
        })
        .collect();
    let refs: Vec<(&str, &str)> = records
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let content = content_tree(tmp.path(), &refs);
    let mut child = std::process::Command::new(bin())
        .args(["check", "--format", "json", "--content"])
        .arg(&content)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("first byte");
    drop(stdout);
    let o = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(101), "panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A file past the size limit is refused before it is read, and a theme whose templates
/// include one another in a loop is refused by check and build, never a stack overflow.
#[test]
fn oversized_files_and_template_loops_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let huge = Record::new("1.000001", &"Đăng ký khai sinh ".repeat(70_000)).text();
    assert!(huge.len() > 1024 * 1024);
    let content = content_tree(tmp.path(), &[("huge.yaml", &huge)]);
    let (o, json) = check_json(&content);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let d = &json["diagnostics"][0];
    assert!(
        d["file"].as_str().is_some_and(|f| f.ends_with("huge.yaml"))
            && d["message"]
                .as_str()
                .is_some_and(|m| m.contains("quá giới hạn 1 MB")),
        "{json:#}"
    );

    let tmp = tempfile::tempdir().expect("tmp");
    let good = Record::new("1.000001", "Thủ tục đăng ký khai sinh").text();
    content_tree(tmp.path(), &[("a.yaml", &good)]);
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    std::fs::write(templates.join("vong.html"), "{% include \"vong.html\" %}").expect("write");
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .expect("base.html");
    std::fs::write(
        templates.join("base.html"),
        base.replacen("{% block", "{% include \"vong.html\" %}{% block", 1),
    )
    .expect("write");
    // Without the `pdf` feature, check reads no theme: only build can see the loop.
    let runs: &[&[&str]] = if cfg!(feature = "pdf") {
        &[&["build", "-q"], &["check"]]
    } else {
        &[&["build", "-q"]]
    };
    for args in runs {
        let o = run(args, tmp.path());
        let out = text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {out}");
        assert_ne!(o.status.code(), Some(101), "{args:?} panicked: {out}");
        assert!(
            out.contains("chèn lẫn nhau thành vòng (vong.html → vong.html)"),
            "{args:?}: {out}"
        );
    }
}

/// `niemyet init` in an empty folder: `check` passes with a warning for each value the
/// office must still give (never a made-up one), `build` writes the site, and a second
/// `init` refuses to overwrite the records.
#[test]
fn init_then_build_in_an_empty_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    std::fs::write(dir.join("README.md"), "sổ tay của phường\n").expect("readme");
    let o = run(&["init", "--ten", "Ủy ban nhân dân phường Tân Định"], dir);
    assert!(o.status.success(), "{}", text(&o));
    for f in [
        "content/site.yaml",
        "content/thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml",
        ".gitignore",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing: {}", text(&o));
    }
    // The office's own README is kept.
    assert_eq!(read(&dir.join("README.md")), "sổ tay của phường\n");

    let (o, json) = check_json(&dir.join("content"));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(json["errors"], 0, "{json}");
    let fields: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with("site.yaml")))
        .map(|d| d["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    for want in [
        "base_url",
        "co_quan.dia_chi",
        "co_quan.dien_thoai",
        "co_quan.gio_lam_viec[0].gio",
        "phan_anh_kien_nghi",
    ] {
        assert!(
            fields.iter().any(|f| f == want),
            "no warning on {want}: {fields:?}"
        );
    }

    let o = run(&["build", "-q"], dir);
    assert!(o.status.success(), "{}", text(&o));
    let home = read(&dir.join("output/index.html"));
    assert!(home.contains("Ủy ban nhân dân phường Tân Định"));
    assert!(dir.join("output/thu-tuc").is_dir());

    let before = read(&dir.join("content/site.yaml"));
    let o = run(&["init", "--ten", "Khác"], dir);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("không ghi đè"), "{}", text(&o));
    assert_eq!(read(&dir.join("content/site.yaml")), before);
}

/// Keys written with the portal's labels or common synonyms get the record's key as the
/// fix, where spelling distance alone would find nothing.
#[test]
fn portal_labels_suggest_the_records_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let record = Record::new("1.000001", "Đăng ký khai sinh")
        .text()
        .replace(
            "{ ten: \"Tờ khai\", ban_chinh: 1 }",
            "{ ten_giay_to: \"Tờ khai\", ban_chinh: 1 }",
        )
        .replace(
            "so_luong_ho_so: 1\n",
            "so_luong_ho_so: 1\nso_quyet_dinh: 1872/QĐ-BTP\n",
        );
    assert!(record.contains("ten_giay_to") && record.contains("so_quyet_dinh"));
    let content = content_tree(tmp.path(), &[("ho-tich/ks.yaml", record.as_str())]);
    let (_, json) = check_json(&content);
    let fixes: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["fix"].as_str().unwrap_or_default().to_owned())
        .collect();
    for want in ["Sửa thành: ten:", "Sửa thành: quyet_dinh_cong_bo:"] {
        assert!(
            fixes.iter().any(|f| f.contains(want)),
            "{want} not among {fixes:?}"
        );
    }
}
