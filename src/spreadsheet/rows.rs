//! The sheet's rows matched to records: the header row read into columns, each row's
//! code found, its file checked, its read-only cells compared, its editable cells
//! checked and turned into the values to write. Anything ambiguous is a [`Problem`] at
//! the row and column letter the officer sees, with what to write instead.

use super::columns::{level_name, Column, Value, ONLINE_LEVELS};
use super::read::{Cell, Grid};
use super::Listed;
use crate::load::suggest;
use crate::model::Date;
use crate::text::{fold, normalize};
use std::collections::HashMap;

/// One refused cell or row.
pub struct Problem {
    /// "danh-sach-thu-tuc.xlsx, trang "Thủ tục", dòng 14, cột C".
    pub at: String,
    pub message: String,
    pub fix: String,
}

/// One value to write: `column` of the record `record` (an index into the list of
/// records) becomes `value`, asked for at `row`, column `cell` of the sheet.
pub struct Planned {
    pub record: usize,
    pub column: Column,
    pub old: Option<Value>,
    pub value: Value,
    pub row: usize,
    pub cell: usize,
}

/// What the rows ask for.
#[derive(Default)]
pub struct Plan {
    pub edits: Vec<Planned>,
    pub problems: Vec<Problem>,
    pub notes: Vec<String>,
    /// Rows with something in them, below the header.
    pub rows: usize,
}

