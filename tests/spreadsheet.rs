//! `niemyet export` and `niemyet import sheet`, driven as an office would: export the
//! list, edit cells in a spreadsheet (read with calamine, written back with
//! rust_xlsxwriter, or as CSV), import, and compare every content file byte for byte.

use crate::util::*;
use calamine::{Data, Reader};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const XLSX: &str = "danh-sach-thu-tuc.xlsx";
const CSV: &str = "danh-sach-thu-tuc.csv";
const HEADER: [&str; 10] = [
    "Mã thủ tục",
    "Tên thủ tục",
    "Tên thường gọi",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Mức độ trực tuyến",
    "Thời hạn giải quyết",
    "Phí, lệ phí",
    "Ngày hiệu lực",
    "Tệp",
];

/// A copy of the sample content in `tmp/content`.
fn sample_copy(tmp: &Path) -> PathBuf {
    let content = tmp.join("content");
    copy_dir(&sample_content(), &content);
    content
}

/// A copy of the sample in a temporary folder, exported there (`args` added to
/// `niemyet export --content content`).
fn sample_exported(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = sample_copy(tmp.path());
    let mut all = vec!["export", "--content", "content"];
    all.extend_from_slice(args);
    niemyet(tmp.path(), &all, 0);
    (tmp, content)
}

/// Run niemyet in `cwd`; panics with its output unless it exits with `code`.
fn niemyet(cwd: &Path, args: &[&str], code: i32) -> String {
    let o = run(args, cwd);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(code), "niemyet {args:?}:\n{out}");
    out
}

/// Every cell of the export's sheet, asserting each is text (a code or a date the
/// spreadsheet took for a number would not read back as written).
fn read_xlsx(path: &Path) -> Vec<Vec<String>> {
    let mut book = calamine::open_workbook_auto(path).expect("open xlsx");
    assert_eq!(book.sheet_names(), ["Thủ tục"]);
    let range = book.worksheet_range("Thủ tục").expect("sheet");
    assert_eq!(range.start(), Some((0, 0)));
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => panic!("not a text cell: {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Thủ tục").expect("name");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell).expect("cell");
        }
    }
    book.save(path).expect("save xlsx");
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("csv");
    let bytes = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("the BOM open data has");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        for row in rows {
            w.write_record(row).expect("row");
        }
        w.flush().expect("flush");
    }
    std::fs::write(path, out).expect("write csv");
}

/// The row of the record in `file` (its "Tệp" cell).
fn row_of(rows: &[Vec<String>], file: &str) -> usize {
    rows.iter()
        .position(|r| r[9] == file)
        .unwrap_or_else(|| panic!("no row for {file}"))
}

