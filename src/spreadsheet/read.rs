//! A spreadsheet file as a grid of cells, each at the row and column letter the officer
//! sees: XLSX, XLS and ODS through calamine, CSV through the csv crate (by extension).

use crate::model::Date;
use crate::render::open_data::FORMULA_STARTS;
use anyhow::{bail, Context, Result};
use calamine::{Data, Reader};
use std::fmt;
use std::path::Path;

/// The sheet the export writes, which import reads first.
pub const SHEET_NAME: &str = "Thủ tục";

/// Largest spreadsheet read: a province's list is a few MB; a bigger file is not one.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell the spreadsheet holds as a date (an officer typed `15/08/2025` and the
    /// program took it for one).
    Date(Option<Date>),
    /// `#N/A`, `#VALUE!`…: a formula that failed.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: numbers as the shortest text that reads back as them, dates
    /// as `31/10/2025`.
    pub fn text(&self) -> Result<String, String> {
        match self {
            Cell::Empty => Ok(String::new()),
            Cell::Text(s) => Ok(s.clone()),
            Cell::Number(n) => Ok(n.to_string()),
            Cell::Date(Some(d)) => Ok(d.vn()),
            Cell::Date(None) => Err("ô là một ngày giờ ngoài khoảng năm 1900–2200".into()),
            Cell::Error(e) => Err(format!("ô báo lỗi công thức {e}")),
        }
    }
}

/// A sheet's cells: `rows[0]` is the sheet's row 1 and `rows[r][0]` column A, whatever
/// empty rows and columns the file starts with.
pub struct Grid {
    /// The file's name, as messages say it.
    pub file: String,
    /// The sheet read (none for CSV).
    pub sheet: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Grid {
    pub fn at(&self, row: usize, column: Option<usize>) -> At<'_> {
        At {
            grid: self,
            row,
            column,
        }
    }
}

/// A place in the sheet: "danh-sach-thu-tuc.xlsx, trang "Thủ tục", dòng 14, cột C".
#[derive(Clone, Copy)]
pub struct At<'a> {
    grid: &'a Grid,
    /// 0-based.
    row: usize,
    column: Option<usize>,
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.grid.file)?;
        if let Some(s) = &self.grid.sheet {
            write!(f, ", trang \"{s}\"")?;
        }
        write!(f, ", dòng {}", self.row + 1)?;
        if let Some(c) = self.column {
            write!(f, ", cột {}", letter(c))?;
        }
        Ok(())
    }
}

/// The column's letters as spreadsheets head it: 0 → A, 25 → Z, 26 → AA.
pub fn letter(column: usize) -> String {
    let mut n = column + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Read `path`: CSV by its extension, anything else as a workbook.
pub fn read(path: &Path) -> Result<Grid> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("không mở được {}", path.display()))?
        .len();
    if size > MAX_BYTES {
        bail!(
            "{} nặng {} MB, quá giới hạn {} MB của một bảng danh sách thủ tục",
            path.display(),
            size / 1_048_576,
            MAX_BYTES / 1_048_576
        );
    }
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => read_csv(path, file),
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path, file),
        _ => bail!(
            "không biết đọc tệp {}: dùng bảng tính .xlsx, .ods hoặc .csv (như niemyet export ghi)",
            path.display()
        ),
    }
}

fn read_workbook(path: &Path, file: String) -> Result<Grid> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        anyhow::anyhow!(
            "không đọc được bảng tính {}: {e}; mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx",
            path.display()
        )
    })?;
    let names = book.sheet_names();
    // The export's sheet if it is there (an officer may add a sheet of notes before
    // it), else the first.
    let Some(name) = names
        .iter()
        .find(|n| n.as_str() == SHEET_NAME)
        .or_else(|| names.first())
        .cloned()
    else {
        bail!("bảng tính {} không có trang nào", path.display());
    };
    let range = book.worksheet_range(&name).map_err(|e| {
        anyhow::anyhow!(
            "không đọc được trang \"{name}\" của {}: {e}",
            path.display()
        )
    })?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; left as usize];
        cells.extend(row.iter().map(cell));
        rows.push(cells);
    }
    Ok(Grid {
        file,
        sheet: Some(name),
        rows,
    })
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            // Through `Date::parse`, which keeps the years a record may hold.
            Cell::Date(Date::parse(&format!("{y:04}-{m:02}-{d:02}")).ok())
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

fn read_csv(path: &Path, file: String) -> Result<Grid> {
    let bytes =
        std::fs::read(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        bail!(
            "{} không phải UTF-8 (byte thứ {}): trong Excel chọn Lưu thành \"CSV UTF-8\", hoặc dùng tệp .xlsx",
            path.display(),
            e.valid_up_to() + 1
        );
    }
    // Spreadsheets set to a locale whose decimal mark is a comma save CSV with `;`.
    let head = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| head.iter().filter(|b| **b == c).count();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|c| (count(*c), *c == b','))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.with_context(|| format!("không đọc được {} như CSV", path.display()))?;
        rows.push(
            record
                .iter()
                .map(|s| match unformula(s) {
                    "" => Cell::Empty,
                    s => Cell::Text(s.to_owned()),
                })
                .collect(),
        );
    }
    Ok(Grid {
        file,
        sheet: None,
        rows,
    })
}

/// A cell the export made formula-safe (`'=…`, see `open_data::formula_safe`) read as
/// what it says.
fn unformula(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(2), "C");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }

    #[test]
    fn formula_safe_cells_read_back() {
        assert_eq!(unformula("'=HYPERLINK()"), "=HYPERLINK()");
        assert_eq!(unformula("'-x"), "-x");
        assert_eq!(unformula("'a'"), "'a'");
    }
}
