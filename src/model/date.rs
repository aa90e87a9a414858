//! Calendar dates as officers write them (`31/10/2025` or `2025-10-31`). Dates are
//! always the record's, never the clock's: the build date comes from `--as-of`.

use chrono::{Datelike, NaiveDate};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Years a record's date may fall in: a legal text older than 1900 or a date past 2200
/// is a typing mistake, and a year of five digits or below zero would print wrongly.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A calendar date written `2025-10-31` or `31/10/2025` (the way it is printed on paper).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let parsed = if text.contains('/') {
            NaiveDate::parse_from_str(text, "%d/%m/%Y")
        } else {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
        };
        let date = parsed.map(Date).map_err(|_| {
            format!(
                "ngày không hợp lệ: \"{text}\"; viết dạng 31/10/2025 hoặc 2025-10-31 và kiểm tra ngày có trong tháng"
            )
        })?;
        if !YEARS.contains(&date.0.year()) {
            return Err(format!(
                "năm {} của ngày \"{text}\" nằm ngoài khoảng {}–{}; kiểm tra lại năm",
                date.0.year(),
                YEARS.start(),
                YEARS.end()
            ));
        }
        Ok(date)
    }

    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// `31/10/2025`, as citizens read dates.
    pub fn vn(&self) -> String {
        format!(
            "{:02}/{:02}/{}",
            self.0.day(),
            self.0.month(),
            self.0.year()
        )
    }

    /// `2025-10-31`, for machines (sitemap, JSON, `<time datetime>`).
    pub fn iso(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vn())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("một ngày dạng 31/10/2025 hoặc 2025-10-31")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        assert_eq!(Date::parse("31/10/2025"), Date::parse("2025-10-31"));
        assert_eq!(
            Date::parse("2025-10-31").map(|d| d.vn()),
            Ok("31/10/2025".into())
        );
    }

    #[test]
    fn impossible_dates_fail() {
        assert!(Date::parse("31/02/2025").is_err());
        assert!(Date::parse("2025-13-01").is_err());
        assert!(Date::parse("29/02/2024").is_ok());
        assert!(Date::parse("hôm qua").is_err());
        assert!(Date::parse("-0001-01-01").is_err());
        assert!(Date::parse("+10000-01-01").is_err());
        assert!(Date::parse("01/01/1899").is_err());
        assert!(Date::parse("31/12/2200").is_ok());
    }
}
