//! One portal payload → one record. Every field the record can hold is carried over;
//! where the portal says nothing the record says "not stated" in its own terms (a time
//! limit `không nêu`, a decision `loai: chưa rõ`, no fee line), and each such gap, with
//! what only the office knows (its address, the province's fee resolution, a plain
//! name), is listed for the officer as a [`Todo`]. Nothing is invented.

use super::payload::{date, flag, list, names, number, text};
use crate::model::*;
use serde_json::Value;

/// Something the office must still complete or confirm, as the importer tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo(pub String);

/// The record made of one payload's `data`, and what it leaves to the office.
pub fn record(d: &Value, retrieved: Date, digest: &str) -> (Procedure, Vec<Todo>) {
    let mut todo = Vec::new();
    let mut p = Procedure {
        ma_thu_tuc: text(d, "codeNotation")
            .or_else(|| text(d, "code"))
            .map(Code),
        ten_thu_tuc: text(d, "name").map(|n| crate::wording::one_line(&n)),
        mo_ta: text(d, "description"),
        ..Procedure::default()
    };
    todo.push(Todo(
        "tên thường gọi (ten_than_thien): tên người dân hay dùng".into(),
    ));
    let fields = list(d, "categoriesDetails");
    if let Some(f) = fields.first() {
        p.linh_vuc = text(f, "name");
        p.ma_linh_vuc = text(f, "code");
    }
    if fields.len() > 1 {
        todo.push(Todo(format!(
            "cổng xếp thủ tục vào {} lĩnh vực; đã lấy \"{}\"",
            fields.len(),
            p.linh_vuc.clone().unwrap_or_default()
        )));
    }
    for (on, level) in [
        (flag(d, "isMinistry"), "Bộ"),
        (flag(d, "isProvince"), "Tỉnh"),
        (flag(d, "isWard"), "Xã"),
    ] {
        if on {
            p.cap_thuc_hien.push(level.to_owned());
        }
    }
    p.trinh_tu_thuc_hien = list(d, "executionSteps")
        .iter()
        .map(|s| Step {
            ten: text(s, "name"),
            mo_ta: text(s, "description"),
            nhanh: Vec::new(),
        })
        .filter(|s| s.ten.is_some() || s.mo_ta.is_some())
        .collect();
    p.cach_thuc_thuc_hien = list(d, "executionMethods")
        .iter()
        .filter_map(|m| channel(m, &mut todo))
        .collect();
    p.thanh_phan_ho_so = documents(d, &mut todo);
    p.doi_tuong_thuc_hien = names(d, "subjectTypesDetails");
    p.co_quan_thuc_hien =
        joined(names(d, "unitGroupsExecuting")).or_else(|| joined(names(d, "executingAgencies")));
    p.co_quan_co_tham_quyen = joined(names(d, "unitGroupsAuthority"));
    p.co_quan_duoc_uy_quyen = joined(names(d, "unitGroupsAuthorized"));
    p.co_quan_phoi_hop = joined(names(d, "unitGroupsCoordinating"));
    // The portal's receiving address is the national wording ("Bộ phận Một cửa cấp
    // xã"); on this board the office's own address stands, so it is only reported.
    todo.push(Todo(match joined(names(d, "dossierReceivingAddresses")) {
        Some(addr) => format!(
            "địa chỉ tiếp nhận: trang dùng địa chỉ của đơn vị (site.yaml); cổng ghi \"{}\" — ghi dia_chi_tiep_nhan nếu nơi nhận khác",
            crate::wording::clip(&addr, 120)
        ),
        None => "địa chỉ tiếp nhận: cổng không nêu; trang dùng địa chỉ của đơn vị (site.yaml) — ghi dia_chi_tiep_nhan nếu nơi nhận khác".into(),
    }));
    p.ket_qua_thuc_hien = names(d, "resultsDetails");
    p.can_cu_phap_ly = list(d, "legalBasisesDetails")
        .iter()
        .filter_map(legal_basis)
        .collect();
    p.yeu_cau_dieu_kien = text(d, "requirementsAndConditions")
        .map(|t| conditions(&t))
        .unwrap_or_default();
    if let Some(dec) = decision(d) {
        p.quyet_dinh_cong_bo.push(dec);
        todo.push(Todo(
            "quyết định công bố: cổng không ghi loại (mới, sửa đổi, thay thế, bãi bỏ) và ngày hiệu lực; đã ghi loai: chưa rõ".into(),
        ));
    }
    p.muc_do_truc_tuyen = Some(if flag(d, "isFullProcess") {
        OnlineLevel::ToanTrinh
    } else if flag(d, "isOfflineOnly")
        || !p
            .cach_thuc_thuc_hien
            .iter()
            .any(|c| c.hinh_thuc == ChannelKind::TrucTuyen)
    {
        OnlineLevel::Khong
    } else {
        OnlineLevel::MotPhan
    });
    let cases = sub_cases(d);
    if !cases.is_empty() {
        let head = "Thời hạn theo từng trường hợp (theo Cổng Dịch vụ công quốc gia):";
        let body = cases.join("\n");
        p.mo_ta = Some(match p.mo_ta.take() {
            Some(m) => format!("{m}\n\n{head}\n{body}"),
            None => format!("{head}\n{body}"),
        });
    }
    if let Some(state) = text(d, "state") {
        if !matches!(state.as_str(), "PUBLISHED" | "ACTIVE" | "APPROVED") {
            todo.push(Todo(format!(
                "trạng thái trên cổng là \"{state}\": kiểm tra thủ tục còn hiệu lực trước khi niêm yết"
            )));
        }
    }
    // Many charges are set by the provincial council, per province: the portal's
    // national text cannot say the local amount.
    if p.cach_thuc_thuc_hien
        .iter()
        .flat_map(|c| c.phi_le_phi.iter().flatten())
        .any(|f| f.loai == FeeKind::LePhi)
    {
        todo.push(Todo(
            "lệ phí: đối chiếu mức thu với nghị quyết của HĐND tỉnh (nhiều lệ phí do tỉnh quy định)".into(),
        ));
    }
    if p.cach_thuc_thuc_hien.iter().any(|c| c.phi_le_phi.is_none()) {
        todo.push(Todo(
            "phí, lệ phí: cổng không ghi ở ít nhất một kênh; ghi phi_le_phi: [] nếu miễn phí, hoặc mức thu theo nghị quyết HĐND tỉnh".into(),
        ));
    }
    p.nguon = Some(Provenance {
        ten: Some("Cổng Dịch vụ công quốc gia".into()),
        lien_ket: None,
        ngay_lay: Some(retrieved),
        ma_ban_ghi: text(d, "id"),
        ngay_cap_nhat_nguon: date(d, "updatedAt"),
        ma_bam: Some(digest.to_owned()),
    });
    (p, todo)
}