/// Files whose bytes differ, each with its lines that differ `(before, after)`; a line
/// added is `("", line)`.
fn changed(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> BTreeMap<String, Vec<(String, String)>> {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files added or removed"
    );
    let mut out = BTreeMap::new();
    for (path, old) in before {
        let new = &after[path];
        if old == new {
            continue;
        }
        let old = String::from_utf8(old.clone()).expect("utf8");
        let new = String::from_utf8(new.clone()).expect("utf8");
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let b: Vec<&str> = new.split_inclusive('\n').collect();
        let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let tail = a[head..]
            .iter()
            .rev()
            .zip(b[head..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let (a, b) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
        // Lines edited in place are listed alone; a line added shows as ("", line).
        let lines = (0..a.len().max(b.len()))
            .map(|i| {
                let line = |v: &[&str]| v.get(i).map_or(String::new(), |s| s.trim_end().to_owned());
                (line(a), line(b))
            })
            .filter(|(x, y)| x != y)
            .collect();
        out.insert(path.to_string_lossy().replace('\\', "/"), lines);
    }
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn export_lists_every_record_with_the_sites_wording() {
    let tmp = tempfile::tempdir().expect("tmp");
    let content = sample_content();
    let c = content.to_str().expect("utf8");
    let out = niemyet(tmp.path(), &["export", "--content", c], 0);
    assert!(out.contains("Đã xuất 50 thủ tục"), "{out}");
    niemyet(
        tmp.path(),
        &["export", "--content", c, "--format", "csv"],
        0,
    );
    let rows = read_xlsx(&tmp.path().join(XLSX));
    assert_eq!(rows[0], HEADER);
    // CSV and XLSX say the same, cell for cell.
    assert_eq!(read_csv(&tmp.path().join(CSV)), rows);

    let files: Vec<String> = files_with_ext(&content.join("thu-tuc"), &["md", "yaml", "yml"])
        .iter()
        .map(|p| {
            p.strip_prefix(&content)
                .expect("under content")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let mut listed: Vec<String> = rows[1..].iter().map(|r| r[9].clone()).collect();
    assert_eq!(listed, files, "one row a record file, in path order");
    listed.dedup();
    assert_eq!(listed.len(), files.len());

    let r = &rows[row_of(&rows, "thu-tuc/ho-tich/dang-ky-khai-sinh.md")];
    assert_eq!(
        r[..6],
        [
            "1.001193",
            "Thủ tục đăng ký khai sinh",
            "Làm giấy khai sinh cho con",
            "Hộ tịch",
            "Xã",
            "toàn trình"
        ]
    );
    assert_eq!(r[8], "01/07/2025");
    // Time and fees as the card on the site's list says them.
    let list = read(&crate::site::sample().join("thu-tuc/index.html"));
    let card = list
        .split("<li class=\"card\">")
        .find(|c| c.contains("href=\"../thu-tuc/dang-ky-khai-sinh/\""))
        .expect("the card of dang-ky-khai-sinh");
    let slot = |name: &str| {
        let open = format!("data-slot=\"{name}\">");
        let at = card.find(&open).expect("slot") + open.len();
        unescape(&card[at..at + card[at..].find("</span>").expect("end")])
    };
    assert_eq!(r[6], slot("time"));
    assert_eq!(r[7], slot("fee"));
    assert!(!r[6].is_empty() && !r[7].is_empty());
}

#[test]
fn xlsx_round_trip_changes_exactly_the_edited_keys() {
    let (tmp, content) = sample_exported(&[]);
    let mut rows = read_xlsx(&tmp.path().join(XLSX));
    let tricky = "Khai sinh: \"con\" đầu lòng # ở phường – 'ổn'";
    let birth = row_of(&rows, "thu-tuc/ho-tich/dang-ky-khai-sinh.md");
    rows[birth][2] = tricky.into();
    let signature = row_of(&rows, "thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml");
    rows[signature][5] = "một phần".into();
    rows[signature][8] = "15/08/2026".into();
    let marriage = row_of(&rows, "thu-tuc/ho-tich/dang-ky-ket-hon.md");
    rows[marriage][3] = "Hộ tịch và Gia đình".into();
    write_xlsx(&tmp.path().join("da-sua.xlsx"), &rows);

    let before = tree(&content);
    let out = niemyet(tmp.path(), &["import", "sheet", "da-sua.xlsx"], 0);
    for line in [
        format!("content/thu-tuc/ho-tich/dang-ky-khai-sinh.md: ten_than_thien: \"Làm giấy khai sinh cho con\" → \"{tricky}\""),
        "content/thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml: muc_do_truc_tuyen: \"không\" → \"một phần\"".into(),
        "content/thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml: ngay_hieu_luc: \"01/07/2025\" → \"15/08/2026\"".into(),
        "content/thu-tuc/ho-tich/dang-ky-ket-hon.md: linh_vuc: \"Hộ tịch\" → \"Hộ tịch và Gia đình\"".into(),
        "Đã sửa 4 giá trị trong 3 tệp (47 dòng không đổi). Bước tiếp theo: niemyet check".into(),
    ] {
        assert!(out.contains(&line), "missing {line}\n{out}");
    }
    let diff = changed(&before, &tree(&content));
    let expected: BTreeMap<String, Vec<(String, String)>> = [
        (
            "thu-tuc/ho-tich/dang-ky-khai-sinh.md",
            pairs(&[(
                "ten_than_thien: \"Làm giấy khai sinh cho con\"",
                "ten_than_thien: \"Khai sinh: \\\"con\\\" đầu lòng # ở phường – 'ổn'\"",
            )]),
        ),
        (
            "thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml",
            pairs(&[
                ("ngay_hieu_luc: 01/07/2025", "ngay_hieu_luc: 15/08/2026"),
                ("muc_do_truc_tuyen: không", "muc_do_truc_tuyen: một phần"),
            ]),
        ),
        (
            "thu-tuc/ho-tich/dang-ky-ket-hon.md",
            pairs(&[("linh_vuc: \"Hộ tịch\"", "linh_vuc: \"Hộ tịch và Gia đình\"")]),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(diff, expected);

    // The content still loads, and a new export reads the new values back as typed.
    let (o, report) = check_json(&content);
    assert_eq!(report["errors"], 0, "{}", text(&o));
    niemyet(
        tmp.path(),
        &["export", "--content", "content", "--output", "lai.xlsx"],
        0,
    );
    let again = read_xlsx(&tmp.path().join("lai.xlsx"));
    assert_eq!(again, rows);
    // Importing what is already there changes nothing.
    let out = niemyet(tmp.path(), &["import", "sheet", "lai.xlsx"], 0);
    assert!(out.contains("Không có gì thay đổi: 50 dòng"), "{out}");
}

#[test]
fn csv_round_trip_edits_lists_and_adds_absent_keys() {
    let tmp = tempfile::tempdir().expect("tmp");
    let record = Record::new("1.000001", "Thủ tục thử nghiệm")
        .yaml("# Ghi chú của cán bộ: giữ nguyên dòng này")
        .text();
    let guided = Record::new("1.000002", "Thủ tục có hướng dẫn")
        .plain("Cũ")
        .body("## Cần chuẩn bị\n\nMang **giấy tờ**.")
        .text();
    let content = content_tree(
        tmp.path(),
        &[("a/thu.yaml", &record), ("b/huong-dan.md", &guided)],
    );
    niemyet(tmp.path(), &["export", "--format", "csv"], 0);
    let mut rows = read_csv(&tmp.path().join(CSV));
    assert_eq!(rows.len(), 3);
    let a = row_of(&rows, "thu-tuc/a/thu.yaml");
    rows[a][2] = "Làm thử: \"nhanh\"".into();
    rows[a][4] = "Xã; Tỉnh, thành phố".into();
    rows[a][5] = "toan_trinh".into();
    rows[a][8] = "2026-01-15".into();
    let b = row_of(&rows, "thu-tuc/b/huong-dan.md");
    rows[b][1] = "Thủ tục có hướng dẫn (sửa đổi)".into();
    write_csv(&tmp.path().join("sua.csv"), &rows);

    let before = tree(&content);
    let out = niemyet(tmp.path(), &["import", "sheet", "sua.csv"], 0);
    assert!(
        out.contains(
            "content/thu-tuc/a/thu.yaml: ten_than_thien: (chưa có) → \"Làm thử: \"nhanh\"\""
        ),
        "{out}"
    );
    assert!(out.contains("đổi tên thủ tục thì địa chỉ trang"), "{out}");
    let diff = changed(&before, &tree(&content));
    let new = read(&content.join("thu-tuc/a/thu.yaml"));
    let old = String::from_utf8(before[Path::new("thu-tuc/a/thu.yaml")].clone()).expect("utf8");
    // The list's line changed and three lines were added where their keys belong;
    // every other byte, the officer's comment too, is as it was.
    let expected = old
        .replace(
            "ten_thu_tuc: \"Thủ tục thử nghiệm\"\n",
            "ten_thu_tuc: \"Thủ tục thử nghiệm\"\nten_than_thien: \"Làm thử: \\\"nhanh\\\"\"\n",
        )
        .replace(
            "cap_thuc_hien: [Xã]\n",
            "cap_thuc_hien: [Xã, \"Tỉnh, thành phố\"]\n",
        )
        .replace(
            "ket_qua_thuc_hien: [Giấy xác nhận]\n",
            "ket_qua_thuc_hien: [Giấy xác nhận]\nngay_hieu_luc: 15/01/2026\n",
        )
        .replace(
            "ngay_cap_nhat: 2025-12-01\n",
            "ngay_cap_nhat: 2025-12-01\nmuc_do_truc_tuyen: toàn trình\n",
        );
    assert_eq!(new, expected);
    assert!(new.contains("# Ghi chú của cán bộ: giữ nguyên dòng này"));
    // The Markdown record: one line of its front matter, and its body as it was.
    assert_eq!(
        diff["thu-tuc/b/huong-dan.md"],
        pairs(&[(
            "ten_thu_tuc: \"Thủ tục có hướng dẫn\"",
            "ten_thu_tuc: \"Thủ tục có hướng dẫn (sửa đổi)\""
        )])
    );
    assert_eq!(diff.len(), 2);
    let (o, report) = check_json(&content);
    assert_eq!(report["errors"], 0, "{}", text(&o));
}

#[test]
fn ambiguous_rows_are_located_and_change_no_file() {
    let (tmp, content) = sample_exported(&[]);
    let rows = read_xlsx(&tmp.path().join(XLSX));
    let birth = row_of(&rows, "thu-tuc/ho-tich/dang-ky-khai-sinh.md");
    let mut bad = rows.clone();
    // A good edit, refused with the rest: all or nothing.
    bad[birth][2] = "Khai sinh".into();
    let marriage = row_of(&bad, "thu-tuc/ho-tich/dang-ky-ket-hon.md");
    bad[marriage][7] = "50.000 đồng".into();
    bad[3][0] = "9.999999".into();
    let mut twice = bad[birth].clone();
    twice[3] = "Chứng thực".into();
    bad.push(twice);
    write_xlsx(&tmp.path().join("sai.xlsx"), &bad);

    let before = tree(&content);
    let out = niemyet(tmp.path(), &["import", "sheet", "sai.xlsx"], 1);
    let at = |row: usize, col: &str| format!("sai.xlsx, trang \"Thủ tục\", dòng {row}, cột {col}");
    for want in [
        format!(
            "mã \"1.001193\" đã có ở dòng {}\n  --> {}",
            birth + 1,
            at(bad.len(), "A")
        ),
        format!(
            "không có hồ sơ nào mang mã \"9.999999\"\n  --> {}",
            at(4, "A")
        ),
        format!(
            "cột \"Phí, lệ phí\" chỉ để xem: ô ghi \"50.000 đồng\", hồ sơ tính ra \"{}\"\n  --> {}",
            rows[marriage][7],
            at(marriage + 1, "H")
        ),
        "= cách sửa: phí, lệ phí ghi ở phi_le_phi".into(),
        "= cách sửa: mỗi thủ tục một dòng".into(),
        "Không ghi tệp nào: 3 lỗi".into(),
    ] {
        assert!(out.contains(&want), "missing {want}\n{out}");
    }
    assert!(!out.contains("Khai sinh\""), "no change reported: {out}");
    assert_eq!(tree(&content), before);

    // The file column naming another record, and a sheet without its code column.
    let mut other = rows.clone();
    other[birth][9] = "thu-tuc/ho-tich/dang-ky-ket-hon.md".into();
    write_csv(&tmp.path().join("tep.csv"), &other);
    let out = niemyet(tmp.path(), &["import", "sheet", "tep.csv"], 1);
    assert!(
        out.contains(&format!("  --> tep.csv, dòng {}, cột J", birth + 1))
            && out.contains("tệp đó là của mã \"1.000894\""),
        "{out}"
    );
    let headless: Vec<Vec<String>> = rows.iter().map(|r| r[1..].to_vec()).collect();
    write_csv(&tmp.path().join("khong-ma.csv"), &headless);
    let out = niemyet(tmp.path(), &["import", "sheet", "khong-ma.csv"], 1);
    assert!(
        out.contains("dòng tiêu đề không có cột \"Mã thủ tục\"\n  --> khong-ma.csv, dòng 1"),
        "{out}"
    );
    assert_eq!(tree(&content), before);
}

#[test]
fn bad_values_are_refused_before_writing() {
    let (tmp, content) = sample_exported(&["--format", "csv"]);
    let mut rows = read_csv(&tmp.path().join(CSV));
    rows[1][8] = "31/02/2026".into();
    rows[2][5] = "nửa vời".into();
    rows[3][1] = String::new();
    rows[4].push("ghi chú".into());
    rows[0].push("Ghi chú".into());
    write_csv(&tmp.path().join("sai.csv"), &rows);
    let before = tree(&content);
    let out = niemyet(tmp.path(), &["import", "sheet", "sai.csv"], 1);
    for want in [
        "ngày không hợp lệ: \"31/02/2026\"",
        "--> sai.csv, dòng 2, cột I",
        "mức độ trực tuyến \"nửa vời\" không phải một giá trị cho phép",
        "= cách sửa: ghi một trong: toàn trình, một phần, không",
        "--> sai.csv, dòng 3, cột F",
        "ô trống nhưng hồ sơ đang ghi",
        "--> sai.csv, dòng 4, cột B",
        "ghi chú: sai.csv, dòng 1, cột K: cột \"Ghi chú\" không phải cột của danh sách thủ tục, bỏ qua",
    ] {
        assert!(out.contains(want), "missing {want}\n{out}");
    }
    assert_eq!(tree(&content), before);
}

#[test]
fn dry_run_writes_nothing() {
    let (tmp, content) = sample_exported(&["--output", "ds.csv"]);
    let mut rows = read_csv(&tmp.path().join("ds.csv"));
    let birth = row_of(&rows, "thu-tuc/ho-tich/dang-ky-khai-sinh.md");
    rows[birth][5] = "Trực tuyến một phần".into();
    write_csv(&tmp.path().join("ds.csv"), &rows);
    let before = tree(&content);
    let out = niemyet(tmp.path(), &["import", "sheet", "ds.csv", "--dry-run"], 0);
    assert!(
        out.contains("dang-ky-khai-sinh.md: muc_do_truc_tuyen: \"toàn trình\" → \"một phần\""),
        "{out}"
    );
    assert!(
        out.contains("Chạy thử: sẽ sửa 1 giá trị trong 1 tệp"),
        "{out}"
    );
    assert_eq!(tree(&content), before);
    // Without --dry-run the same sheet is written.
    niemyet(tmp.path(), &["import", "sheet", "ds.csv"], 0);
    assert_ne!(tree(&content), before);
}

#[test]
fn cells_a_spreadsheet_took_for_numbers_and_dates_read_as_typed() {
    let (tmp, content) = sample_exported(&[]);
    let rows = read_xlsx(&tmp.path().join(XLSX));
    let birth = row_of(&rows, "thu-tuc/ho-tich/dang-ky-khai-sinh.md");
    let path = tmp.path().join("excel.xlsx");
    // As Excel keeps what an officer typed into a cell not formatted as text: the code
    // a number, the date a date.
    let write = |code: f64| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, cell).expect("cell");
            }
        }
        let r = birth as u32;
        sheet.write_number(r, 0, code).expect("code");
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 8, 15).expect("date");
        let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        sheet
            .write_datetime_with_format(r, 8, &date, &format)
            .expect("date cell");
        book.save(&path).expect("save");
    };
    write(1.001193);
    let before = tree(&content);
    let out = niemyet(tmp.path(), &["import", "sheet", "excel.xlsx"], 0);
    assert!(
        out.contains("dang-ky-khai-sinh.md: ngay_hieu_luc: \"01/07/2025\" → \"15/08/2026\""),
        "{out}"
    );
    assert_eq!(
        changed(&before, &tree(&content))["thu-tuc/ho-tich/dang-ky-khai-sinh.md"],
        pairs(&[("ngay_hieu_luc: 01/07/2025", "ngay_hieu_luc: 15/08/2026")])
    );
    // A code whose last zero the number lost is not guessed at.
    write(1.00002);
    let before = tree(&content);
    let out = niemyet(tmp.path(), &["import", "sheet", "excel.xlsx"], 1);
    assert!(
        out.contains("mã bị bảng tính đổi thành số 1.00002")
            && out.contains(&format!(
                "--> excel.xlsx, trang \"Sheet1\", dòng {}, cột A",
                birth + 1
            )),
        "{out}"
    );
    assert_eq!(tree(&content), before);
}
