//! Synthetic procedure records of realistic size, for benchmarks and scale tests:
//! 6–25 documents in 1–4 groups, 3–8 steps, 2 channels with fees, a ~2 KB Markdown body.
//! Deterministic: the same N gives the same files.

use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "đăng ký",
    "khai sinh",
    "kết hôn",
    "chứng thực",
    "bản sao",
    "hộ tịch",
    "trợ cấp",
    "xã hội",
    "người cao tuổi",
    "khuyết tật",
    "đất đai",
    "quyền sử dụng",
    "giấy chứng nhận",
    "hòa giải",
    "thường trú",
    "tạm trú",
    "xác nhận",
    "tình trạng",
    "hôn nhân",
    "giám hộ",
    "nuôi con nuôi",
    "thay đổi",
    "cải chính",
    "bổ sung",
    "thông tin",
    "người có công",
    "liệt sĩ",
    "mai táng phí",
    "khen thưởng",
    "tín ngưỡng",
    "lễ hội",
    "giáo dục",
    "trường mầm non",
    "nông nghiệp",
    "cây trồng",
    "văn hóa",
    "gia đình",
    "thể thao",
    "lao động",
    "việc làm",
    "đường bộ",
    "xây dựng",
    "môi trường",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| WORDS[self.range(0, WORDS.len() - 1)])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn site_yaml() -> &'static str {
    "tieu_de: Niêm yết thủ tục hành chính — Tỉnh Thử nghiệm
base_url: https://niemyet.example.vn/
co_quan:
  ten: Ủy ban nhân dân tỉnh Thử nghiệm
  dia_chi: 1 Đường Trung tâm, Tỉnh Thử nghiệm
  dien_thoai: 0274 3822 123
  duong_day_nong: \"1022\"
  gio_lam_viec:
    - { ngay: Thứ Hai – Thứ Sáu, gio: \"7:30–11:30, 13:30–17:00\" }
phan_anh_kien_nghi: Gửi phản ánh, kiến nghị về Văn phòng UBND tỉnh.
cong_dich_vu_cong:
  ten: Cổng Dịch vụ công quốc gia
  url: https://dichvucong.gov.vn
  mau_lien_ket_tim_kiem: \"https://dichvucong.gov.vn/tim-kiem?keyword={ma}\"
"
}

/// Write `n` records and a `site.yaml` into `content` (created if needed).
pub fn generate(content: &Path, n: usize) -> std::io::Result<()> {
    let dir = content.join("thu-tuc");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(content.join("site.yaml"), site_yaml())?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..n {
        let field = i % 35;
        let mut s = String::with_capacity(8 * 1024);
        s.push_str("---\n");
        let _ = writeln!(
            s,
            "ma_thu_tuc: \"{}.{:06}\"",
            1 + i / 1_000_000,
            i % 1_000_000
        );
        let _ = writeln!(
            s,
            "ten_thu_tuc: Thủ tục {} {} số {i}",
            rng.words(6),
            rng.words(4)
        );
        let _ = writeln!(s, "ten_than_thien: {} {}", rng.words(3), i);
        let _ = writeln!(
            s,
            "linh_vuc: Lĩnh vực {} {field}",
            WORDS[field % WORDS.len()]
        );
        let level = ["toàn trình", "một phần", "không"][i % 3];
        let _ = writeln!(s, "muc_do_truc_tuyen: {level}");
        let _ = writeln!(s, "ngay_cap_nhat: {:02}/{:02}/2026", 1 + i % 28, 1 + i % 10);
        s.push_str("cap_thuc_hien: [Xã]\nso_luong_ho_so: 1\n");
        let _ = writeln!(s, "tu_khoa: [{}, {}]", rng.words(2), rng.words(2));
        s.push_str("trinh_tu_thuc_hien:\n");
        for k in 0..rng.range(3, 8) {
            let _ = writeln!(s, "  - ten: Bước {} — {}", k + 1, rng.words(3));
            let _ = writeln!(s, "    mo_ta: {}", rng.words(18));
        }
        s.push_str("cach_thuc_thuc_hien:\n");
        for kind in ["Trực tiếp", "Trực tuyến"] {
            let _ = writeln!(s, "  - hinh_thuc: {kind}");
            let _ = writeln!(
                s,
                "    thoi_han: {{ so: {}, don_vi: ngày làm việc }}",
                rng.range(1, 20)
            );
            let _ = writeln!(
                s,
                "    phi_le_phi:\n      - loai: Lệ phí\n        muc_thu: {}\n        don_vi: bản",
                rng.range(0, 50) * 1000
            );
        }
        s.push_str("thanh_phan_ho_so:\n");
        let docs = rng.range(6, 25);
        let groups = rng.range(1, 4);
        for g in 0..groups {
            let _ = writeln!(s, "  - truong_hop: Trường hợp {} {}", g + 1, rng.words(4));
            s.push_str("    giay_to:\n");
            for _ in 0..(docs / groups).max(1) {
                let _ = writeln!(s, "      - ten: {}", rng.words(7));
                let originals = rng.range(0, 1);
                let copies = if originals == 0 {
                    rng.range(1, 2)
                } else {
                    rng.range(0, 2)
                };
                let _ = writeln!(
                    s,
                    "        ban_chinh: {originals}\n        ban_sao: {copies}"
                );
            }
        }
        s.push_str(
            "doi_tuong_thuc_hien: [Công dân Việt Nam, Người nước ngoài cư trú tại Việt Nam]\n",
        );
        s.push_str("co_quan_thuc_hien: Ủy ban nhân dân cấp xã\n");
        let _ = writeln!(s, "ket_qua_thuc_hien: [{}]", rng.words(4));
        s.push_str("can_cu_phap_ly:\n  - so_hieu: 123/2015/NĐ-CP\n    trich_yeu: Quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch\n    ngay_ban_hanh: 15/11/2015\n");
        s.push_str("---\n");
        while s.len() < 6 * 1024 {
            let _ = writeln!(
                s,
                "## {}\n\n{}. **{}**.\n",
                rng.words(3),
                rng.words(30),
                rng.words(4)
            );
        }
        let sub = dir.join(format!("lv{field:02}"));
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join(format!("tt-{i:06}.md")), s)?;
    }
    Ok(())
}

/// The first record [`generate`] wrote (the bench edits it to time a one-record rebuild).
pub fn first_record(content: &Path) -> Option<std::path::PathBuf> {
    let p = content.join("thu-tuc/lv00/tt-000000.md");
    p.is_file().then_some(p)
}