fn joined(list: Vec<String>) -> Option<String> {
    (!list.is_empty()).then(|| list.join("; "))
}

/// One `executionMethods` item. Its time unit OTHER keeps the real time only in the
/// description; without one the time is `không nêu`.
fn channel(m: &Value, todo: &mut Vec<Todo>) -> Option<Channel> {
    let method = text(m, "submissionMethod").unwrap_or_default();
    let kind = match method.as_str() {
        "DIRECT" => ChannelKind::TrucTiep,
        "ONLINE" => ChannelKind::TrucTuyen,
        "POSTAL" => ChannelKind::BuuChinh,
        other => {
            todo.push(Todo(format!(
                "cách nộp \"{other}\" của cổng không đọc được; đã bỏ qua kênh này"
            )));
            return None;
        }
    };
    let description = text(m, "description");
    let amount = number(m, "processingTime").filter(|n| *n > 0.0);
    let unit = text(m, "processingTimeUnit").and_then(|u| time_unit(&u));
    let (thoi_han, note) = match (unit, amount, description) {
        (Some(u), Some(n), note) => (
            TimeLimit {
                so: Some(n),
                don_vi: u,
                mo_ta: None,
            },
            note,
        ),
        // OTHER (or a number without a unit): the time is the text, if any.
        (_, _, Some(text)) => (
            TimeLimit {
                so: None,
                don_vi: TimeUnit::Khac,
                mo_ta: Some(text),
            },
            None,
        ),
        (_, _, None) => {
            todo.push(Todo(format!(
                "thời hạn kênh \"{}\": cổng không nêu; đã ghi don_vi: không nêu",
                kind.label()
            )));
            (
                TimeLimit {
                    so: None,
                    don_vi: TimeUnit::KhongNeu,
                    mo_ta: None,
                },
                None,
            )
        }
    };
    let (phi_le_phi, free_notes) = fees(list(m, "fees"), todo);
    // "Miễn lệ phí đăng ký khai sinh đúng hạn": the words say when it is free; kept.
    let note = [note.into_iter().collect::<Vec<_>>(), free_notes]
        .concat()
        .join("\n");
    Some(Channel {
        hinh_thuc: kind,
        thoi_han: Some(thoi_han),
        phi_le_phi,
        mo_ta: (!note.is_empty()).then_some(note),
        noi_ap_dung: None,
    })
}

