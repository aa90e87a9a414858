//! schema.org `GovernmentService` for each procedure page, as JSON-LD: name, operator,
//! channels with their processing time, fees as offers, audience. Search engines and
//! other portals read it; citizens never see it.
//!
//! The JSON goes inside `<script type="application/ld+json">`, where HTML escaping does
//! not apply: [`script_safe`] makes any `</script>` or `<!--` in a record harmless.

use crate::catalogue::Entry;
use crate::model::{ChannelKind, SiteConfig, TimeLimit, TimeUnit};
use crate::wording::time_limit;
use serde_json::{json, Map, Value};

/// JSON text that cannot end or confuse the script element it sits in: `<`, `>` and `&`
/// become `\u003c`, `\u003e`, `\u0026` (still the same JSON), and so do the two line
/// separators some parsers choke on.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// ISO 8601 duration of a time limit, where it has one (`P5D`, `PT8H`). Working days are
/// given as days: schema.org has no working-day unit, and the worded limit goes beside.
fn duration(t: &TimeLimit) -> Option<String> {
    let n = t.so?;
    if n <= 0.0 || n.fract() != 0.0 {
        return None;
    }
    let n = n as u64;
    match t.don_vi {
        TimeUnit::Ngay | TimeUnit::NgayLamViec => Some(format!("P{n}D")),
        TimeUnit::Gio | TimeUnit::GioLamViec => Some(format!("PT{n}H")),
        TimeUnit::Khac | TimeUnit::KhongNeu => None,
    }
}

pub fn government_service(
    e: &Entry,
    site: &SiteConfig,
    online_url: Option<&str>,
    address: &str,
) -> Value {
    let p = &e.procedure;
    let base = &site.base_url;
    let authority = json!({
        "@type": "GovernmentOrganization",
        "name": site.co_quan.ten,
        "address": site.co_quan.dia_chi,
        "telephone": site.co_quan.dien_thoai,
    });
    let mut s = Map::new();
    s.insert("@context".into(), json!("https://schema.org"));
    s.insert("@type".into(), json!("GovernmentService"));
    s.insert("name".into(), json!(e.name));
    if e.plain_name != e.name {
        s.insert("alternateName".into(), json!(e.plain_name));
    }
    s.insert("identifier".into(), json!(e.code));
    s.insert("url".into(), json!(format!("{base}{}", e.url_path())));
    if let Some(d) = &p.mo_ta {
        s.insert("description".into(), json!(d));
    }
    if let Some(f) = &p.linh_vuc {
        s.insert("category".into(), json!(f));
    }
    s.insert(
        "serviceOperator".into(),
        match &p.co_quan_thuc_hien {
            Some(name) => json!({"@type": "GovernmentOrganization", "name": name}),
            None => authority.clone(),
        },
    );
    s.insert("provider".into(), authority);
    if !p.doi_tuong_thuc_hien.is_empty() {
        s.insert(
            "audience".into(),
            json!({"@type": "Audience", "audienceType": p.doi_tuong_thuc_hien.join("; ")}),
        );
    }
    let channels: Vec<Value> = p
        .cach_thuc_thuc_hien
        .iter()
        .map(|c| {
            let mut ch = Map::new();
            ch.insert("@type".into(), json!("ServiceChannel"));
            ch.insert("name".into(), json!(c.hinh_thuc.label()));
            if let Some(t) = &c.thoi_han {
                if let Some(d) = duration(t) {
                    ch.insert("processingTime".into(), json!(d));
                }
                ch.insert(
                    "description".into(),
                    json!(format!("Thời hạn giải quyết: {}", time_limit(t))),
                );
            }
            match c.hinh_thuc {
                ChannelKind::TrucTuyen => {
                    if let Some(url) = online_url {
                        ch.insert("serviceUrl".into(), json!(url));
                    }
                }
                ChannelKind::TrucTiep | ChannelKind::BuuChinh => {
                    ch.insert(
                        "serviceLocation".into(),
                        json!({"@type": "Place", "address": address}),
                    );
                }
            }
            Value::Object(ch)
        })
        .collect();
    if !channels.is_empty() {
        s.insert("availableChannel".into(), Value::Array(channels));
    }
    let mut offers = Vec::new();
    for c in &p.cach_thuc_thuc_hien {
        match &c.phi_le_phi {
            Some(fees) if fees.is_empty() => offers.push(json!({
                "@type": "Offer",
                "name": format!("Miễn phí ({})", c.hinh_thuc.label()),
                "price": 0,
                "priceCurrency": "VND",
            })),
            Some(fees) => {
                for f in fees {
                    let mut o = Map::new();
                    o.insert("@type".into(), json!("Offer"));
                    o.insert(
                        "name".into(),
                        json!(format!("{} ({})", f.loai.label(), c.hinh_thuc.label())),
                    );
                    if let Some(amount) = f.muc_thu {
                        o.insert("price".into(), json!(amount));
                        o.insert("priceCurrency".into(), json!(f.tien_te));
                    }
                    o.insert("description".into(), json!(crate::wording::fee_amount(f)));
                    offers.push(Value::Object(o));
                }
            }
            None => {}
        }
    }
    if !offers.is_empty() {
        s.insert("offers".into(), Value::Array(offers));
    }
    Value::Object(s)
}

/// The script element's content for a procedure page.
pub fn script(e: &Entry, site: &SiteConfig, online_url: Option<&str>, address: &str) -> String {
    let v = government_service(e, site, online_url, address);
    script_safe(&serde_json::to_string(&v).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_end_cannot_break_out() {
        let raw =
            serde_json::to_string(&json!({"name": "a</script><script>alert(1)</script>&<!--"}))
                .unwrap_or_default();
        let safe = script_safe(&raw);
        assert!(!safe.contains('<') && !safe.contains('>'));
        let back: Value = serde_json::from_str(&safe).unwrap_or_default();
        assert_eq!(back["name"], "a</script><script>alert(1)</script>&<!--");
    }
}
