//! The procedure list's columns: what each is headed, what a record puts in it, which
//! an officer may edit in the sheet and which are only there to read.
//!
//! One list for export and import alike, so a column added here is written and read
//! back without a second place to keep in step.

use crate::model::{keys, Date, OnlineLevel, Procedure};
use crate::text::fold;
use crate::wording::{fee_summary, time_summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Code,
    Name,
    Plain,
    Field,
    Level,
    Online,
    Time,
    Fee,
    Date,
    File,
}

impl Column {
    /// In the order the export writes them.
    pub const ALL: [Column; 10] = [
        Column::Code,
        Column::Name,
        Column::Plain,
        Column::Field,
        Column::Level,
        Column::Online,
        Column::Time,
        Column::Fee,
        Column::Date,
        Column::File,
    ];

    /// The record key the column shows, for the columns that are one key.
    pub fn key(self) -> Option<&'static str> {
        Some(match self {
            Column::Code => "ma_thu_tuc",
            Column::Name => "ten_thu_tuc",
            Column::Plain => "ten_than_thien",
            Column::Field => "linh_vuc",
            Column::Level => "cap_thuc_hien",
            Column::Online => "muc_do_truc_tuyen",
            Column::Date => "ngay_hieu_luc",
            Column::Time | Column::Fee | Column::File => return None,
        })
    }

    /// The header: the portal's label of the key (the labels `check` and `diff` use),
    /// or what a derived column holds.
    pub fn header(self) -> &'static str {
        match self {
            Column::Time => "Thời hạn giải quyết",
            Column::Fee => "Phí, lệ phí",
            Column::File => "Tệp",
            c => c.key().map_or("", keys::label),
        }
    }

    /// Columns whose cells are written back to the record. The code finds the record
    /// and the file checks it is the right one; time and fees are worded from the
    /// channels, which hold more than one cell can say.
    pub fn editable(self) -> bool {
        !matches!(
            self,
            Column::Code | Column::Time | Column::Fee | Column::File
        )
    }

    /// Where to change what a read-only column shows.
    pub fn edit_instead(self) -> &'static str {
        match self {
            Column::Time => {
                "thời hạn ghi ở thoi_han của từng cách thức trong cach_thuc_thuc_hien của tệp hồ sơ; sửa ở đó, cột này chỉ để xem"
            }
            Column::Fee => {
                "phí, lệ phí ghi ở phi_le_phi của từng cách thức trong cach_thuc_thuc_hien của tệp hồ sơ; sửa ở đó, cột này chỉ để xem"
            }
            _ => "cột này chỉ để xem; sửa trong tệp hồ sơ",
        }
    }

    /// Width in characters: wide enough for most of the sample's values, so the sheet
    /// opens readable without a long name pushing the rest off screen.
    pub fn width(self) -> f64 {
        match self {
            Column::Code => 12.0,
            Column::Name => 60.0,
            Column::Plain => 40.0,
            Column::Field => 22.0,
            Column::Level => 14.0,
            Column::Online => 18.0,
            Column::Time => 30.0,
            Column::Fee => 40.0,
            Column::Date => 14.0,
            Column::File => 50.0,
        }
    }

    /// The column a header names: its header or its key (`ten_thu_tuc`, as open data
    /// heads its CSV), in any case and with or without diacritics.
    pub fn named(header: &str) -> Option<Column> {
        let h = fold(header);
        if h.is_empty() {
            return None;
        }
        Column::ALL.into_iter().find(|c| {
            fold(c.header()) == h
                || c.key().is_some_and(|k| fold(k) == h)
                || match c {
                    Column::Time => h == "thoi han giai quyet",
                    Column::Fee => h == "phi le phi",
                    Column::File => h == "tep ho so",
                    _ => false,
                }
        })
    }

    /// What the list shows for a record in this column; `file` is the record's path
    /// under the content folder.
    pub fn cell(self, p: &Procedure, file: &str) -> String {
        match self {
            Column::Code => p
                .ma_thu_tuc
                .as_ref()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
            Column::Name => p.ten_thu_tuc.clone().unwrap_or_default(),
            Column::Plain => p.ten_than_thien.clone().unwrap_or_default(),
            Column::Field => p.linh_vuc.clone().unwrap_or_default(),
            Column::Level => p.cap_thuc_hien.join(LIST_SEPARATOR),
            Column::Online => p.muc_do_truc_tuyen.map(level_name).unwrap_or_default(),
            Column::Time => time_summary(&p.cach_thuc_thuc_hien),
            Column::Fee => fee_summary(&p.cach_thuc_thuc_hien),
            Column::Date => p.ngay_hieu_luc.map(|d| d.vn()).unwrap_or_default(),
            Column::File => file.to_owned(),
        }
    }
}

