//! YAML syntax errors, moved to where the officer should look and said in Vietnamese.
//!
//! libyaml reports where its scanner gave up, which is often a line or more after the
//! mistake: a key without its colon is noticed on the next line, an unclosed quote at
//! the end of the file. Its messages name the earlier position too ("while scanning a
//! simple key at line 5 column 1"); we use it, and recognise the common mistakes.

/// Where and what: 1-based line and column within the YAML text, message, fix.
#[derive(Debug, PartialEq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fix: String,
}

const GENERIC_FIX: &str = "kiểm tra thụt lề (dùng dấu cách, không dùng Tab), dấu hai chấm sau mỗi khóa, và đặt chữ có dấu \":\" hoặc \"#\" trong dấu nháy";

/// `raw` is serde_yaml's message, `at` its location (1-based), `yaml` the text parsed.
pub fn locate(raw: &str, at: Option<(usize, usize)>, yaml: &str) -> Located {
    let (line, column) = at.unwrap_or((1, 1));
    if let Some(key) = duplicate_key(raw) {
        let second = key_lines(yaml, &key).get(1).copied();
        return Located {
            line: second.map_or(line, |(l, _)| l),
            column: second.map_or(column, |(_, c)| c),
            message: format!("khóa \"{key}\" ghi hai lần"),
            fix: "trong một nhóm, mỗi khóa chỉ ghi một lần: giữ một dòng, xóa hoặc gộp dòng kia"
                .to_owned(),
        };
    }
    if raw.contains("more than one document") {
        // serde_yaml names no place: the separator line is where the second one starts.
        if let Some(l) = yaml
            .lines()
            .enumerate()
            .skip(1)
            .find(|(_, l)| matches!(l.trim_end(), "---" | "...") || l.starts_with("--- "))
            .map(|(i, _)| i + 1)
        {
            return Located {
                line: l,
                column: 1,
                message: "tệp có nhiều hơn một tài liệu YAML (dòng --- hoặc ... ở giữa tệp)"
                    .to_owned(),
                fix: "mỗi tệp một thủ tục: xóa dòng này, hoặc tách phần sau nó thành tệp riêng"
                    .to_owned(),
            };
        }
    }
    if raw.contains("could not find expected ':'") {
        if let Some((l, c)) = while_scanning(raw, "a simple key") {
            return Located {
                line: l,
                column: c,
                message: "thiếu dấu hai chấm sau khóa".to_owned(),
                fix: "viết khóa, dấu hai chấm, một dấu cách rồi giá trị, ví dụ: linh_vuc: Hộ tịch"
                    .to_owned(),
            };
        }
    }
    let quote = while_scanning(raw, "a quoted scalar").or_else(|| unclosed_quote(yaml, line));
    if let Some((l, c)) = quote {
        return Located {
            line: l,
            column: c,
            message: "dấu nháy mở ở đây chưa được đóng".to_owned(),
            fix: "thêm dấu nháy đóng ở cuối giá trị (cùng loại với dấu mở), hoặc bỏ dấu nháy mở"
                .to_owned(),
        };
    }
    // An unclosed [ or {: libyaml names where it opened.
    let flow = while_parsing(raw, "a flow sequence")
        .map(|at| (at, "]"))
        .or_else(|| while_parsing(raw, "a flow mapping").map(|at| (at, "}")));
    if let Some(((l, c), close)) = flow {
        return Located {
            line: l,
            column: c,
            message: format!(
                "danh sách mở ở đây viết sai: thiếu dấu {close}, thiếu dấu phẩy, hoặc dấu nháy lệch"
            ),
            fix: format!(
                "mỗi mục trong một cặp dấu nháy, các mục cách nhau bằng dấu phẩy, đóng bằng {close}, ví dụ: [\"chứng thực\", \"bản sao\"]"
            ),
        };
    }
    let (message, fix) = match KNOWN.iter().find(|(en, _, _)| raw.contains(en)) {
        Some((_, vi, fix)) => ((*vi).to_owned(), (*fix).to_owned()),
        // libyaml's rarer messages are English and name its grammar, not the officer's
        // mistake: the place is what helps.
        None => (
            "YAML viết sai ở đây: không đọc được tiếp từ chỗ này".to_owned(),
            GENERIC_FIX.to_owned(),
        ),
    };
    Located {
        line,
        column,
        message,
        fix,
    }
}

