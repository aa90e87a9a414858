//! `niemyet export`: the list of procedure records as XLSX or CSV.

use super::columns::Column;
use super::read::SHEET_NAME;
use super::{records, Listed};
use crate::project::Source;
use crate::render::open_data::formula_safe;
use anyhow::{bail, Context, Result};
use rust_xlsxwriter::{Color, Format, FormatBorder, IgnoreError, Note, Workbook};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Xlsx,
    Csv,
}

impl ListFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ListFormat::Xlsx => "xlsx",
            ListFormat::Csv => "csv",
        }
    }

    /// The format a file name asks for, by its extension.
    pub fn of(path: &Path) -> Option<ListFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "xlsx" => Some(ListFormat::Xlsx),
            "csv" => Some(ListFormat::Csv),
            _ => None,
        }
    }
}

/// What an export wrote.
pub struct Exported {
    pub rows: usize,
    pub path: PathBuf,
}

/// Write the list of `source`'s records to `output` (`danh-sach-thu-tuc.xlsx` or `.csv`
/// when `None`). The format is `format`, else the output's extension, else XLSX.
pub fn export(
    source: &Source,
    format: Option<ListFormat>,
    output: Option<&Path>,
) -> Result<Exported> {
    let format = match (format, output.map(ListFormat::of)) {
        (Some(f), Some(Some(g))) if f != g => bail!(
            "--format {} nhưng tệp ghi ra có đuôi .{}: đổi đuôi tệp thành .{} hoặc bỏ --format",
            f.extension(),
            g.extension(),
            f.extension()
        ),
        (Some(f), _) | (None, Some(Some(f))) => f,
        (None, _) => ListFormat::Xlsx,
    };
    let path = output.map_or_else(
        || PathBuf::from(format!("danh-sach-thu-tuc.{}", format.extension())),
        Path::to_path_buf,
    );
    let listed = records(source)?;
    let bytes = match format {
        ListFormat::Xlsx => xlsx(&listed)?,
        ListFormat::Csv => csv(&listed)?,
    };
    std::fs::write(&path, bytes).with_context(|| format!("không ghi được {}", path.display()))?;
    Ok(Exported {
        rows: listed.len(),
        path,
    })
}

fn cells(l: &Listed) -> Vec<String> {
    Column::ALL
        .iter()
        .map(|c| c.cell(&l.procedure, &l.rel))
        .collect()
}

/// As open data's `thu-tuc.csv`: UTF-8 with a BOM (so spreadsheet software keeps the
/// diacritics), CRLF, RFC 4180 quoting, formula-safe cells.
fn csv(listed: &[Listed]) -> Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut out);
    w.write_record(Column::ALL.iter().map(|c| c.header()))?;
    for l in listed {
        let mut row = cells(l);
        row.iter_mut().for_each(formula_safe);
        w.write_record(&row)?;
    }
    w.flush()?;
    drop(w);
    Ok(out)
}

/// One sheet: a bold, frozen header row with a filter, every cell text (so "1.001193"
/// stays a code and "01/07/2025" a date as written, and what an officer types later
/// too), read-only columns shaded with a note on their header saying where to edit.
fn xlsx(listed: &[Listed]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    let text = Format::new().set_num_format_index(49);
    let shaded = text.clone().set_background_color(Color::RGB(0xF2F2F2));
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let head_shaded = head.clone().set_background_color(Color::RGB(0xD9D9D9));
    let read_only = |c: Column| !c.editable() && c != Column::Code;
    for (i, c) in Column::ALL.iter().enumerate() {
        let col = i as u16;
        sheet.set_column_width(col, c.width())?;
        sheet.set_column_format(col, if read_only(*c) { &shaded } else { &text })?;
        let h = if read_only(*c) { &head_shaded } else { &head };
        sheet.write_string_with_format(0, col, c.header(), h)?;
        let note = match c {
            Column::Code => Some("Mã cho biết dòng là thủ tục nào: không sửa."),
            Column::Time | Column::Fee | Column::File => Some(c.edit_instead()),
            _ => None,
        };
        if let Some(n) = note {
            sheet.insert_note(0, col, &Note::new(n).add_author_prefix(false))?;
        }
    }
    for (r, l) in listed.iter().enumerate() {
        let row = r as u32 + 1;
        for (i, (c, value)) in Column::ALL.iter().zip(cells(l)).enumerate() {
            if !value.is_empty() {
                let f = if read_only(*c) { &shaded } else { &text };
                sheet.write_string_with_format(row, i as u16, value, f)?;
            }
        }
    }
    let last_row = listed.len() as u32;
    let last_col = Column::ALL.len() as u16 - 1;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, last_col)?;
    if last_row > 0 {
        sheet.ignore_error_range(1, 0, last_row, last_col, IgnoreError::NumberStoredAsText)?;
    }
    Ok(book.save_to_buffer()?)
}
