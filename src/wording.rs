//! How amounts, fees, time limits and document counts read on a page, a card, a poster or
//! a data file. Kept in Rust (not templates) so every output says the same thing and
//! tests can pin it.
//!
//! Each fact has a full form (a fee line with its tiers, a time limit with its note) and a
//! short form for cards and the summary at the top of a page. A short form never drops
//! what makes it true: a fee keeps the case it applies to, an amount given only in words
//! ("bằng 0,5% giá trị đất") is shown as the amount, and nothing unknown reads as zero.

use crate::model::{
    Channel, ChannelKind, Decision, Document, Fee, LegalBasis, OtherAgency, Provenance, TimeLimit,
    TimeUnit,
};
use crate::text::{fold, format_amount};

fn money(amount: f64, currency: &str) -> String {
    if currency == "VND" {
        format!("{} đồng", format_amount(amount))
    } else {
        format!("{} {currency}", format_amount(amount))
    }
}

fn per(unit: Option<&str>) -> String {
    unit.map(|u| format!("/{u}")).unwrap_or_default()
}

/// Whether the fee's amount is stated only in words, in its note ("Bằng 0,5% giá trị
/// đất…"): no number, no tiers, but a note.
pub fn amount_in_note(fee: &Fee) -> bool {
    fee.muc_thu.is_none()
        && fee.bac.is_empty()
        && fee.ghi_chu.as_deref().is_some_and(|n| !n.trim().is_empty())
}

/// What the record says when it says nothing about an amount.
pub const AMOUNT_UNKNOWN: &str = "Chưa có thông tin mức thu";

/// One fee line, e.g. "2.000 đồng/trang (trang 1–2); 1.000 đồng/trang (từ trang 3);
/// tối đa 200.000 đồng/bản". An amount stated only in the note is the note; an unknown
/// amount never reads as 0.
pub fn fee_amount(fee: &Fee) -> String {
    if amount_in_note(fee) {
        return one_line(fee.ghi_chu.as_deref().unwrap_or_default());
    }
    if fee.muc_thu.is_none() && fee.bac.is_empty() {
        return AMOUNT_UNKNOWN.to_owned();
    }
    let unit = fee.don_vi.as_deref();
    let mut parts = Vec::new();
    if let Some(v) = fee.muc_thu {
        parts.push(if v == 0.0 {
            "Không thu".to_owned()
        } else {
            format!("{}{}", money(v, &fee.tien_te), per(unit))
        });
    }
    for tier in &fee.bac {
        let u = unit.unwrap_or("");
        let range = match tier.den {
            Some(d) if d == tier.tu => format!("{u} {}", tier.tu),
            Some(d) => format!("{u} {}–{d}", tier.tu),
            None => format!("từ {u} {}", tier.tu),
        };
        parts.push(format!(
            "{}{} ({})",
            money(tier.muc_thu, &fee.tien_te),
            per(unit),
            range.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
    }
    if let Some(cap) = fee.toi_da {
        parts.push(format!(
            "tối đa {}{}",
            money(cap, &fee.tien_te),
            per(fee.don_vi_toi_da.as_deref())
        ));
    }
    parts.join("; ")
}

/// The fee's note, when it is not already shown as the amount.
pub fn fee_note(fee: &Fee) -> Option<&str> {
    (!amount_in_note(fee))
        .then_some(fee.ghi_chu.as_deref())
        .flatten()
}

/// A channel's fees said in one line, each with the case it applies to:
/// "Đăng ký đúng hạn: không thu; đăng ký quá hạn: 5.000 đồng/trường hợp". `None` (the
/// record says nothing) and an empty list (free) read differently.
pub fn fees_short(fees: Option<&[Fee]>) -> String {
    let Some(fees) = fees else {
        return "Chưa có thông tin".to_owned();
    };
    if fees.is_empty() {
        return "Miễn phí".to_owned();
    }
    let mixed = fees.iter().any(|f| f.loai != fees[0].loai);
    let lines: Vec<String> = fees
        .iter()
        .map(|f| {
            let amount = fee_amount(f);
            let case = f
                .truong_hop
                .as_deref()
                .map(|c| lower_first(&one_line(c)))
                .filter(|c| !c.is_empty());
            // With both kinds in one channel, say which is which, unless the case names it.
            let label = f.loai.label();
            let kind = (mixed && !case.as_deref().is_some_and(|c| starts_with_word(c, label)))
                .then_some(label);
            let line = match (kind, case) {
                (None, None) => amount,
                (Some(k), None) => format!("{k}: {}", lower_first(&amount)),
                (None, Some(c)) => format!("{c}: {}", lower_first(&amount)),
                (Some(k), Some(c)) => format!("{k} ({c}): {}", lower_first(&amount)),
            };
            lower_first(&line)
        })
        .collect();
    let mut text = capitalise(&lines.join("; "));
    if fees.iter().any(|f| !f.mien_giam.is_empty()) {
        text.push_str(" (có trường hợp được miễn, giảm)");
    }
    text
}

/// A channel's fees in one line (see [`fees_short`]).
pub fn channel_fees(ch: &Channel) -> String {
    fees_short(ch.phi_le_phi.as_deref())
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}").replace('.', ",")
    }
}

