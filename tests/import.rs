//! `niemyet import portal`: the portal's procedure-detail JSON in, records that pass
//! `check` out; a newer payload merged three ways into a record the office has edited.

use crate::util::*;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portal")
}

/// A new office's folder with the fixtures imported; returns (tmp, dir, import output).
fn imported() -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_path_buf();
    let o = run(&["init", "--ten", "Ủy ban nhân dân phường Thử"], &dir);
    assert!(o.status.success(), "{}", text(&o));
    let f = fixtures();
    let o = run(&["import", "portal", f.to_str().expect("utf-8")], &dir);
    assert!(o.status.success(), "{}", text(&o));
    (tmp, dir, text(&o))
}

const KHAI_SINH: &str = "content/thu-tuc/ho-tich/thu-tuc-dang-ky-khai-sinh.yaml";

#[test]
fn imported_records_pass_check_with_warnings_only_and_say_their_gaps() {
    let (_tmp, dir, said) = imported();
    assert!(said.contains("3 hồ sơ: 3 mới"), "{said}");
    assert!(said.contains("cần hoàn thiện: tên thường gọi"), "{said}");
    // What only the office knows: where it receives, the province's fee resolution.
    assert!(said.contains("cần hoàn thiện: địa chỉ tiếp nhận"), "{said}");
    assert!(
        said.contains("cần hoàn thiện: lệ phí: đối chiếu mức thu với nghị quyết của HĐND tỉnh"),
        "{said}"
    );
    let (o, json) = check_json(&dir.join("content"));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(json["errors"], 0, "{json:#}");
    let record = read(&dir.join(KHAI_SINH));
    for expected in [
        // the office's to-do list heads the file
        "# - thời hạn kênh \"Trực tuyến\": cổng không nêu",
        // multi-line portal text keeps its lines and sub-items
        "    - Trường hợp nộp trực tiếp: xuất trình giấy tờ tùy thân;\n    + bản chính hoặc bản sao có chứng thực;",
        "    (ii) nếu chưa đầy đủ thì hướng dẫn bổ sung một lần.",
        // OTHER with no text: not stated; an empty fee list: no fee line (unknown)
        "- hinh_thuc: Trực tuyến\n  thoi_han:\n    don_vi: không nêu\n- hinh_thuc",
        // a fee of 0 whose text says free: free, its words kept
        "  phi_le_phi: []\n  mo_ta: |-\n    Trường hợp nhận hồ sơ sau 15 giờ",
        "    Miễn lệ phí đăng ký khai sinh đúng hạn.",
        // a fee of 0 with other words: the amount is in the words
        "  - loai: Lệ phí\n    ghi_chu: Lệ phí đăng ký khai sinh quá hạn",
        // "Lưu ý" is a note on the documents, not a document
        "  ghi_chu: Trường hợp không có Giấy chứng sinh",
        // presented, not kept; a form posted on the portal, not here
        "    xuat_trinh: true",
        "      lien_ket: https://dichvucong.gov.vn/files/TK-KS.docx",
        // a decision without its kind; provenance with the payload's digest
        "  loai: chưa rõ",
        "  ma_bam: ",
        "    so: 1\n",
    ] {
        assert!(record.contains(expected), "missing {expected:?} in\n{record}");
    }
    assert!(
        !record.contains("Giấy tờ phải nộp"),
        "a group label is not a case"
    );
    // The bare payload with numbers as strings and null lists read as well.
    let trich_luc =
        read(&dir.join("content/thu-tuc/ho-tich/thu-tuc-cap-ban-sao-trich-luc-ho-tich.yaml"));
    assert!(
        trich_luc.contains("muc_do_truc_tuyen: toàn trình"),
        "{trich_luc}"
    );
    assert!(trich_luc.contains("muc_thu: 8000"), "{trich_luc}");
    assert!(trich_luc.contains("loai: Phí"), "{trich_luc}");
    // The payloads are kept for the next import's merge.
    assert!(dir.join("content/nguon/cong-dvc/1.001193.json").is_file());
}

