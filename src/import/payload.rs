//! Reading the portal's procedure-detail JSON. The front end's payloads are loose: a
//! number may come as a string, a list as `null`, a text as `""` meaning "not stated".
//! Reading through `serde_json::Value` with these accessors takes what is there and
//! treats every empty value as absent, so one odd field never loses a whole record.

use serde_json::Value;

/// The `data` object of `{"code":"OK","data":{…}}`, or the object itself when a file
/// holds the bare procedure.
pub fn data(doc: &Value) -> Option<&Value> {
    match doc.get("data") {
        Some(d) if d.is_object() => Some(d),
        _ if doc.get("name").is_some() || doc.get("code").is_some_and(|c| c != "OK") => Some(doc),
        _ => None,
    }
}

/// A non-blank text, NFC, spaces tidied, lines kept.
pub fn text(v: &Value, key: &str) -> Option<String> {
    let s = v.get(key)?.as_str()?;
    let s = crate::text::normalize(s);
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    let s = lines.join("\n").trim().to_owned();
    (!s.is_empty()).then_some(s)
}

/// A number, written as a number or as a string ("5", "0,5").
pub fn number(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse().ok(),
        _ => None,
    }
}

pub fn flag(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.trim(), "true" | "1"),
        _ => false,
    }
}

/// The items of a list; nothing for `null` or a missing key.
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The names in a list of `{name, code}` objects (or of plain strings), or a single
/// text: what the portal gives for agencies, results, applicants.
pub fn names(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::String(_)) => text(v, key).into_iter().collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(crate::text::normalize(s.trim())),
                _ => text(i, "name"),
            })
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// A date given as epoch milliseconds (or an ISO / dd/mm/yyyy text), in Vietnam's time
/// zone (UTC+7): the portal stores local midnight as 17:00 UTC the day before.
pub fn date(v: &Value, key: &str) -> Option<crate::model::Date> {
    use chrono::{Datelike, TimeZone};
    match v.get(key)? {
        Value::Number(n) => {
            let ms = n.as_i64()?;
            let vn = chrono::FixedOffset::east_opt(7 * 3600)?;
            let t = vn.timestamp_millis_opt(ms).single()?;
            crate::model::Date::from_ymd(t.year(), t.month(), t.day())
        }
        Value::String(s) => {
            let s = s.trim();
            crate::model::Date::parse(s.get(..10).unwrap_or(s)).ok()
        }
        _ => None,
    }
}

/// SHA-256 of the procedure as the portal gave it, whatever the file's spacing or key
/// order: which portal text a record was made from.
pub fn digest(data: &Value) -> String {
    use sha2::{Digest, Sha256};
    // serde_json's maps are ordered by key, so this text is canonical.
    let canonical = serde_json::to_vec(data).unwrap_or_default();
    Sha256::digest(&canonical)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