/// What a page says of a time limit the announced procedure does not give.
pub const TIME_NOT_STATED: &str = "Thủ tục được công bố không nêu thời hạn";

/// "5 ngày làm việc (note)", or the text of a `khác` limit.
pub fn time_limit(t: &TimeLimit) -> String {
    match (t.don_vi, t.so) {
        (TimeUnit::KhongNeu, _) => match &t.mo_ta {
            Some(note) => format!("{TIME_NOT_STATED} ({})", one_line(note)),
            None => TIME_NOT_STATED.to_owned(),
        },
        (TimeUnit::Khac, _) | (_, None) => one_line(t.mo_ta.as_deref().unwrap_or_default()),
        (unit, Some(n)) => {
            let head = format!("{} {}", number(n), unit.label());
            match &t.mo_ta {
                Some(note) => format!("{head} ({})", one_line(note)),
                None => head,
            }
        }
    }
}

/// What the record says when it says nothing about a time limit.
pub const TIME_UNKNOWN: &str = "Chưa có thông tin";

/// The time limit without its note ("5 ngày làm việc"); a `khác` limit is its text.
pub fn time_short(t: Option<&TimeLimit>) -> String {
    match t {
        None => TIME_UNKNOWN.to_owned(),
        Some(t) => match (t.don_vi, t.so) {
            (TimeUnit::KhongNeu, _) => TIME_NOT_STATED.to_owned(),
            (TimeUnit::Khac, _) | (_, None) => {
                let text = one_line(t.mo_ta.as_deref().unwrap_or_default());
                if text.is_empty() {
                    TIME_UNKNOWN.to_owned()
                } else {
                    text
                }
            }
            (unit, Some(n)) => format!("{} {}", number(n), unit.label()),
        },
    }
}

/// A channel's name inside a sentence: "trực tiếp", "trực tuyến", "qua bưu chính".
pub fn channel_phrase(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::TrucTiep => "trực tiếp",
        ChannelKind::TrucTuyen => "trực tuyến",
        ChannelKind::BuuChinh => "qua bưu chính",
    }
}

/// Channels that say the same thing, grouped in the record's order: `[(channels, text)]`.
/// One group means every channel agrees.
pub fn by_channel(
    channels: &[Channel],
    say: impl Fn(&Channel) -> String,
) -> Vec<(Vec<ChannelKind>, String)> {
    group_equal(channels.iter().map(|c| (c.hinh_thuc, say(c))))
}