/// How a list (`cap_thuc_hien`) sits in one cell: "Xã; Tỉnh".
pub const LIST_SEPARATOR: &str = "; ";

/// The online levels, in the order messages list them.
pub const ONLINE_LEVELS: [OnlineLevel; 3] = [
    OnlineLevel::ToanTrinh,
    OnlineLevel::MotPhan,
    OnlineLevel::Khong,
];

/// The level as a record writes it ("toàn trình"): its serde name, one of
/// `CANONICAL_VALUES`.
pub fn level_name(level: OnlineLevel) -> String {
    match serde_json::to_value(level) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A new value of an editable column, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Texts(Vec<String>),
    Date(Date),
    Online(OnlineLevel),
}

impl Value {
    /// The value as the list shows it: what the report quotes.
    pub fn shown(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Texts(v) => v.join(LIST_SEPARATOR),
            Value::Date(d) => d.vn(),
            Value::Online(l) => level_name(*l),
        }
    }

    /// The record's current value in `column`; `None` when the key is not set.
    pub fn of(column: Column, p: &Procedure) -> Option<Value> {
        match column {
            Column::Name => text(&p.ten_thu_tuc),
            Column::Plain => text(&p.ten_than_thien),
            Column::Field => text(&p.linh_vuc),
            Column::Level => {
                Some(Value::Texts(p.cap_thuc_hien.clone())).filter(|_| !p.cap_thuc_hien.is_empty())
            }
            Column::Online => p.muc_do_truc_tuyen.map(Value::Online),
            Column::Date => p.ngay_hieu_luc.map(Value::Date),
            _ => None,
        }
    }

    /// `p` with this value in `column`: what the record must read as once written.
    pub fn set(&self, column: Column, p: &mut Procedure) {
        match (column, self) {
            (Column::Name, Value::Text(s)) => p.ten_thu_tuc = Some(s.clone()),
            (Column::Plain, Value::Text(s)) => p.ten_than_thien = Some(s.clone()),
            (Column::Field, Value::Text(s)) => p.linh_vuc = Some(s.clone()),
            (Column::Level, Value::Texts(v)) => p.cap_thuc_hien = v.clone(),
            (Column::Online, Value::Online(l)) => p.muc_do_truc_tuyen = Some(*l),
            (Column::Date, Value::Date(d)) => p.ngay_hieu_luc = Some(*d),
            _ => {}
        }
    }
}

/// A text as a cell holds it: a cell cannot keep spaces around it.
fn text(s: &Option<String>) -> Option<Value> {
    s.as_deref().map(|s| Value::Text(s.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_by_label_or_key() {
        for c in Column::ALL {
            assert_eq!(Column::named(c.header()), Some(c), "{}", c.header());
            if let Some(k) = c.key() {
                assert_eq!(Column::named(k), Some(c), "{k}");
            }
        }
        assert_eq!(Column::named("MA THU TUC"), Some(Column::Code));
        assert_eq!(Column::named("thoi_han_giai_quyet"), Some(Column::Time));
        assert_eq!(Column::named("Ghi chú"), None);
        assert_eq!(Column::named(""), None);
    }

    #[test]
    fn level_names_are_the_record_spelling() {
        let names: Vec<String> = ONLINE_LEVELS.into_iter().map(level_name).collect();
        assert_eq!(names, ["toàn trình", "một phần", "không"]);
        for n in &names {
            assert!(crate::model::CANONICAL_VALUES.contains(&n.as_str()));
        }
    }
}