/// Read `grid`'s rows against `records`.
pub fn plan(grid: &Grid, records: &[Listed]) -> Plan {
    let mut plan = Plan::default();
    let problem = |row: usize, col: Option<usize>, message: String, fix: String| Problem {
        at: grid.at(row, col).to_string(),
        message,
        fix,
    };
    let Some(head) = grid
        .rows
        .iter()
        .position(|r| r.iter().any(|c| !c.is_empty()))
    else {
        plan.problems.push(problem(
            0,
            None,
            "bảng tính trống".into(),
            "dùng tệp do niemyet export ghi: dòng đầu là tiêu đề cột, mỗi dòng sau một thủ tục"
                .into(),
        ));
        return plan;
    };
    let columns = header(grid, head, &mut plan);
    let Some(&(code_col, _)) = columns.iter().find(|(_, c)| *c == Column::Code) else {
        plan.problems.push(problem(
            head,
            None,
            format!("dòng tiêu đề không có cột \"{}\"", Column::Code.header()),
            format!(
                "mỗi dòng được nhận ra bằng mã thủ tục: thêm lại cột \"{}\" (như tệp niemyet export ghi) vào dòng {}",
                Column::Code.header(),
                head + 1
            ),
        ));
        return plan;
    };
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(c) = &r.procedure.ma_thu_tuc {
            by_code.entry(c.as_str()).or_default().push(i);
        }
    }
    let by_file: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.rel.as_str(), i))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in grid.rows.iter().enumerate().skip(head + 1) {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        plan.rows += 1;
        let get = |c: usize| cells.get(c).unwrap_or(&Cell::Empty);
        let before = plan.problems.len();
        let mut refuse = |col: usize, message: String, fix: String| {
            plan.problems.push(problem(row, Some(col), message, fix));
        };
        let code = match code_of(get(code_col)) {
            Ok(c) if c.is_empty() => {
                refuse(
                    code_col,
                    "dòng có dữ liệu nhưng không có mã thủ tục".into(),
                    format!("ghi mã của thủ tục vào ô này; thủ tục mới thì tạo tệp hồ sơ trong thu-tuc/ ({NEW_RECORD})"),
                );
                continue;
            }
            Ok(c) => c,
            Err((message, fix)) => {
                refuse(code_col, message, fix);
                continue;
            }
        };
        if let Some(first) = seen.insert(code.clone(), row) {
            refuse(
                code_col,
                format!("mã \"{code}\" đã có ở dòng {}", first + 1),
                "mỗi thủ tục một dòng: xóa một trong hai dòng, hoặc gộp các sửa đổi vào một dòng"
                    .into(),
            );
            continue;
        }
        let index = match by_code.get(code.as_str()).map(Vec::as_slice) {
            Some([one]) => *one,
            Some(many) => {
                let files: Vec<&str> = many.iter().map(|&i| records[i].rel.as_str()).collect();
                refuse(
                    code_col,
                    format!(
                        "mã \"{code}\" có ở {} tệp hồ sơ: {}",
                        many.len(),
                        files.join(", ")
                    ),
                    "chạy niemyet check và sửa mã trùng trong các tệp trước".into(),
                );
                continue;
            }
            None => {
                let codes: Vec<String> = by_code.keys().map(|c| (*c).to_owned()).collect();
                let near = suggest(&code, &codes)
                    .map(|c| format!("có phải mã \"{c}\"? "))
                    .unwrap_or_default();
                refuse(
                    code_col,
                    format!("không có hồ sơ nào mang mã \"{code}\""),
                    format!("{near}sửa lại mã cho đúng; thủ tục mới thì tạo tệp hồ sơ trong thu-tuc/ ({NEW_RECORD})"),
                );
                continue;
            }
        };
        let rec = &records[index];
        for &(col, column) in &columns {
            let cell = get(col);
            match column {
                Column::Code => {}
                Column::File => {
                    let named = cell.text().unwrap_or_default().trim().replace('\\', "/");
                    let named = named.strip_prefix("content/").unwrap_or(&named);
                    if !named.is_empty() && named != rec.rel {
                        let whose = match by_file.get(named) {
                            Some(&other) => format!(
                                "tệp đó là của mã \"{}\"",
                                records[other]
                                    .procedure
                                    .ma_thu_tuc
                                    .as_ref()
                                    .map_or("", |c| c.as_str())
                            ),
                            None => "không có tệp hồ sơ đó".into(),
                        };
                        refuse(
                            col,
                            format!(
                                "cột \"{}\" ghi \"{named}\" nhưng mã \"{code}\" ở tệp \"{}\": {whose}",
                                Column::File.header(),
                                rec.rel
                            ),
                            format!(
                                "sửa mã hoặc tệp cho khớp một thủ tục (mã \"{code}\" ở tệp \"{}\"); cột này chỉ để đối chiếu, không đổi tên hay chuyển tệp",
                                rec.rel
                            ),
                        );
                    }
                }
                Column::Time | Column::Fee => {
                    let now = column.cell(&rec.procedure, &rec.rel);
                    let written = cell.text().unwrap_or_default();
                    // Empty is fine: the column was cleared, not edited.
                    if !written.trim().is_empty() && words(&written) != words(&now) {
                        refuse(
                            col,
                            format!(
                                "cột \"{}\" chỉ để xem: ô ghi \"{}\", hồ sơ tính ra \"{now}\"",
                                column.header(),
                                written.trim()
                            ),
                            format!(
                                "{} (tệp {}); trong bảng tính, chép lại \"{now}\" hoặc xóa nội dung ô",
                                column.edit_instead(),
                                rec.path.display()
                            ),
                        );
                    }
                }
                _ => {
                    let old = Value::of(column, &rec.procedure);
                    match value_of(column, cell) {
                        Err((message, fix)) => refuse(col, message, fix),
                        Ok(None) => {
                            if let Some(old) = old {
                                refuse(
                                    col,
                                    format!("ô trống nhưng hồ sơ đang ghi \"{}\"", old.shown()),
                                    format!(
                                        "để giữ thì chép lại \"{}\"; muốn bỏ khóa {} thì xóa dòng đó trong tệp {} (nhập từ bảng tính không xóa khóa)",
                                        old.shown(),
                                        column.key().unwrap_or_default(),
                                        rec.path.display()
                                    ),
                                );
                            }
                        }
                        Ok(Some(new)) if Some(&new) == old.as_ref() => {}
                        // A name written on several lines stays as it is unless edited.
                        Ok(Some(Value::Text(t))) if t.contains('\n') => refuse(
                            col,
                            format!("{} phải nằm trên một dòng", column.header()),
                            "xóa chỗ xuống dòng trong ô (Alt+Enter trong Excel)".into(),
                        ),
                        Ok(Some(new)) => plan.edits.push(Planned {
                            record: index,
                            column,
                            old,
                            value: new,
                            row,
                            cell: col,
                        }),
                    }
                }
            }
        }
        if plan.problems.len() > before {
            plan.edits.retain(|e| e.row != row);
        }
    }
    plan
}

const NEW_RECORD: &str = "niemyet không tạo hồ sơ từ bảng tính";

