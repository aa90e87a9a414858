//! What a record says when its source does not: each honest gap reaches the page, the
//! printed sheets and `check` as such, and nothing is made up in its place.

use crate::util::*;

/// A procedure the ward posts for guidance while the commune police decide it, written
/// from portal data with its gaps: no time limit, a decision of unknown kind, an embassy
/// channel in USD, a form and a related procedure not posted here, unverified fees.
const GAPS: &str = r#"ma_thu_tuc: "1.004194"
ten_thu_tuc: Đăng ký thường trú
ten_than_thien: Đăng ký thường trú
linh_vuc: Đăng ký, quản lý cư trú
cap_thuc_hien: [Xã]
trinh_tu_thuc_hien:
  - ten: Nộp hồ sơ
    mo_ta: Người đăng ký nộp hồ sơ tại Công an cấp xã.
cach_thuc_thuc_hien:
  - hinh_thuc: Trực tiếp
    thoi_han: { don_vi: không nêu }
    phi_le_phi: [{ loai: Lệ phí, muc_thu: 20000, don_vi: lần }]
  - hinh_thuc: Trực tiếp
    noi_ap_dung: Cơ quan đại diện Việt Nam ở nước ngoài
    thoi_han: { so: 10, don_vi: ngày làm việc }
    phi_le_phi: [{ loai: Lệ phí, muc_thu: 20, tien_te: USD }]
thanh_phan_ho_so:
  - giay_to:
      - { ten: Tờ khai thay đổi thông tin cư trú, ban_chinh: 1, bieu_mau: { ten: Tờ khai CT01, ma: CT01, lien_ket: "https://dichvucong.gov.vn/mau/ct01.docx" } }
      - { ten: Giấy tờ chứng minh chỗ ở hợp pháp, ban_sao: 1 }
      - { ten: Văn bản đồng ý của cha mẹ, ban_chinh: 1, ap_dung_khi: người đăng ký là người chưa thành niên }
doi_tuong_thuc_hien: [Công dân Việt Nam]
co_quan_thuc_hien: Công an cấp xã
ket_qua_thuc_hien: [Thông tin thường trú được cập nhật]
quyet_dinh_cong_bo:
  - { so_hieu: 5548/QĐ-BCA, ngay_ban_hanh: 30/06/2025, co_quan_ban_hanh: Bộ Công an, loai: chưa rõ }
ngay_hieu_luc: 01/07/2025
thu_tuc_lien_quan: [{ ma_thu_tuc: "1.004222", ten: Xóa đăng ký thường trú }]
tiep_nhan_tai:
  ten: Công an xã Thử
  dia_chi: 5 Đường Số 2, phường Thử
  dien_thoai: 0274 3999 888
  gio_lam_viec: Thứ Hai – Thứ Bảy, 7:00–17:00
chua_xac_minh: [cach_thuc_thuc_hien]
nguon: { ten: Cổng Dịch vụ công quốc gia, ngay_lay: 07/12/2026, lien_ket: "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.004194" }
"#;

fn built() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[("cu-tru/thuong-tru.yaml", GAPS)]);
    let out = tmp.path().join("out");
    let o = build_with(&content, &out, &["--as-of", "2026-12-01"]);
    assert!(o.status.success(), "{}", text(&o));
    (tmp, content, out)
}