/// Values grouped by equality, in the order first seen, each with the channels that
/// gave it: the one grouping behind every "Trực tiếp, qua bưu chính: …" line.
pub fn group_equal<T: PartialEq>(
    items: impl IntoIterator<Item = (ChannelKind, T)>,
) -> Vec<(Vec<ChannelKind>, T)> {
    let mut groups: Vec<(Vec<ChannelKind>, T)> = Vec::new();
    for (kind, value) in items {
        match groups.iter_mut().find(|(_, v)| *v == value) {
            Some((kinds, _)) => kinds.push(kind),
            None => groups.push((vec![kind], value)),
        }
    }
    groups
}

/// One line across channels: the text when every channel agrees, else each group named
/// ("Trực tiếp, qua bưu chính — 5.000 đồng. Trực tuyến — miễn phí").
pub fn across_channels(channels: &[Channel], say: impl Fn(&Channel) -> String) -> String {
    let groups = by_channel(channels, say);
    match groups.as_slice() {
        [] => String::new(),
        [(_, text)] => text.clone(),
        _ => groups
            .iter()
            .map(|(kinds, text)| {
                format!(
                    "{} — {}",
                    capitalise(&channel_list(kinds)),
                    lower_first(text)
                )
            })
            .collect::<Vec<_>>()
            .join("\u{0}")
            // A group that already ends its sentence needs no second full stop.
            .replace(".\u{0}", ". ")
            .replace('\u{0}', ". "),
    }
}

/// A procedure's time limit in one line, as its card in a list says it (and the
/// spreadsheet export): "5 ngày làm việc", or each group of channels named.
pub fn time_summary(channels: &[Channel]) -> String {
    across_channels(channels, |c| time_short(c.thoi_han.as_ref()))
}

/// A procedure's fees in one line, as its card in a list says it (and the spreadsheet
/// export).
pub fn fee_summary(channels: &[Channel]) -> String {
    across_channels(channels, channel_fees)
}