/// libyaml's commonest messages, in words an officer knows.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "found character that cannot start any token",
        "có ký tự không dùng được ở đầu giá trị (thường là phím Tab, hoặc @, `)",
        "thụt lề bằng dấu cách, không dùng Tab; chữ bắt đầu bằng @ hoặc ` thì đặt trong dấu nháy",
    ),
    (
        "mapping values are not allowed in this context",
        "giá trị có dấu hai chấm \": \" ở giữa",
        "đặt cả giá trị trong dấu nháy, ví dụ: ghi_chu: \"Lưu ý: mang bản chính\"",
    ),
    (
        "did not find expected key",
        "dòng này thụt lề không khớp với các khóa cùng cấp",
        "các khóa cùng cấp phải thẳng cột; mục của danh sách bắt đầu bằng \"- \" thụt đều nhau",
    ),
    (
        "did not find expected '-' indicator",
        "mục của danh sách phải bắt đầu bằng \"- \"",
        "mỗi mục một dòng, bắt đầu bằng dấu gạch và một dấu cách, thẳng cột với mục trên",
    ),
    (
        "unknown anchor",
        "bí danh (*tên) gọi một neo (&tên) chưa có ở phía trên",
        "đặt neo &tên ở giá trị gốc, phía trên chỗ dùng *tên; hoặc viết thẳng nội dung (chữ bắt đầu bằng * thì đặt trong dấu nháy)",
    ),
    (
        "more than one document",
        "tệp có nhiều hơn một tài liệu YAML (một dòng chỉ có --- hoặc ... ở giữa tệp)",
        "mỗi tệp một thủ tục: xóa dòng --- (hoặc ...) ở giữa tệp, hoặc tách thành hai tệp",
    ),
    (
        "expected any YAML value",
        "thẻ !!binary (dữ liệu nhị phân) không dùng được trong hồ sơ",
        "bỏ thẻ !!binary và viết nội dung bằng chữ",
    ),
    (
        "did not find expected alphabetic or numeric character",
        "sau dấu & hoặc * phải là tên neo (chữ hoặc số)",
        "chữ bắt đầu bằng & hoặc * thì đặt cả giá trị trong dấu nháy, ví dụ: \"* Lưu ý\"",
    ),
    (
        "did not find expected comment or line break",
        "sau giá trị còn chữ thừa trên cùng dòng",
        "giá trị có dấu nháy thì mọi chữ phải nằm trong cặp nháy; chữ có dấu \"#\" thì đặt trong dấu nháy",
    ),
    (
        "did not find expected whitespace or line break",
        "sau giá trị còn chữ thừa trên cùng dòng",
        "đặt cả giá trị trong dấu nháy",
    ),
    (
        "did not find expected node content",
        "thiếu giá trị ở chỗ này (sau dấu gạch \"- \", dấu phẩy hoặc dấu hai chấm)",
        "viết giá trị, hoặc xóa dấu thừa; chữ bắt đầu bằng ký tự đặc biệt (! & * | > % @ `) thì đặt trong dấu nháy",
    ),
    (
        "block sequence entries are not allowed in this context",
        "mục danh sách \"- \" đặt sai chỗ (cùng dòng với khóa, hoặc thụt lề lệch)",
        "mục danh sách xuống dòng dưới khóa, thụt vào hai dấu cách, bắt đầu bằng \"- \"",
    ),
    (
        "could not find expected directive name",
        "dòng bắt đầu bằng % không đọc được",
        "chữ bắt đầu bằng % thì đặt trong dấu nháy",
    ),
    (
        "found unexpected ':'",
        "dấu hai chấm \":\" đặt sai chỗ",
        "đặt cả giá trị có dấu hai chấm trong dấu nháy",
    ),
    (
        "found unexpected end of stream",
        "tệp kết thúc giữa chừng (một dấu nháy, [ hoặc { chưa đóng)",
        "đóng dấu nháy hoặc ngoặc đang mở",
    ),
    (
        "recursion limit exceeded",
        "các mức lồng nhau quá sâu (quá 128 mức YAML, khoảng 60 mức điều kiện chi_tiet)",
        "gộp bớt các mức: điều kiện lồng nhau nên không quá vài mức để người đọc theo được",
    ),
    (
        "repetition limit exceeded",
        "các bí danh (*tên) lặp lại quá nhiều lần",
        "viết thẳng nội dung thay vì lặp lại một neo (&tên) nhiều lần",
    ),
    (
        "found a tab character",
        "có ký tự Tab trong phần thụt lề",
        "thụt lề bằng dấu cách, không dùng Tab",
    ),
];