#[test]
fn the_site_says_what_the_portal_does_not() {
    let (_tmp, dir, _) = imported();
    let out = dir.join("output");
    let o = run(&["build", "--as-of", "2026-12-01"], &dir);
    assert!(o.status.success(), "{}", text(&o));
    let html = read(&out.join("thu-tuc/dang-ky-khai-sinh/index.html"));
    for expected in [
        "Thủ tục được công bố không nêu thời hạn",
        "Công bố (không rõ loại): 1872/QĐ-BTP ngày 30/06/2025 của Bộ Tư pháp",
        "Nguồn: Cổng Dịch vụ công quốc gia",
        "<strong>Lưu ý:</strong>",
        // the step's "+" items nest under its "-" item
        "<li>bản chính hoặc bản sao có chứng thực;</li>",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
}

#[test]
fn reimport_keeps_the_offices_edits_and_reports_conflicts() {
    let (_tmp, dir, _) = imported();
    let record_path = dir.join(KHAI_SINH);
    // The office names the procedure plainly, notes something, and rewrites the agency.
    let edited = read(&record_path)
        .replace(
            "ten_thu_tuc: Thủ tục đăng ký khai sinh\n",
            "ten_thu_tuc: Thủ tục đăng ký khai sinh\nten_than_thien: Làm giấy khai sinh cho con # phường đặt\n",
        )
        .replace(
            "co_quan_thuc_hien: Ủy ban nhân dân cấp xã",
            "co_quan_thuc_hien: Ủy ban nhân dân phường Thử",
        );
    std::fs::write(&record_path, &edited).expect("edit");

    // The portal amends the last step and the agency, and adds a result.
    let newer = tempfile::tempdir().expect("tmp");
    let payload = read(&fixtures().join("1.001193-khai-sinh.json"))
        .replace(
            "\"description\": \"Trả kết quả.\"",
            "\"description\": \"Trả kết quả trực tiếp hoặc qua bưu chính.\"",
        )
        .replace(
            "\"unitGroupsExecuting\": [\n   {\n    \"name\": \"Ủy ban nhân dân cấp xã\"",
            "\"unitGroupsExecuting\": [\n   {\n    \"name\": \"Ủy ban nhân dân cấp xã nơi cư trú\"",
        )
        .replace(
            "\"name\": \"Giấy khai sinh (bản chính)\"",
            "\"name\": \"Giấy khai sinh (bản chính), bản điện tử\"",
        );
    assert_ne!(payload, read(&fixtures().join("1.001193-khai-sinh.json")));
    let newer_file = newer.path().join("khai-sinh.json");
    std::fs::write(&newer_file, &payload).expect("payload");
    let o = run(
        &["import", "portal", newer_file.to_str().expect("utf-8")],
        &dir,
    );
    let said = text(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a conflict is an exit code: {said}"
    );
    assert!(
        said.contains("lấy mới từ cổng: trinh_tu_thuc_hien, ket_qua_thuc_hien"),
        "{said}"
    );
    assert!(
        said.contains("giữ nội dung đơn vị đã sửa: ten_than_thien"),
        "{said}"
    );
    assert!(
        said.contains("XUNG ĐỘT: đơn vị và cổng cùng sửa co_quan_thuc_hien"),
        "{said}"
    );

    let after = read(&record_path);
    // Portal changes in, local text and its comment kept, the conflict left as the office wrote it.
    assert!(
        after.contains("Trả kết quả trực tiếp hoặc qua bưu chính."),
        "{after}"
    );
    assert!(
        after.contains("Giấy khai sinh (bản chính), bản điện tử"),
        "{after}"
    );
    assert!(
        after.contains("ten_than_thien: Làm giấy khai sinh cho con # phường đặt"),
        "{after}"
    );
    assert!(
        after.contains("co_quan_thuc_hien: Ủy ban nhân dân phường Thử"),
        "{after}"
    );
    // Only the merged keys' lines changed: every other line of the office's file stays.
    let before_lines: Vec<&str> = edited.lines().collect();
    for line in after.lines() {
        let from_portal = line.contains("Trả kết quả")
            || line.contains("bản điện tử")
            || line.contains("ma_bam:")
            || line.contains("ngay_lay:");
        assert!(
            from_portal || before_lines.contains(&line),
            "line not from either side: {line:?}"
        );
    }
    let conflict = read(&dir.join("content/nguon/cong-dvc/1.001193.xung-dot.yaml"));
    assert!(
        conflict.contains("co_quan_thuc_hien: Ủy ban nhân dân cấp xã nơi cư trú"),
        "{conflict}"
    );
    let (o, json) = check_json(&dir.join("content"));
    assert!(o.status.success() && json["errors"] == 0, "{json:#}");

    // The same payload again: nothing to merge, no file touched.
    let tree_before = tree(&dir.join("content"));
    let o = run(
        &["import", "portal", newer_file.to_str().expect("utf-8")],
        &dir,
    );
    assert!(text(&o).contains("cổng không đổi"), "{}", text(&o));
    let tree_after = tree(&dir.join("content"));
    let changed: Vec<_> = tree_after
        .iter()
        .filter(|(p, b)| tree_before.get(*p) != Some(*b))
        .map(|(p, _)| p.clone())
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
}

#[test]
fn bad_payloads_are_located_and_nothing_is_written() {
    let (_tmp, dir, _) = imported();
    let before = tree(&dir.join("content"));
    let bad = tempfile::tempdir().expect("tmp");
    std::fs::copy(
        fixtures().join("2.000815-chung-thuc.json"),
        bad.path().join("a.json"),
    )
    .expect("copy");
    std::fs::write(
        bad.path().join("b.json"),
        "{\"code\":\"OK\",\n \"data\": {\"name\": \"x\",,}}",
    )
    .expect("write");
    let o = run(
        &["import", "portal", bad.path().to_str().expect("utf-8")],
        &dir,
    );
    let said = text(&o);
    assert!(!o.status.success());
    assert!(said.contains("b.json:2:"), "file and line: {said}");
    assert_eq!(
        before,
        tree(&dir.join("content")),
        "a failed import writes nothing"
    );
    // --dry-run says what it would do and writes nothing either.
    let o = run(
        &[
            "import",
            "portal",
            "--dry-run",
            fixtures().to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(text(&o).contains("chạy thử"), "{}", text(&o));
    assert_eq!(before, tree(&dir.join("content")));
}