/// "trực tiếp, qua bưu chính".
pub fn channel_list(kinds: &[ChannelKind]) -> String {
    kinds
        .iter()
        .map(|k| channel_phrase(*k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to bring of one document: "1 bản chính, 2 bản sao"; a document only shown
/// ("xuất trình") says so, never "0 bản chính"; counts the record does not give are said
/// to be missing.
pub fn bring(d: &Document) -> String {
    let mut parts = Vec::new();
    if d.ban_chinh > 0 {
        parts.push(format!("{} bản chính", d.ban_chinh));
    }
    if d.ban_sao > 0 {
        parts.push(format!("{} bản sao", d.ban_sao));
    }
    let counts = parts.join(", ");
    match (d.xuat_trinh, counts.is_empty()) {
        (false, false) => counts,
        (false, true) => "Chưa có thông tin số bản".to_owned(),
        (true, true) => "Xuất trình bản chính để đối chiếu".to_owned(),
        (true, false) => format!("{counts}; xuất trình bản chính để đối chiếu"),
    }
}

/// The body that receives a procedure posted for guidance, in one line: "Công an xã
/// Định Hòa, 12 Lê Lợi; điện thoại 0274 3822 113; làm việc: …".
pub fn other_agency(a: &OtherAgency) -> String {
    let mut parts: Vec<String> = Vec::new();
    let head = [a.ten.as_deref(), a.dia_chi.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    if !head.is_empty() {
        parts.push(head);
    }
    if let Some(t) = &a.dien_thoai {
        parts.push(format!("điện thoại {t}"));
    }
    if let Some(h) = &a.gio_lam_viec {
        parts.push(format!("làm việc: {h}"));
    }
    if let Some(w) = &a.trang_web {
        parts.push(w.clone());
    }
    if parts.is_empty() {
        return NOT_STATED.to_owned();
    }
    parts.join("; ")
}

/// Where a record came from, in one line: "Cổng Dịch vụ công quốc gia (cập nhật ở
/// nguồn 03/11/2026), lấy ngày 07/12/2026".
pub fn source(n: &Provenance) -> String {
    let mut s = n.ten.clone().unwrap_or_else(|| NOT_STATED.to_owned());
    if let Some(d) = n.ngay_cap_nhat_nguon {
        s.push_str(&format!(" (cập nhật ở nguồn {})", d.vn()));
    }
    if let Some(d) = n.ngay_lay {
        s.push_str(&format!(", lấy ngày {}", d.vn()));
    }
    s
}

/// A channel offered elsewhere, in one line for paper: "Tại Cơ quan đại diện …, trực
/// tiếp: 5 ngày làm việc; lệ phí 50 USD".
#[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
pub fn channel_elsewhere(c: &Channel) -> Option<String> {
    let place = c.noi_ap_dung.as_ref()?;
    Some(format!(
        "Tại {place}, {}: {}; {}",
        channel_phrase(c.hinh_thuc),
        time_short(c.thoi_han.as_ref()),
        lower_first(&channel_fees(c))
    ))
}

/// What a page says where the source gives nothing.
pub const NOT_STATED: &str = "Không nêu";

/// A decision cited in a sentence: "Quyết định số 93/QĐ-UBND ngày 12/01/2026 của Ủy ban
/// nhân dân …" (what the record gives of it).
pub fn decision_ref(d: &Decision) -> String {
    let mut s = String::from("Quyết định");
    if let Some(n) = &d.so_hieu {
        s.push_str(&format!(" số {n}"));
    }
    if let Some(date) = d.ngay_ban_hanh {
        s.push_str(&format!(" ngày {}", date.vn()));
    }
    if let Some(by) = &d.co_quan_ban_hanh {
        s.push_str(&format!(" của {by}"));
    }
    s
}

/// A decision in the list of a procedure's decisions, led by its kind: "Sửa đổi, bổ sung:
/// 1872/QĐ-BTP ngày 30/06/2025 của Bộ Tư pháp; hiệu lực từ 01/07/2025".
pub fn decision_line(d: &Decision) -> String {
    let mut s = format!("{}:", d.loai.label());
    if let Some(n) = &d.so_hieu {
        s.push_str(&format!(" {n}"));
    }
    if let Some(date) = d.ngay_ban_hanh {
        s.push_str(&format!(" ngày {}", date.vn()));
    }
    if let Some(by) = &d.co_quan_ban_hanh {
        s.push_str(&format!(" của {by}"));
    }
    if let Some(date) = d.ngay_hieu_luc {
        s.push_str(&format!("; hiệu lực từ {}", date.vn()));
    }
    s
}

/// A legal basis in one line: "60/2014/QH13 Luật Hộ tịch, ban hành ngày 20/11/2014
/// (Quốc hội)".
pub fn legal_line(l: &LegalBasis) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &l.so_hieu {
        parts.push(n.clone());
    }
    if let Some(t) = &l.trich_yeu {
        parts.push(one_line(t));
    }
    let mut s = parts.join(" ");
    if let Some(date) = l.ngay_ban_hanh {
        s.push_str(&format!(", ban hành ngày {}", date.vn()));
    }
    if let Some(by) = &l.co_quan_ban_hanh {
        s.push_str(&format!(" ({by})"));
    }
    s
}

/// A legal basis as a printed poster cites it: number and title, the title cut at a word
/// after `max` characters (the full line is on the procedure's page, behind the QR code).
#[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
pub fn legal_short(l: &LegalBasis, max: usize) -> String {
    let title = l.trich_yeu.as_deref().map(|t| clip(t, max));
    match (&l.so_hieu, title) {
        (Some(n), Some(t)) => format!("{n} {t}"),
        (Some(n), None) => n.clone(),
        (None, Some(t)) => t,
        (None, None) => String::new(),
    }
}

/// A publication decision as a poster cites it: "1872/QĐ-BTP ngày 04/07/2025".
#[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
pub fn decision_short(d: &Decision) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &d.so_hieu {
        parts.push(n.clone());
    }
    if let Some(date) = d.ngay_ban_hanh {
        parts.push(format!("ngày {}", date.vn()));
    }
    if parts.is_empty() {
        parts.push(decision_line(d));
    }
    parts.join(" ")
}

/// `text` on one line, cut at a word to at most `max` characters, with "…" when cut.
pub fn clip(text: &str, max: usize) -> String {
    let text = one_line(text);
    if text.chars().count() <= max {
        return text;
    }
    let mut out = String::new();
    for word in text.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        // One word longer than `max` (a pasted address): cut inside it.
        out = text.chars().take(max.saturating_sub(1)).collect();
    }
    out.trim_end_matches([',', ';', ':', '.']).to_owned() + "…"
}

/// Text on one line: line breaks and runs of spaces become single spaces (a short form
/// sits inside a sentence).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower-case the first letter, unless the first word is an abbreviation ("UBND", "HĐND").
pub fn lower_first(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or_default();
    if first_word.chars().filter(|c| c.is_uppercase()).count() > 1 {
        return text.to_owned();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether `text` starts with the words of `label`, ignoring case and marks.
fn starts_with_word(text: &str, label: &str) -> bool {
    let (t, l) = (fold(text), fold(label));
    t == l || t.starts_with(&format!("{l} "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FeeKind, FeeTier};

    fn fee() -> Fee {
        Fee {
            loai: FeeKind::Phi,
            muc_thu: None,
            don_vi: Some("trang".into()),
            tien_te: "VND".into(),
            bac: vec![],
            toi_da: None,
            don_vi_toi_da: None,
            truong_hop: None,
            mien_giam: vec![],
            ghi_chu: None,
        }
    }

    fn le_phi(amount: f64, case: &str) -> Fee {
        Fee {
            loai: FeeKind::LePhi,
            muc_thu: Some(amount),
            don_vi: (amount > 0.0).then(|| "trường hợp".into()),
            truong_hop: Some(case.into()),
            ..fee()
        }
    }

    #[test]
    fn unknown_is_never_zero() {
        assert_eq!(fee_amount(&fee()), "Chưa có thông tin mức thu");
        assert_eq!(fees_short(None), "Chưa có thông tin");
        assert_eq!(fees_short(Some(&[])), "Miễn phí");
    }

    #[test]
    fn an_amount_in_words_is_the_amount() {
        let f = Fee {
            ghi_chu: Some("Bằng 0,5% giá trị đất\ntính theo bảng giá đất.".into()),
            truong_hop: Some("Lệ phí trước bạ nhà, đất".into()),
            loai: FeeKind::LePhi,
            ..fee()
        };
        assert_eq!(
            fee_amount(&f),
            "Bằng 0,5% giá trị đất tính theo bảng giá đất."
        );
        assert_eq!(fee_note(&f), None, "the note is not shown twice");
        assert_eq!(
            fees_short(Some(&[f])),
            "Lệ phí trước bạ nhà, đất: bằng 0,5% giá trị đất tính theo bảng giá đất."
        );
    }

    #[test]
    fn every_short_fee_keeps_its_case() {
        let mut late = le_phi(5000.0, "Đăng ký khai sinh quá hạn");
        late.mien_giam = vec!["Người thuộc hộ nghèo".into()];
        let fees = [le_phi(0.0, "Đăng ký khai sinh đúng hạn"), late];
        assert_eq!(
            fees_short(Some(&fees)),
            "Đăng ký khai sinh đúng hạn: không thu; đăng ký khai sinh quá hạn: 5.000 đồng/trường hợp (có trường hợp được miễn, giảm)"
        );
    }

    #[test]
    fn both_kinds_in_one_channel_are_named_once() {
        let mut copy = le_phi(8000.0, "Cấp bản sao trích lục");
        copy.don_vi = Some("bản".into());
        let post = Fee {
            muc_thu: Some(20000.0),
            don_vi: None,
            ..fee()
        };
        let named = Fee {
            muc_thu: Some(1000.0),
            truong_hop: Some("Phí thẩm định".into()),
            ..fee()
        };
        assert_eq!(
            fees_short(Some(&[copy, post, named])),
            "Lệ phí (cấp bản sao trích lục): 8.000 đồng/bản; phí: 20.000 đồng; phí thẩm định: 1.000 đồng/trang"
        );
    }

    #[test]
    fn tiers_and_cap() {
        let mut f = fee();
        f.bac = vec![
            FeeTier {
                tu: 1,
                den: Some(2),
                muc_thu: 2000.0,
            },
            FeeTier {
                tu: 3,
                den: None,
                muc_thu: 1000.0,
            },
        ];
        f.toi_da = Some(200000.0);
        f.don_vi_toi_da = Some("bản".into());
        assert_eq!(
            fee_amount(&f),
            "2.000 đồng/trang (trang 1–2); 1.000 đồng/trang (từ trang 3); tối đa 200.000 đồng/bản"
        );
    }

    #[test]
    fn time_limits() {
        let t = TimeLimit {
            so: Some(3.0),
            don_vi: TimeUnit::NgayLamViec,
            mo_ta: Some("cần xác minh thì\nthêm 5 ngày".into()),
        };
        assert_eq!(
            time_limit(&t),
            "3 ngày làm việc (cần xác minh thì thêm 5 ngày)"
        );
        assert_eq!(time_short(Some(&t)), "3 ngày làm việc");
        let t = TimeLimit {
            so: Some(0.5),
            don_vi: TimeUnit::Ngay,
            mo_ta: None,
        };
        assert_eq!(time_limit(&t), "0,5 ngày");
        assert_eq!(time_short(None), "Chưa có thông tin");
        let other = TimeLimit {
            so: None,
            don_vi: TimeUnit::Khac,
            mo_ta: None,
        };
        assert_eq!(time_short(Some(&other)), "Chưa có thông tin");
    }

    #[test]
    fn channels_that_agree_are_said_once() {
        let ch = |k, fees: Option<Vec<Fee>>| Channel {
            hinh_thuc: k,
            thoi_han: None,
            phi_le_phi: fees,
            mo_ta: None,
            noi_ap_dung: None,
        };
        let paid = Some(vec![le_phi(5000.0, "Quá hạn")]);
        let list = [
            ch(ChannelKind::TrucTiep, paid.clone()),
            ch(ChannelKind::TrucTuyen, Some(vec![])),
            ch(ChannelKind::BuuChinh, paid),
        ];
        assert_eq!(
            across_channels(&list, channel_fees),
            "Trực tiếp, qua bưu chính — quá hạn: 5.000 đồng/trường hợp. Trực tuyến — miễn phí"
        );
        assert_eq!(across_channels(&list[1..2], channel_fees), "Miễn phí");
        // A group's own full stop is not doubled ("song song.. Trực tiếp").
        let said = across_channels(&list[..2], |c| match c.hinh_thuc {
            ChannelKind::TrucTiep => "Làm song song.".into(),
            _ => "Trong ngày.".into(),
        });
        assert_eq!(said, "Trực tiếp — làm song song. Trực tuyến — trong ngày.");
    }

    #[test]
    fn documents_to_show_are_never_zero_copies() {
        let shown = Document {
            ten: Some("Căn cước".into()),
            xuat_trinh: true,
            ..Document::default()
        };
        assert_eq!(bring(&shown), "Xuất trình bản chính để đối chiếu");
        let both = Document {
            ban_chinh: 1,
            ban_sao: 2,
            ..Document::default()
        };
        assert_eq!(bring(&both), "1 bản chính, 2 bản sao");
        assert_eq!(bring(&Document::default()), "Chưa có thông tin số bản");
    }

    #[test]
    fn abbreviations_keep_their_case() {
        assert_eq!(lower_first("UBND cấp xã"), "UBND cấp xã");
        assert_eq!(lower_first("Không thu"), "không thu");
        assert_eq!(lower_first("Đăng ký"), "đăng ký");
    }
}
