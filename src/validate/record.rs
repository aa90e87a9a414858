//! Rules one record can break on its own: the mandatory parts of Nghị định 63/2010,
//! code shapes, channels, fees, documents, steps, decisions. Reads only the typed record (no files,
//! no other records).

use crate::diagnostic::{FieldPath, Finding};
use crate::model::*;

/// Rules a single record can break. Errors stop the build; warnings are advice.
pub fn check_record(p: &Procedure) -> Vec<Finding> {
    let mut out = Vec::new();
    let root = FieldPath::root();
    mandatory(p, &mut out);
    if let Some(code) = &p.ma_thu_tuc {
        if let Err(fix) = check_code(code.as_str()) {
            out.push(Finding::error(
                root.key("ma_thu_tuc"),
                format!("mã thủ tục \"{code}\" không đúng dạng"),
                Some(fix),
            ));
        }
    }
    for (i, code) in p.thu_tuc_lien_quan.iter().enumerate() {
        if let Err(fix) = check_code(code.as_str()) {
            out.push(Finding::error(
                root.key("thu_tuc_lien_quan").index(i),
                format!("mã thủ tục liên quan \"{code}\" không đúng dạng"),
                Some(fix),
            ));
        }
    }
    if let Some(slug) = &p.slug {
        if slug.is_empty()
            || !slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            out.push(Finding::error(
                root.key("slug"),
                format!("đường dẫn \"{slug}\" chỉ được có chữ thường không dấu, số và dấu -"),
                Some(format!("ví dụ: slug: {}", crate::text::slugify(slug, 80))),
            ));
        } else if crate::permalink::is_list_page_slug(slug) {
            out.push(Finding::error(
                root.key("slug"),
                format!("đường dẫn \"{slug}\" dành cho các trang của danh sách thủ tục"),
                Some("chọn slug theo tên thủ tục, ví dụ slug: dang-ky-khai-sinh".into()),
            ));
        }
    }
    if let Some(field) = p.linh_vuc.as_deref().filter(|f| !crate::text::is_blank(f)) {
        // The field's pages live at linh-vuc/<slug>/: a name with no letter or digit
        // ("—", "(*)", an emoji) would have none and overwrite the list of fields.
        if crate::text::slugify(field, crate::text::SLUG_MAX).is_empty() {
            out.push(Finding::error(
                root.key("linh_vuc"),
                format!("tên lĩnh vực \"{field}\" không có chữ hoặc số"),
                Some(
                    "ghi tên lĩnh vực như trong quyết định công bố, ví dụ linh_vuc: Hộ tịch".into(),
                ),
            ));
        }
    }
    if p.so_luong_ho_so == Some(0) {
        out.push(Finding::error(
            root.key("so_luong_ho_so"),
            "số lượng hồ sơ phải lớn hơn 0",
            Some("thường là so_luong_ho_so: 1".into()),
        ));
    }
    channels(p, &mut out);
    documents(p, &mut out);
    steps(
        &p.trinh_tu_thuc_hien,
        &root.key("trinh_tu_thuc_hien"),
        &mut out,
    );
    decisions(p, &mut out);
    if let Some(url) = &p.lien_ket_truc_tuyen {
        super::web_address(url, root.key("lien_ket_truc_tuyen"), &mut out);
    }
    recommended(p, &mut out);
    super::gaps::check_gaps(p, &mut out);
    super::blank::blank_strings(p, &mut out);
    out
}

/// National codes look like `1.001193`, optionally with a local suffix
/// (`1.001193.000.00.00.H42`). Returns the fix on failure.
pub fn check_code(code: &str) -> Result<(), String> {
    let mut parts = code.split('.');
    let head = parts.next().unwrap_or("");
    let num = parts.next().unwrap_or("");
    let suffix_ok = parts.all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    let ok = !head.is_empty()
        && head.bytes().all(|b| b.is_ascii_digit())
        && num.len() == 6
        && num.bytes().all(|b| b.is_ascii_digit())
        && suffix_ok;
    if ok {
        Ok(())
    } else {
        Err("mã quốc gia có dạng \"1.001193\" (một chữ số, dấu chấm, sáu chữ số), đặt trong dấu nháy".into())
    }
}