/// The portal's time unit; `None` for OTHER (the time is in words) and anything unknown.
fn time_unit(code: &str) -> Option<TimeUnit> {
    match code {
        "WORKING_DAY" => Some(TimeUnit::NgayLamViec),
        "DAY" => Some(TimeUnit::Ngay),
        "WORKING_HOUR" => Some(TimeUnit::GioLamViec),
        "HOUR" => Some(TimeUnit::Gio),
        _ => None,
    }
}

/// Words that say a fee line is nothing to pay.
const FREE: &[&str] = &[
    "miễn phí",
    "miễn lệ phí",
    "không thu",
    "không mất phí",
    "không phải nộp",
];

/// The fee lines of a channel, and the texts of lines that say "free". No line: `None`
/// (the portal does not say; never "free"). Lines whose amount is 0 and whose text says
/// free: `Some([])`, their text kept for the channel's note. An amount of 0 with another
/// text: the amount is in the text (`muc_thu` unknown, the text as its note).
fn fees(items: &[Value], todo: &mut Vec<Todo>) -> (Option<Vec<Fee>>, Vec<String>) {
    if items.is_empty() {
        return (None, Vec::new());
    }
    let mut out = Vec::new();
    let mut free = Vec::new();
    for f in items {
        let value = number(f, "value").filter(|v| *v > 0.0);
        let note = text(f, "description");
        let says_free = note.as_deref().is_some_and(|n| {
            let n = n.to_lowercase();
            FREE.iter().any(|w| n.contains(w))
        });
        if value.is_none() && (says_free || note.is_none()) {
            if let (true, Some(n)) = (says_free, note) {
                free.push(n);
                continue;
            }
            // Neither an amount nor a word: the line says nothing.
            continue;
        }
        let kind_code = text(f, "type").unwrap_or_default();
        let loai = match kind_code.as_str() {
            "SERVICE_FEE" | "FEE" => FeeKind::Phi,
            "CHARGE" | "LE_PHI" | "REGISTRATION_FEE" => FeeKind::LePhi,
            other => {
                todo.push(Todo(format!(
                    "loại phí \"{other}\" của cổng không rõ là phí hay lệ phí; đã ghi Lệ phí, cần kiểm tra"
                )));
                FeeKind::LePhi
            }
        };
        let currency = text(f, "currencyId").map(|c| match c.to_uppercase().as_str() {
            "VND" | "VNĐ" | "ĐỒNG" | "1" => "VND".to_owned(),
            other => other.to_owned(),
        });
        out.push(Fee {
            loai,
            muc_thu: value,
            don_vi: None,
            tien_te: currency.unwrap_or_else(|| "VND".into()),
            bac: Vec::new(),
            toi_da: None,
            don_vi_toi_da: None,
            truong_hop: None,
            mien_giam: Vec::new(),
            ghi_chu: note,
        });
    }
    if out.is_empty() && free.is_empty() {
        return (None, Vec::new());
    }
    (Some(out), free)
}

/// What kind of group an `executionCases` name announces.
enum GroupKind {
    Submit,
    Present,
    Notes,
    Case(String),
}