/// The text a reader sees in an HTML page: tags dropped, entities of quotes kept as is.
fn visible(html: &str) -> String {
    let body = html.split("<main").nth(1).unwrap_or(html);
    let mut out = String::new();
    let mut tag = false;
    for ch in body.chars() {
        match ch {
            '<' => tag = true,
            '>' => {
                tag = false;
                out.push(' ');
            }
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_procedure_page_says_each_gap_and_invents_nothing() {
    let (_tmp, _content, out) = built();
    let html = read(&out.join("thu-tuc/dang-ky-thuong-tru/index.html"));
    let seen = visible(&html);
    for expected in [
        // another body decides: its contact, not the ward's hours
        "Thủ tục này do Công an xã Thử tiếp nhận và giải quyết.",
        "0274 3999 888",
        "Thứ Hai – Thứ Bảy, 7:00–17:00",
        "Nộp ở đâu Công an xã Thử, 5 Đường Số 2, phường Thử",
        // no time limit stated: said, never guessed
        "Thời hạn chưa xác minh Thủ tục được công bố không nêu thời hạn",
        // the embassy channel is listed apart, and not in this office's summary
        "Trực tiếp — tại Cơ quan đại diện Việt Nam ở nước ngoài",
        "20 USD",
        // a decision whose kind is unknown
        "Công bố (không rõ loại): 5548/QĐ-BCA ngày 30/06/2025 của Bộ Công an",
        // a per-document condition, a form posted elsewhere
        "Văn bản đồng ý của cha mẹ Chỉ khi người đăng ký là người chưa thành niên",
        "Mẫu: Tờ khai CT01 (CT01) (không niêm yết tại đây; xem mẫu ở nguồn",
        // a related procedure posted elsewhere, linked to the portal
        "Xóa đăng ký thường trú (mã 1.004222; không niêm yết tại đây)",
        // unverified values are flagged, and the source is named
        "Chưa xác minh: Cách thức thực hiện.",
        "Nguồn: Cổng Dịch vụ công quốc gia, lấy ngày 07/12/2026",
    ] {
        assert!(seen.contains(expected), "missing {expected:?} in:\n{seen}");
    }
    assert!(
        html.contains("href=\"https://dichvucong.gov.vn/tim-kiem?keyword=1.004222\""),
        "the related procedure links to the portal's search"
    );
    assert!(html.contains("href=\"https://dichvucong.gov.vn/mau/ct01.docx\""));
    // The ward's own hours and desk belong to its procedures, not to this one.
    assert!(!seen.contains("Sáng 7:30–11:30"), "{seen}");
    assert!(!seen.contains("Bộ phận Một cửa, tầng 1"), "{seen}");
    // The summary speaks of what happens here: the embassy's USD fee stays below.
    let summary = seen
        .split("Phí, lệ phí chưa xác minh")
        .nth(1)
        .and_then(|s| s.split("Làm trực tuyến").next())
        .expect("fee row");
    assert!(
        summary.contains("20.000 đồng") && !summary.contains("USD"),
        "{summary}"
    );
}

#[test]
fn a_decision_of_unknown_kind_makes_no_event() {
    let (_tmp, _content, out) = built();
    let updates = visible(&read(&out.join("cap-nhat/index.html")));
    assert!(!updates.contains("Đăng ký thường trú"), "{updates}");
}

#[test]
fn check_passes_with_a_warning_for_each_gap() {
    let (_tmp, content, _out) = built();
    let (o, v) = check_json(&content);
    assert!(o.status.success(), "{}", text(&o));
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let errors: Vec<_> = diags.iter().filter(|d| d["severity"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let fields: Vec<&str> = diags.iter().filter_map(|d| d["field"].as_str()).collect();
    for f in [
        "cach_thuc_thuc_hien[0].thoi_han",
        "quyet_dinh_cong_bo[0].loai",
        "chua_xac_minh[0]",
    ] {
        assert!(fields.contains(&f), "no warning at {f}: {fields:?}");
    }
}

#[test]
fn a_related_code_not_on_the_board_says_how_to_name_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let record = GAPS.replace(
        "thu_tuc_lien_quan: [{ ma_thu_tuc: \"1.004222\", ten: Xóa đăng ký thường trú }]",
        "thu_tuc_lien_quan: [\"1.004222\"]",
    );
    let content = content_tree(tmp.path(), &[("cu-tru/thuong-tru.yaml", &record)]);
    let o = run(
        &["check", "--content", content.to_str().expect("utf-8")],
        tmp.path(),
    );
    let said = text(&o);
    assert!(!o.status.success());
    assert!(
        said.contains("ma_thu_tuc: \"1.004222\", ten:"),
        "the fix names the off-board form: {said}"
    );
    let bad = GAPS.replace(
        "chua_xac_minh: [cach_thuc_thuc_hien]",
        "chua_xac_minh: [phi_le_phi]",
    );
    std::fs::write(content.join("thu-tuc/cu-tru/thuong-tru.yaml"), bad).expect("write");
    let said = text(&run(
        &["check", "--content", content.to_str().expect("utf-8")],
        tmp.path(),
    ));
    assert!(said.contains("\"phi_le_phi\" không phải một mục"), "{said}");
}

#[cfg(feature = "pdf")]
#[test]
fn the_poster_says_who_decides_and_what_is_unverified() {
    let (_tmp, _content, out) = built();
    let pdf = out.join("in/thu-tuc/dang-ky-thuong-tru/niem-yet.pdf");
    let Some(t) = pdf::text_of(&pdf) else {
        return; // said loudly by text_of when poppler is missing
    };
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Chưa xác minh: Cách thức thực hiện.",
        "Do Công an xã Thử tiếp nhận và giải quyết.",
        "0274 3999 888",
        "Thủ tục được công bố không nêu thời hạn",
        "Tại Cơ quan đại diện Việt Nam ở nước ngoài, trực tiếp: 10 ngày làm việc",
        "Chỉ khi người đăng ký là người chưa thành niên.",
        "(không niêm yết tại đây)",
    ] {
        assert!(t.contains(expected), "poster lacks {expected:?}:\n{t}");
    }
    assert!(
        !t.contains("Sáng 7:30"),
        "the ward's hours on another body's poster"
    );
    // The printable HTML version says the same.
    let html = read(&out.join("in/thu-tuc/dang-ky-thuong-tru/index.html"));
    for expected in [
        "Chỉ khi người đăng ký là người chưa thành niên.",
        "(không niêm yết tại đây)",
        "Do Công an xã Thử tiếp nhận và giải quyết.",
        "Chưa xác minh: Cách thức thực hiện.",
    ] {
        assert!(html.contains(expected), "printable page lacks {expected:?}");
    }
}