/// The parts Nghị định 63/2010 (Điều 8) makes mandatory, each with what to write. The key
/// in the message is the field's own name (`stringify!`), so it cannot drift from the
/// model.
fn mandatory(p: &Procedure, out: &mut Vec<Finding>) {
    use crate::model::keys::IsSet;
    let root = FieldPath::root();
    macro_rules! required {
        ($($key:ident, $what:literal, $example:literal;)*) => {$(
            if !p.$key.is_set() {
                let key = stringify!($key);
                out.push(Finding::error(
                    root.key(key),
                    format!("thiếu {} (bắt buộc theo Nghị định 63/2010/NĐ-CP, Điều 8)", $what),
                    Some(format!("thêm: {key}: {}", $example)),
                ).absent());
            }
        )*};
    }
    required! {
        ma_thu_tuc, "mã thủ tục", "\"1.001193\"";
        ten_thu_tuc, "tên thủ tục", "Thủ tục đăng ký khai sinh";
        linh_vuc, "lĩnh vực", "Hộ tịch";
        trinh_tu_thuc_hien, "trình tự thực hiện", "danh sách các bước (- ten: …  mo_ta: …)";
        cach_thuc_thuc_hien, "cách thức thực hiện", "danh sách kênh (- hinh_thuc: Trực tiếp …)";
        thanh_phan_ho_so, "thành phần hồ sơ", "danh sách nhóm giấy tờ (- giay_to: [ … ])";
        doi_tuong_thuc_hien, "đối tượng thực hiện", "[Công dân Việt Nam]";
        co_quan_thuc_hien, "cơ quan thực hiện", "Ủy ban nhân dân cấp xã";
        ket_qua_thuc_hien, "kết quả thực hiện", "[Giấy khai sinh (bản chính)]";
    }
}

fn channels(p: &Procedure, out: &mut Vec<Finding>) {
    let base = FieldPath::root().key("cach_thuc_thuc_hien");
    for (i, ch) in p.cach_thuc_thuc_hien.iter().enumerate() {
        let at = base.index(i);
        match &ch.thoi_han {
            None => out.push(Finding::error(
                at.key("thoi_han"),
                format!(
                    "kênh \"{}\" thiếu thời hạn giải quyết",
                    ch.hinh_thuc.label()
                ),
                Some("thêm: thoi_han: { so: 3, don_vi: ngày làm việc }".into()),
            )
            .absent()),
            Some(t) => match (t.don_vi, t.so) {
                (TimeUnit::Khac, _) if t.mo_ta.is_none() => out.push(Finding::error(
                    at.key("thoi_han"),
                    "thời hạn \"khác\" cần ghi rõ bằng chữ",
                    Some("thêm mo_ta: \"Ngay trong ngày làm việc\"".into()),
                )
                .resting_on(&["mo_ta"])),
                (TimeUnit::Khac, _) => {}
                // Said so by the source; check_gaps warns.
                (TimeUnit::KhongNeu, _) => {}
                (_, None) => out.push(Finding::error(
                    at.key("thoi_han"),
                    "thời hạn thiếu con số",
                    Some("thêm so: 5 (hoặc don_vi: khác và mo_ta: …; hoặc don_vi: không nêu nếu văn bản không nêu)".into()),
                )
                .resting_on(&["so"])),
                (_, Some(n)) if !n.is_finite() => out.push(Finding::error(
                    at.key("thoi_han").key("so"),
                    format!("thời hạn phải là một con số (đang ghi {})", yaml_number(n)),
                    Some("ghi số ngày/giờ, ví dụ so: 3".into()),
                )),
                (_, Some(n)) if n <= 0.0 => out.push(Finding::error(
                    at.key("thoi_han").key("so"),
                    format!("thời hạn phải lớn hơn 0 (đang ghi {n})"),
                    Some("ghi số ngày/giờ, ví dụ so: 3".into()),
                )),
                (_, Some(n)) if n > MAX_TIME || !whole_hundredths(n) => out.push(Finding::error(
                    at.key("thoi_han").key("so"),
                    format!(
                        "thời hạn {} không hợp lệ: tối đa {MAX_TIME} và nhiều nhất 2 chữ số thập phân",
                        shown(n)
                    ),
                    Some("ghi số ngày/giờ như văn bản quy định, ví dụ so: 3 hoặc so: 0.5".into()),
                )),
                _ => {}
            },
        }
        match &ch.phi_le_phi {
            None => out.push(
                Finding::warning(
                    at.key("phi_le_phi"),
                    format!("kênh \"{}\" chưa ghi phí, lệ phí", ch.hinh_thuc.label()),
                    Some(
                        "nếu miễn phí ghi phi_le_phi: []; nếu chưa rõ mức ghi muc_thu: null".into(),
                    ),
                )
                .absent(),
            ),
            Some(fees) => {
                for (j, fee) in fees.iter().enumerate() {
                    check_fee(fee, &at.key("phi_le_phi").index(j), out);
                }
            }
        }
    }
}

/// The longest time limit a record may state, in any unit (ten years of days): a larger
/// number is a typing mistake, and would not print or convert to a duration exactly.
const MAX_TIME: f64 = 3650.0;