fn group_kind(name: &str) -> GroupKind {
    let bare = name
        .trim()
        .trim_start_matches(['*', '-', '+', ' '])
        .trim_end_matches([':', ' '])
        .trim()
        .to_owned();
    let folded = crate::text::fold(&bare);
    if folded.starts_with("luu y") || folded.starts_with("ghi chu") {
        GroupKind::Notes
    } else if folded.contains("xuat trinh") {
        GroupKind::Present
    } else if folded.is_empty()
        || folded.contains("giay to phai nop")
        || folded == "thanh phan ho so"
    {
        GroupKind::Submit
    } else {
        GroupKind::Case(bare)
    }
}

/// `executionCases` → document groups. "Giấy tờ phải nộp" and "Giấy tờ phải xuất
/// trình" are one group for every applicant (the latter shown, not kept); a "Lưu ý"
/// group holds notes, which go under the documents; any other name is a case.
fn documents(d: &Value, todo: &mut Vec<Todo>) -> Vec<DocumentGroup> {
    let mut every = DocumentGroup::default();
    let mut cases: Vec<DocumentGroup> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for g in list(d, "executionCases") {
        let kind = group_kind(&text(g, "name").unwrap_or_default());
        let comps = list(g, "profileComponents");
        if let GroupKind::Notes = kind {
            notes.extend(comps.iter().filter_map(|c| text(c, "name")));
            continue;
        }
        let present = matches!(kind, GroupKind::Present);
        let docs: Vec<Document> = comps.iter().filter_map(|c| document(c, present)).collect();
        match kind {
            GroupKind::Case(name) => cases.push(DocumentGroup {
                truong_hop: Some(name),
                giay_to: docs,
                ghi_chu: None,
            }),
            _ => every.giay_to.extend(docs),
        }
    }
    let mut groups = Vec::new();
    if !every.giay_to.is_empty() {
        groups.push(every);
    }
    groups.extend(cases);
    if !notes.is_empty() {
        let note = notes.join("\n");
        match groups.first_mut() {
            Some(g) => g.ghi_chu = Some(note),
            None => groups.push(DocumentGroup {
                truong_hop: None,
                giay_to: Vec::new(),
                ghi_chu: Some(note),
            }),
        }
    }
    if groups.iter().all(|g| g.giay_to.is_empty()) {
        todo.push(Todo(
            "thành phần hồ sơ: cổng không liệt kê giấy tờ nào".into(),
        ));
    }
    groups
}

fn document(c: &Value, present: bool) -> Option<Document> {
    let name = text(c, "name")?;
    let originals = number(c, "originalQty").unwrap_or(0.0).max(0.0) as u32;
    let copies = number(c, "copyQty").unwrap_or(0.0).max(0.0) as u32;
    let form = list(c, "attachments").iter().find_map(|a| {
        let ten = text(a, "name").or_else(|| text(a, "fileName"))?;
        Some(FormRef::Elsewhere {
            ten,
            ma: text(c, "code"),
            lien_ket: text(a, "url")
                .or_else(|| text(a, "link"))
                .filter(|u| crate::validate::is_web_address(u)),
        })
    });
    let optional = c.get("required").is_some_and(|r| r == false);
    Some(Document {
        ten: Some(name),
        ban_chinh: if present { 0 } else { originals },
        ban_sao: copies,
        xuat_trinh: present,
        bieu_mau: form,
        ap_dung_khi: None,
        ghi_chu: optional.then(|| "Không bắt buộc.".to_owned()),
        thay_the: Vec::new(),
    })
}

/// A legal basis: the portal's `code` is the document number; its `name` usually
/// repeats it ("Luật 60/2014/QH13 Hộ tịch"), which is kept as the summary.
fn legal_basis(l: &Value) -> Option<LegalBasis> {
    let number = text(l, "code");
    let name = text(l, "name");
    if number.is_none() && name.is_none() {
        return None;
    }
    Some(LegalBasis {
        so_hieu: number,
        trich_yeu: name,
        ngay_ban_hanh: date(l, "issuedDate").or_else(|| date(l, "issueDate")),
        co_quan_ban_hanh: l
            .get("issuingAgency")
            .and_then(|a| text(a, "name"))
            .or_else(|| text(l, "issuingAgencyName")),
    })
}

