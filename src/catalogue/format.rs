//! How amounts, fees and time limits read on a page, a poster or a data file.
//! Kept in Rust (not templates) so every output says the same thing and tests can pin it.

use crate::model::{Channel, Fee, TimeLimit, TimeUnit};
use crate::text::format_amount;

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

/// One fee line, e.g. "2.000 đồng/trang (trang 1–2); 1.000 đồng/trang (từ trang 3);
/// tối đa 200.000 đồng/bản". An unknown amount never reads as 0.
pub fn fee_amount(fee: &Fee) -> String {
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
    if fee.muc_thu.is_none() && fee.bac.is_empty() {
        return "Chưa có thông tin mức thu".to_owned();
    }
    parts.join("; ")
}

/// Summary of a channel's fees: "Miễn phí", "Không có thông tin", or the lines joined.
pub fn channel_fees(ch: &Channel) -> String {
    match &ch.phi_le_phi {
        None => "Không có thông tin".to_owned(),
        Some(fees) if fees.is_empty() => "Miễn phí".to_owned(),
        Some(fees) => fees
            .iter()
            .map(|f| format!("{}: {}", f.loai.label(), fee_amount(f)))
            .collect::<Vec<_>>()
            .join(". "),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}").replace('.', ",")
    }
}

/// "5 ngày làm việc", or the text of a `khác` limit.
pub fn time_limit(t: &TimeLimit) -> String {
    match (t.don_vi, t.so) {
        (TimeUnit::Khac, _) | (_, None) => t.mo_ta.clone().unwrap_or_default(),
        (unit, Some(n)) => {
            let head = format!("{} {}", number(n), unit.label());
            match &t.mo_ta {
                Some(note) => format!("{head} ({note})"),
                None => head,
            }
        }
    }
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

    #[test]
    fn unknown_is_never_zero() {
        assert_eq!(fee_amount(&fee()), "Chưa có thông tin mức thu");
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
            mo_ta: None,
        };
        assert_eq!(time_limit(&t), "3 ngày làm việc");
        let t = TimeLimit {
            so: Some(0.5),
            don_vi: TimeUnit::Ngay,
            mo_ta: None,
        };
        assert_eq!(time_limit(&t), "0,5 ngày");
    }
}