/// The largest amount a fee may state (a thousand billion): amounts are kept exact to
/// the hundredth up to here.
const MAX_AMOUNT: f64 = 1e12;

/// Whether `v` has at most two decimal places (an amount in đồng or cents, a time
/// limit of "0,5 ngày").
fn whole_hundredths(v: f64) -> bool {
    let cents = v * 100.0;
    (cents - cents.round()).abs() < 1e-6
}

/// A number as the officer would recognise it: `1e30`, not thirty-one digits.
fn shown(v: f64) -> String {
    if v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// How YAML spells a number that is not finite, as the officer wrote it.
fn yaml_number(v: f64) -> &'static str {
    if v.is_nan() {
        ".nan"
    } else if v > 0.0 {
        ".inf"
    } else {
        "-.inf"
    }
}

fn check_fee(fee: &Fee, at: &FieldPath, out: &mut Vec<Finding>) {
    let fix = || Some("ghi số tiền từ 0 trở lên, không có dấu chấm ngăn cách: 200000".to_owned());
    // `.nan` and `.inf` are numbers to YAML, but not amounts.
    let bad = |what: &str, v: f64| -> Option<String> {
        if !v.is_finite() {
            Some(format!(
                "{what} phải là một số tiền (đang ghi {})",
                yaml_number(v)
            ))
        } else if v < 0.0 {
            Some(format!("{what} không được âm (đang ghi {v})"))
        } else if v > MAX_AMOUNT {
            Some(format!(
                "{what} {} quá lớn: tối đa {} (một nghìn tỷ)",
                shown(v),
                crate::text::format_amount(MAX_AMOUNT)
            ))
        } else if !whole_hundredths(v) {
            Some(format!(
                "{what} {v} có quá 2 chữ số thập phân: số tiền không ghi lẻ hơn 0,01"
            ))
        } else {
            None
        }
    };
    if let Some(msg) = fee.muc_thu.and_then(|v| bad("mức thu", v)) {
        out.push(Finding::error(at.key("muc_thu"), msg, fix()));
    }
    if let Some(msg) = fee.toi_da.and_then(|v| bad("mức tối đa", v)) {
        out.push(Finding::error(at.key("toi_da"), msg, fix()));
    }
    let mut prev_end: Option<u32> = None;
    for (k, tier) in fee.bac.iter().enumerate() {
        let tat = at.key("bac").index(k);
        if let Some(msg) = bad("mức thu", tier.muc_thu) {
            out.push(Finding::error(tat.key("muc_thu"), msg, fix()));
        }
        if tier.tu == 0 || tier.den.is_some_and(|d| d < tier.tu) {
            out.push(Finding::error(
                tat,
                "bậc thu phải có tu ≥ 1 và den ≥ tu",
                Some("ví dụ: { tu: 1, den: 2, muc_thu: 2000 }".into()),
            ));
        } else if prev_end.is_some_and(|e| tier.tu != e + 1) {
            out.push(Finding::warning(
                tat.key("tu"),
                "các bậc thu không nối tiếp nhau",
                Some(format!(
                    "bậc này nên bắt đầu từ {}",
                    prev_end.unwrap_or(0) + 1
                )),
            ));
        }
        prev_end = tier.den;
    }
    if fee.tien_te.len() != 3 || !fee.tien_te.bytes().all(|b| b.is_ascii_uppercase()) {
        out.push(Finding::error(
            at.key("tien_te"),
            format!("đơn vị tiền \"{}\" không đúng mã ISO 4217", fee.tien_te),
            Some("dùng VND, USD, EUR…".into()),
        ));
    }
    if fee.muc_thu.is_none() && fee.bac.is_empty() {
        out.push(
            Finding::warning(
                at.key("muc_thu"),
                "chưa rõ mức thu: trang web sẽ ghi \"Chưa có thông tin mức thu\"",
                Some("ghi mức thu khi có văn bản quy định".into()),
            )
            .resting_on_fields([at.key("muc_thu"), at.key("bac")]),
        );
    }
}