fn decision(d: &Value) -> Option<Decision> {
    let prop = d.get("procedureProposal").filter(|v| v.is_object())?;
    let number = text(prop, "proposalNumber");
    let issued = date(prop, "decisionDate");
    if number.is_none() && issued.is_none() {
        return None;
    }
    Some(Decision {
        so_hieu: number,
        ngay_ban_hanh: issued,
        co_quan_ban_hanh: prop
            .get("issuingAgency")
            .and_then(|a| text(a, "name"))
            .or_else(|| text(d, "departmentPromulgateName")),
        loai: DecisionKind::ChuaRo,
        ngay_hieu_luc: None,
    })
}

/// `cases[]`: sub-cases with their own time ("Đăng ký khai sinh đúng hạn (1.001193.02):
/// 1 ngày làm việc"), one line each.
fn sub_cases(d: &Value) -> Vec<String> {
    list(d, "cases")
        .iter()
        .filter_map(|c| {
            let name = text(c, "name")?;
            let code = text(c, "code")
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            let days = c.get("processingDay").and_then(|p| {
                let qty = number(p, "qty").filter(|q| *q > 0.0)?;
                let unit = time_unit(&text(p, "type")?)?;
                Some(crate::wording::time_limit(&TimeLimit {
                    so: Some(qty),
                    don_vi: unit,
                    mo_ta: None,
                }))
            });
            Some(match days {
                Some(t) => format!("- {name}{code}: {t}"),
                None => format!("- {name}{code}: thời hạn không nêu"),
            })
        })
        .collect()
}

/// The marker that opens a list line ("- ", "+ ", "(i) ", "a) ", "1. "), by kind.
fn marker(line: &str) -> Option<u8> {
    let t = line.trim_start();
    let b = t.as_bytes();
    match b.first()? {
        b'-' | 0xE2 if t.starts_with("- ") || t.starts_with("– ") || t.starts_with("• ") => {
            Some(1)
        }
        b'+' if t.starts_with("+ ") => Some(2),
        b'*' if t.starts_with("* ") => Some(3),
        b'(' => t.find(')').filter(|&i| i > 1 && i < 6).map(|_| 4),
        c if c.is_ascii_alphanumeric() => {
            let i = t.find([')', '.'])?;
            (i > 0
                && i < 4
                && t[..i].bytes().all(|x| x.is_ascii_alphanumeric())
                && t[i + 1..].starts_with(' '))
            .then_some(5)
        }
        _ => None,
    }
}

/// "Yêu cầu, điều kiện" text → nested conditions: the first marker kind met is the
/// top level, another kind nests under the item before it; unmarked lines are items of
/// their own at the top, or continue the item before them when it ends without a stop.
pub fn conditions(text: &str) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    let mut top: Option<u8> = None;
    for raw in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let kind = marker(raw);
        let body = match kind {
            Some(1..=3) => raw.get(2..).unwrap_or("").trim().to_owned(),
            _ => raw.to_owned(),
        };
        let nested = match (kind, top) {
            (Some(k), Some(t)) => k != t,
            (Some(k), None) => {
                top = Some(k);
                false
            }
            (None, _) => false,
        };
        match out.last_mut() {
            Some(parent) if nested => parent.chi_tiet.push(Condition {
                noi_dung: body,
                chi_tiet: Vec::new(),
            }),
            _ => out.push(Condition {
                noi_dung: body,
                chi_tiet: Vec::new(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_keep_their_levels() {
        let c = conditions("Người yêu cầu phải:\n- Có năng lực hành vi dân sự;\n+ đủ 18 tuổi;\n+ không bị tuyên bố mất năng lực;\n- Cư trú tại xã.");
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].noi_dung, "Có năng lực hành vi dân sự;");
        assert_eq!(c[1].chi_tiet.len(), 2);
        assert_eq!(c[2].noi_dung, "Cư trú tại xã.");
    }

    #[test]
    fn group_names_say_what_they_hold() {
        assert!(matches!(
            group_kind("* Giấy tờ phải nộp:"),
            GroupKind::Submit
        ));
        assert!(matches!(
            group_kind("* Giấy tờ phải xuất trình:"),
            GroupKind::Present
        ));
        assert!(matches!(group_kind("* Lưu ý:"), GroupKind::Notes));
        assert!(
            matches!(group_kind("Trường hợp ủy quyền"), GroupKind::Case(n) if n == "Trường hợp ủy quyền")
        );
    }
}