/// "… while parsing <what> at line N column C" → (N, C).
fn while_parsing(raw: &str, what: &str) -> Option<(usize, usize)> {
    let rest = raw.split_once(&format!("while parsing {what} at line "))?.1;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// serde and serde_yaml word a repeated key in a few ways; all quote the key.
fn duplicate_key(raw: &str) -> Option<String> {
    let rest = raw
        .strip_prefix("duplicate field ")
        .or_else(|| raw.split_once("duplicate entry with key ").map(|(_, r)| r))?;
    let key: String = rest
        .trim_start_matches(['`', '"'])
        .chars()
        .take_while(|c| !matches!(c, '`' | '"'))
        .collect();
    (!key.is_empty()).then_some(key)
}

/// "… while scanning <what> at line N column C" → (N, C).
fn while_scanning(raw: &str, what: &str) -> Option<(usize, usize)> {
    let rest = raw
        .split_once(&format!("while scanning {what} at line "))?
        .1;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// Lines (1-based) and columns where `key:` starts a mapping entry.
fn key_lines(yaml: &str, key: &str) -> Vec<(usize, usize)> {
    yaml.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let trimmed = l.trim_start();
            let body = trimmed.strip_prefix("- ").unwrap_or(trimmed);
            let rest = body.strip_prefix(key)?;
            (rest.starts_with(':') || rest.starts_with(" :"))
                .then(|| (i + 1, l.chars().count() - body.chars().count() + 1))
        })
        .collect()
}

/// The first line at or before `upto` whose value opens a double quote it never closes
/// (`key: "text` with no closing `"`).
fn unclosed_quote(yaml: &str, upto: usize) -> Option<(usize, usize)> {
    for (i, l) in yaml.lines().enumerate().take(upto) {
        if l.trim_start().starts_with('#') {
            continue;
        }
        let Some((before, value)) = l.split_once(": ") else {
            continue;
        };
        let v = value.trim();
        if v.starts_with('"') && unescaped_quotes(v) % 2 == 1 {
            return Some((i + 1, before.chars().count() + 3));
        }
    }
    None
}

fn unescaped_quotes(s: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in s.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_colon_points_at_the_key() {
        let raw = "could not find expected ':' at line 6 column 1, while scanning a simple key at line 5 column 1";
        let l = locate(raw, Some((6, 1)), "a: 1\n");
        assert_eq!((l.line, l.column), (5, 1));
        assert_eq!(l.message, "thiếu dấu hai chấm sau khóa");
    }

    #[test]
    fn duplicate_key_points_at_the_second() {
        let yaml = "ma: 1\nlinh_vuc: A\nten: x\nlinh_vuc: B\n";
        let l = locate("duplicate field `linh_vuc`", None, yaml);
        assert_eq!((l.line, l.column), (4, 1));
        assert_eq!(l.message, "khóa \"linh_vuc\" ghi hai lần");
    }

    #[test]
    fn unclosed_list_points_at_its_bracket() {
        let raw = "did not find expected ',' or ']' at line 3 column 1, while parsing a flow sequence at line 2 column 13";
        let l = locate(raw, Some((3, 1)), "a: 1\nma_thu_tuc: [\"1\"\nb: 2\n");
        assert_eq!((l.line, l.column), (2, 13));
        assert!(l.message.contains("thiếu dấu ]"), "{}", l.message);
    }

    #[test]
    fn unclosed_quote_points_at_its_line() {
        let yaml = "a: 1\nlinh_vuc: \"Hộ tịch\nten: x\nb: \"ok\"\n";
        let l = locate(
            "did not find expected key at line 9 column 1",
            Some((9, 1)),
            yaml,
        );
        assert_eq!((l.line, l.column), (2, 11));
        assert!(unescaped_quotes(r#""a \" b""#) == 2);
    }
}