fn documents(p: &Procedure, out: &mut Vec<Finding>) {
    let base = FieldPath::root().key("thanh_phan_ho_so");
    for (i, group) in p.thanh_phan_ho_so.iter().enumerate() {
        let gat = base.index(i);
        if group.giay_to.is_empty() {
            out.push(
                Finding::error(
                    gat.key("giay_to"),
                    "nhóm hồ sơ không có giấy tờ nào",
                    Some("liệt kê giấy tờ: giay_to: [ { ten: …, ban_chinh: 1 } ]".into()),
                )
                .absent(),
            );
        }
        for (j, doc) in group.giay_to.iter().enumerate() {
            let dat = gat.key("giay_to").index(j);
            if doc.ten.is_none() {
                out.push(
                    Finding::error(
                        dat.key("ten"),
                        "giấy tờ thiếu tên",
                        Some("thêm: ten: Tờ khai đăng ký khai sinh".into()),
                    )
                    .absent(),
                );
            }
            if doc.ban_chinh == 0 && doc.ban_sao == 0 && !doc.xuat_trinh {
                out.push(Finding::warning(
                    dat,
                    "chưa ghi số bản chính, bản sao",
                    Some("thêm ban_chinh: 1 hoặc ban_sao: 1, hoặc xuat_trinh: true nếu chỉ xuất trình".into()),
                )
                .resting_on(&["ban_chinh", "ban_sao", "xuat_trinh"]));
            }
        }
    }
}

fn steps(list: &[Step], at: &FieldPath, out: &mut Vec<Finding>) {
    for (i, step) in list.iter().enumerate() {
        let sat = at.index(i);
        if step.ten.is_none() && step.mo_ta.is_none() {
            out.push(
                Finding::error(
                    sat.clone(),
                    "bước không có nội dung",
                    Some("ghi ten: và mo_ta: của bước".into()),
                )
                .resting_on(&["ten", "mo_ta"]),
            );
        }
        for (j, branch) in step.nhanh.iter().enumerate() {
            let bat = sat.key("nhanh").index(j);
            if branch.cac_buoc.is_empty() {
                out.push(
                    Finding::error(
                        bat.key("cac_buoc"),
                        format!("trường hợp \"{}\" chưa có bước nào", branch.truong_hop),
                        Some("liệt kê các bước trong cac_buoc".into()),
                    )
                    .absent(),
                );
            }
            steps(&branch.cac_buoc, &bat.key("cac_buoc"), out);
        }
    }
}

fn decisions(p: &Procedure, out: &mut Vec<Finding>) {
    for (i, d) in p.quyet_dinh_cong_bo.iter().enumerate() {
        if let (Some(issued), Some(effective)) = (d.ngay_ban_hanh, d.ngay_hieu_luc) {
            if effective < issued {
                out.push(Finding::error(
                    FieldPath::root()
                        .key("quyet_dinh_cong_bo")
                        .index(i)
                        .key("ngay_hieu_luc"),
                    format!(
                        "ngày hiệu lực {} trước ngày ban hành {}",
                        effective.vn(),
                        issued.vn()
                    ),
                    Some("kiểm tra lại hai ngày trên quyết định".into()),
                ));
            }
        }
    }
}

fn recommended(p: &Procedure, out: &mut Vec<Finding>) {
    let root = FieldPath::root();
    let mut advise = |key: &str, absent: bool, why: &str, fix: &str| {
        if absent {
            out.push(
                Finding::warning(root.key(key), why.to_owned(), Some(fix.to_owned())).absent(),
            );
        }
    };
    advise(
        "ten_than_thien",
        p.ten_than_thien.is_none(),
        "nên có tên thường gọi để người dân dễ tìm",
        "ví dụ: ten_than_thien: Làm giấy khai sinh cho con",
    );
    advise(
        "ngay_cap_nhat",
        p.ngay_cap_nhat.is_none(),
        "nên ghi ngày rà soát, cập nhật gần nhất",
        "ví dụ: ngay_cap_nhat: 31/10/2025",
    );
    advise(
        "can_cu_phap_ly",
        p.can_cu_phap_ly.is_empty(),
        "nên ghi căn cứ pháp lý",
        "danh sách văn bản: - so_hieu: 123/2015/NĐ-CP",
    );
    advise(
        "muc_do_truc_tuyen",
        p.muc_do_truc_tuyen.is_none(),
        "nên ghi mức độ dịch vụ công trực tuyến",
        "muc_do_truc_tuyen: toàn trình | một phần | không",
    );
    let has_online = p
        .cach_thuc_thuc_hien
        .iter()
        .any(|c| c.hinh_thuc == ChannelKind::TrucTuyen);
    if p.muc_do_truc_tuyen.is_some_and(|l| l.is_online()) && !has_online {
        out.push(
            Finding::warning(
                root.key("muc_do_truc_tuyen"),
                "thủ tục trực tuyến nhưng không có kênh \"Trực tuyến\"",
                Some(
                    "thêm một kênh hinh_thuc: Trực tuyến, hoặc ghi muc_do_truc_tuyen: không".into(),
                ),
            )
            // A channel whose kind could not be read ("Truc tuyen") may be the online one.
            .resting_on_fields(
                (0..p.cach_thuc_thuc_hien.len())
                    .map(|i| root.key("cach_thuc_thuc_hien").index(i).key("hinh_thuc")),
            ),
        );
    }
}
