//! Helpers shared by the integration tests: run the real binary, make content trees.
#![allow(dead_code)]

pub mod fixture;
pub mod pdf;
pub mod sheet;
pub mod tools;

pub use fixture::Record;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_niemyet")
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run niemyet")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The repository's own sample content.
pub fn sample_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// Build `content` into `out` with the real binary; panics with the output on failure.
pub fn build(content: &Path, out: &Path) -> Output {
    build_with(content, out, &[])
}

/// [`build`] with more options (`--as-of`, `-q`).
pub fn build_with(content: &Path, out: &Path, args: &[&str]) -> Output {
    let o = Command::new(bin())
        .arg("build")
        .args(args)
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(out)
        .output()
        .expect("run niemyet build");
    assert!(o.status.success(), "build failed:\n{}", text(&o));
    o
}

/// `niemyet check --format json` on `content`: the run and its parsed report.
pub fn check_json(content: &Path) -> (Output, serde_json::Value) {
    let o = Command::new(bin())
        .args(["check", "--format", "json", "--content"])
        .arg(content)
        .output()
        .expect("run niemyet check");
    let json = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("check json: {e}\n{}", text(&o)));
    (o, json)
}

/// Text as an HTML or XML escaper wrote it (Tera, pdftotext), read back.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Every file under `dir` with one of the extensions, sorted.
pub fn files_with_ext(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub const SITE_YAML: &str = "tieu_de: Niêm yết thủ tục hành chính — Phường Thử
base_url: https://niemyet.example.vn/
co_quan:
  ten: Ủy ban nhân dân phường Thử
  cap_tren: Thành phố Hồ Chí Minh
  bo_phan_tiep_nhan: Bộ phận Một cửa, tầng 1
  dia_chi: 1 Đường Số 1, phường Thử
  dien_thoai: 0274 3822 123
  duong_day_nong: \"1022\"
  email: motcua@example.vn
  gio_lam_viec:
    - { ngay: Thứ Hai – Thứ Sáu, gio: \"Sáng 7:30–11:30, chiều 13:30–17:00\" }
phan_anh_kien_nghi: Gửi phản ánh, kiến nghị về **Văn phòng UBND phường**.
cong_dich_vu_cong:
  ten: Cổng Dịch vụ công quốc gia
  url: https://dichvucong.gov.vn
  mau_lien_ket_thu_tuc: \"https://dichvucong.gov.vn/thu-tuc?ma={ma}\"
  mau_lien_ket_tim_kiem: \"https://dichvucong.gov.vn/tim-kiem?keyword={ma}\"
";

/// A record that uses every part of the model.
pub const FULL_RECORD: &str = r#"---
ma_thu_tuc: "1.001193"
ten_thu_tuc: Thủ tục đăng ký khai sinh
ten_than_thien: Làm giấy khai sinh cho con
linh_vuc: Hộ tịch
ma_linh_vuc: HT
cap_thuc_hien: [Xã]
loai_thu_tuc: TTHC được luật giao quy định chi tiết
mo_ta: Đăng ký khai sinh cho trẻ em sinh ra tại Việt Nam.
muc_do_truc_tuyen: toàn trình
ma_cong_dich_vu_cong: "1.001193.000.00.00.H42"
ngay_hieu_luc: 01/07/2025
ngay_cap_nhat: 2026-10-31
so_luong_ho_so: 1
tu_khoa: [làm giấy khai sinh, khai sinh cho con]
su_kien_cuoc_song: [Có con mới sinh]
doi_tuong_thuc_hien: [Công dân Việt Nam]
co_quan_thuc_hien: Ủy ban nhân dân cấp xã
co_quan_co_tham_quyen: Ủy ban nhân dân cấp xã
co_quan_duoc_uy_quyen: Không có
co_quan_phoi_hop: Công an cấp xã
dia_chi_tiep_nhan: Bộ phận Một cửa, UBND phường Thử
ket_qua_thuc_hien: [Giấy khai sinh (bản chính), Bản sao Giấy khai sinh (nếu có yêu cầu)]
trinh_tu_thuc_hien:
  - ten: Nộp hồ sơ
    mo_ta: Người đi đăng ký khai sinh nộp hồ sơ.
    nhanh:
      - truong_hop: Nộp trực tuyến
        cac_buoc:
          - ten: Đăng nhập Cổng Dịch vụ công
            mo_ta: Dùng tài khoản định danh điện tử mức 2.
  - ten: Tiếp nhận và trả kết quả
    mo_ta: Công chức tư pháp - hộ tịch kiểm tra và ghi vào Sổ hộ tịch.
cach_thuc_thuc_hien:
  - hinh_thuc: Trực tiếp
    thoi_han: { so: 1, don_vi: ngày làm việc, mo_ta: nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo }
    phi_le_phi: []
  - hinh_thuc: Trực tuyến
    thoi_han: { so: 1, don_vi: ngày làm việc }
    phi_le_phi:
      - loai: Lệ phí
        muc_thu: 8000
        don_vi: bản
        truong_hop: Cấp bản sao trích lục
        mien_giam: [Trẻ em thuộc hộ nghèo]
        ghi_chu: Miễn lệ phí đăng ký khai sinh đúng hạn
  - hinh_thuc: Dịch vụ bưu chính
    thoi_han: { don_vi: khác, mo_ta: Theo thời gian chuyển phát }
    phi_le_phi:
      - loai: Phí
        bac:
          - { tu: 1, den: 2, muc_thu: 2000 }
          - { tu: 3, muc_thu: 1000 }
        don_vi: trang
        toi_da: 200000
        don_vi_toi_da: bản
      - loai: Phí
        muc_thu: null
        truong_hop: Phí chuyển phát
thanh_phan_ho_so:
  - giay_to:
      - ten: Tờ khai đăng ký khai sinh
        ban_chinh: 1
        bieu_mau: TP-HT-2020-TKKS
      - ten: Giấy chứng sinh
        ban_chinh: 1
        thay_the: [Văn bản của người làm chứng xác nhận về việc sinh]
        ghi_chu: Do cơ sở y tế cấp
  - truong_hop: Trường hợp trẻ bị bỏ rơi
    giay_to:
      - ten: Biên bản xác nhận việc trẻ bị bỏ rơi
        ban_chinh: 1
      - ten: Giấy tờ tùy thân của người đi đăng ký
        xuat_trinh: true
yeu_cau_dieu_kien:
  - Đăng ký trong 60 ngày kể từ ngày sinh
  - noi_dung: Trường hợp cha mẹ là người nước ngoài
    chi_tiet:
      - noi_dung: Có thỏa thuận chọn quốc tịch
        chi_tiet: [Văn bản thỏa thuận có công chứng]
can_cu_phap_ly:
  - so_hieu: 60/2014/QH13
    trich_yeu: Luật Hộ tịch
    ngay_ban_hanh: 20/11/2014
    co_quan_ban_hanh: Quốc hội
quyet_dinh_cong_bo:
  - so_hieu: 1872/QĐ-BTP
    ngay_ban_hanh: 2025-06-30
    co_quan_ban_hanh: Bộ Tư pháp
    loai: sửa đổi, bổ sung
    ngay_hieu_luc: 01/07/2025
---
## Cần chuẩn bị

Mang **giấy chứng sinh** bản chính.
"#;

/// Write a content tree with the test site config and the given records.
pub fn content_tree(root: &Path, records: &[(&str, &str)]) -> PathBuf {
    let content = root.join("content");
    std::fs::create_dir_all(content.join("thu-tuc")).expect("mkdir");
    std::fs::write(content.join("site.yaml"), SITE_YAML).expect("site.yaml");
    for (name, text) in records {
        let p = content.join("thu-tuc").join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("record");
    }
    content
}

/// Every file under `dir`, by path relative to it, with its bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("rel").to_path_buf();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Copy a folder tree (a content folder to edit in a test).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Add a setting to `site.yaml` in `content` (`so_thu_tuc_moi_trang: 10`).
pub fn add_to_site_yaml(content: &Path, line: &str) {
    let path = content.join("site.yaml");
    let site = read(&path);
    std::fs::write(&path, format!("{site}\n{line}\n")).expect("site.yaml");
}