/// The header row: each known column once; unknown headers are noted and ignored; a
/// column with values under no header is refused, since its values would be lost.
fn header(grid: &Grid, head: usize, plan: &mut Plan) -> Vec<(usize, Column)> {
    let mut columns: Vec<(usize, Column)> = Vec::new();
    let width = grid.rows.iter().map(Vec::len).max().unwrap_or(0);
    for col in 0..width {
        let cell = grid.rows[head].get(col).unwrap_or(&Cell::Empty);
        let title = cell.text().unwrap_or_default();
        let title = title.trim();
        let at = grid.at(head, Some(col));
        match Column::named(title) {
            Some(c) => match columns.iter().find(|(_, k)| *k == c) {
                Some((first, _)) => plan.problems.push(Problem {
                    at: at.to_string(),
                    message: format!(
                        "hai cột cùng là \"{}\" (cột {} và cột {})",
                        c.header(),
                        super::read::letter(*first),
                        super::read::letter(col)
                    ),
                    fix: "xóa hoặc đổi tiêu đề một trong hai cột".into(),
                }),
                None => columns.push((col, c)),
            },
            None if title.is_empty() => {
                let used = grid.rows[head + 1..]
                    .iter()
                    .any(|r| r.get(col).is_some_and(|c| !c.is_empty()));
                if used {
                    plan.problems.push(Problem {
                        at: at.to_string(),
                        message: "cột có dữ liệu nhưng không có tiêu đề".into(),
                        fix: format!(
                            "ghi tiêu đề cột (một trong: {}), hoặc xóa cột nếu không cần",
                            Column::ALL.map(Column::header).join(", ")
                        ),
                    });
                }
            }
            None => plan.notes.push(format!(
                "{at}: cột \"{title}\" không phải cột của danh sách thủ tục, bỏ qua"
            )),
        }
    }
    columns
}

/// The code in a cell. A spreadsheet that took "1.001193" for a number keeps it whole
/// only with six decimals (as YAML does, see `model::Code`).
fn code_of(cell: &Cell) -> Result<String, (String, String)> {
    match cell {
        Cell::Number(n) => {
            let shortest = n.to_string();
            match shortest.split_once('.') {
                Some((_, d)) if d.len() == 6 => Ok(shortest),
                _ => Err((
                    format!("mã bị bảng tính đổi thành số {shortest}, mất chữ số 0 ở cuối"),
                    format!(
                        "định dạng cột \"{}\" là Văn bản (Text) rồi gõ lại mã đủ 6 chữ số sau dấu chấm, ví dụ \"{n:.6}\"",
                        Column::Code.header()
                    ),
                )),
            }
        }
        other => other
            .text()
            .map(|t| normalize(&t).trim().to_owned())
            .map_err(|e| (e, "ghi mã thủ tục vào ô".into())),
    }
}

/// The new value an editable cell asks for; `None` when it is empty.
fn value_of(column: Column, cell: &Cell) -> Result<Option<Value>, (String, String)> {
    let text = cell
        .text()
        .map_err(|e| (e, "ghi giá trị vào ô, không dùng công thức".to_owned()))?;
    let text = normalize(&text);
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(match column {
        Column::Level => Value::Texts(
            text.split([';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        Column::Online => {
            let f = fold(text);
            let level = ONLINE_LEVELS
                .into_iter()
                .find(|l| fold(&level_name(*l)) == f || fold(l.label()) == f)
                .ok_or_else(|| {
                    let names: Vec<String> = ONLINE_LEVELS.into_iter().map(level_name).collect();
                    (
                        format!("mức độ trực tuyến \"{text}\" không phải một giá trị cho phép"),
                        format!("ghi một trong: {}", names.join(", ")),
                    )
                })?;
            Value::Online(level)
        }
        Column::Date => Value::Date(match cell {
            Cell::Date(Some(d)) => *d,
            Cell::Number(_) => {
                return Err((
                    format!("ô ngày hiệu lực là số {text}, không phải một ngày"),
                    "định dạng ô là Văn bản (Text) và ghi ngày dạng 31/10/2025".into(),
                ))
            }
            _ => Date::parse(text)
                .map_err(|e| (e, "ghi ngày dạng 31/10/2025 (ngày/tháng/năm)".to_owned()))?,
        }),
        _ => Value::Text(text.to_owned()),
    }))
}

/// Text compared as words: a spreadsheet may wrap or re-space a long cell.
fn words(s: &str) -> String {
    normalize(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
