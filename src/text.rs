//! Vietnamese text handling shared by every stage.
//!
//! Record text is *data*: it is normalised to NFC on load and shown with all its
//! diacritics. Only search keys and URL slugs are folded (marks stripped, `đ` → `d`).
//! The same folding rules are mirrored in the search client (`themes/*/static/search.js`);
//! change both together.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Normalise to NFC and tidy what officers paste from Word: non-breaking and other
/// exotic spaces become plain spaces, smart quotes stay (they are legitimate text).
pub fn normalize(input: &str) -> String {
    // Almost every file is already clean NFC: one cheap scan proves it and skips the
    // (much slower) normalisation tables.
    if all_plain_nfc(input) {
        return input.to_owned();
    }
    use unicode_normalization::IsNormalized;
    let text: String = match unicode_normalization::is_nfc_quick(input.chars()) {
        IsNormalized::Yes => input.to_owned(),
        _ => input.nfc().collect(),
    };
    if !text.contains(|c| c == '\r' || is_odd_space(c)) {
        return text;
    }
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| if is_odd_space(c) { ' ' } else { c })
        .collect()
}

/// A character that can appear in NFC text without a look at its neighbours and needs
/// no tidying: below U+0300 (before the combining marks), a precomposed letter of Latin
/// Extended Additional (U+1E00–U+1EFF, where Vietnamese ạ…ỹ live), or common punctuation
/// (dashes, quotes, …, arrows). None of these composes with the character before it.
fn is_plain_nfc(c: char) -> bool {
    (c < '\u{0300}' && c != '\r' && c != '\u{00A0}')
        || ('\u{1E00}'..='\u{1EFF}').contains(&c)
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{2190}'..='\u{21FF}').contains(&c)
}

/// `input.chars().all(is_plain_nfc)`, decoding only the non-ASCII characters (a
/// Vietnamese file is mostly ASCII bytes; this scan runs over every file read).
fn all_plain_nfc(input: &str) -> bool {
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b == b'\r' {
                return false;
            }
            i += 1;
            continue;
        }
        match input[i..].chars().next() {
            Some(c) if is_plain_nfc(c) => i += c.len_utf8(),
            _ => return false,
        }
    }
    true
}

fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2000}'..='\u{200A}' | '\u{3000}'
    )
}

/// Fold for matching: lower case, diacritics stripped, `đ` → `d`, anything that is not
/// a letter or digit becomes a single space. "Đăng ký" → "dang ky".
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    let mut take = |c: char| {
        if is_combining_mark(c) {
            return;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    };
    // Each character is decomposed on its own: the marks are dropped, so the reordering a
    // whole-string NFD would do cannot change the result, and search indexes every name
    // and document of a province through here.
    for c in input.chars() {
        if c.is_ascii() {
            take(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, &mut take);
        }
    }
    out
}

/// Search key of one folded word: spellings citizens use interchangeably become equal.
/// A final `y` after a consonant (or after `qu`) is written `i`: "ký"/"kí" → `ki`,
/// "lý"/"lí" → `li`, "quy"/"qui" → `qui`; "tay", "thuy", "y" keep their `y`.
/// Mirrored by `variantKey` in `search.js`.
pub fn variant_key(word: &str) -> String {
    let Some(stem) = word.strip_suffix('y') else {
        return word.to_owned();
    };
    let after_consonant = stem.ends_with("qu")
        || stem
            .chars()
            .last()
            .is_some_and(|c| "bcdghklmnpqrstvx".contains(c));
    if after_consonant {
        format!("{stem}i")
    } else {
        word.to_owned()
    }
}

/// Search terms of a text: folded words, each through [`variant_key`].
/// "Đăng ký khai sinh" → `["dang", "ki", "khai", "sinh"]`. Mirrored by `terms` in `search.js`.
pub fn search_terms(input: &str) -> Vec<String> {
    fold(input)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(variant_key)
        .collect()
}

/// Exact-match key of a code: folded, without spaces or punctuation.
/// "1.001193" → `1001193`, "TP-HT-2020-TKKS" → `tpht2020tkks`, "CT01" → `ct01`.
pub fn code_key(input: &str) -> String {
    fold(input).replace(' ', "")
}

/// A code as an officer may retype it: lower case, without spaces or punctuation, but
/// with every diacritic and `đ` kept ("TP/HT-2020-TKKS" and "tp-ht 2020 tkks" agree;
/// "Mẫu số 1đ" and "Mẫu số 1d" do not). Codes match exactly; this only finds the code an
/// officer meant, to say what to write instead.
pub fn loose_code(input: &str) -> String {
    input
        .nfc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Longest automatic slug, in bytes; long official names are cut at a word.
pub const SLUG_MAX: usize = 80;

/// URL slug: folded words joined by `-`, at most `max` bytes, cut at a word boundary.
pub fn slugify(input: &str, max: usize) -> String {
    let folded = fold(&deunicode::deunicode(&fold_keep_case(input)));
    let mut slug = String::new();
    for word in folded.split(' ').filter(|w| !w.is_empty()) {
        let extra = if slug.is_empty() { 0 } else { 1 } + word.len();
        if !slug.is_empty() && slug.len() + extra > max {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    slug
}

/// `fold` without lower-casing or punctuation handling; only marks and `đ`.
fn fold_keep_case(input: &str) -> String {
    input
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// `s` as a YAML double-quoted scalar, which reads back as `s` whatever it holds
/// (colons, quotes, `#`, leading dashes): a JSON string is one.
pub fn yaml_quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Whether `s` shows nothing on a page: only whitespace, or characters that take no
/// room (zero-width space and joiners, word joiner, byte-order mark, soft hyphen).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
            )
    })
}

/// Format an amount the Vietnamese way: `1.000.000`, decimals after a comma.
pub fn format_amount(value: f64) -> String {
    let negative = value < 0.0;
    let value = value.abs();
    let cents = (value * 100.0).round() as u128;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    if frac != 0 {
        out.push_str(&format!(",{frac:02}"));
    }
    if negative {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fold` as first written: whole-string NFD, then marks dropped.
    fn fold_by_nfd(input: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for c in input.nfd().filter(|c| !is_combining_mark(*c)) {
            let c = if matches!(c, 'đ' | 'Đ') { 'd' } else { c };
            if c.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(c.to_lowercase());
            } else {
                pending_space = true;
            }
        }
        out
    }

    #[test]
    fn per_character_fold_equals_whole_string_nfd() {
        let every: String = (0u32..0x3_0000).filter_map(char::from_u32).collect();
        assert_eq!(fold(&every), fold_by_nfd(&every));
        for s in [
            "Đăng ký khai sinh",
            "Đa\u{0323}\u{0302}ng ky\u{0301} — ĐỒNG/bản; Ω Å ﬁ ㈱ 각",
            "e\u{0301}\u{0323}\u{0302} o\u{031B}\u{0300}",
        ] {
            assert_eq!(fold(s), fold_by_nfd(s), "{s}");
        }
    }

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd: String = "Đăng ký khai sinh".nfd().collect();
        assert_ne!(nfd, "Đăng ký khai sinh");
        assert_eq!(normalize(&nfd), "Đăng ký khai sinh");
    }

    #[test]
    fn fast_path_agrees_with_full_nfc() {
        for s in [
            "Đăng ký — “khai sinh” → nộp… ạ ỹ",
            "Cafe\u{0301} → e\u{0301}",
            "Ω\u{2126} \u{2000}",
            "Lệ phí: 8.000 đồng/bản – miễn",
            "ấp\u{00A0}",
        ] {
            assert_eq!(all_plain_nfc(s), s.chars().all(is_plain_nfc), "{s:?}");
            let want: String = s
                .nfc()
                .map(|c| if is_odd_space(c) { ' ' } else { c })
                .collect();
            assert_eq!(normalize(s), want, "{s:?}");
        }
    }

    #[test]
    fn byte_scan_agrees_with_char_scan() {
        for s in ["a\rb", "ấp\u{00A0}", "Đăng ký — “x” →", "e\u{0301}", "ab"] {
            assert_eq!(all_plain_nfc(s), s.chars().all(is_plain_nfc), "{s:?}");
        }
    }

    #[test]
    fn word_paste_spaces_are_plain() {
        assert_eq!(normalize("Lệ\u{00A0}phí\r\n"), "Lệ phí\n");
    }

    #[test]
    fn fold_strips_marks_and_d() {
        assert_eq!(fold("Đăng ký KHAI SINH"), "dang ky khai sinh");
        assert_eq!(
            fold("  Xác nhận, tình trạng hôn nhân! "),
            "xac nhan tinh trang hon nhan"
        );
        assert_eq!(fold("CT01"), "ct01");
        assert_eq!(fold("1.001193"), "1 001193");
    }

    #[test]
    fn variants_i_y_after_consonants() {
        assert_eq!(variant_key("ky"), "ki");
        assert_eq!(variant_key("ki"), "ki");
        assert_eq!(variant_key("ly"), "li");
        assert_eq!(variant_key("quy"), "qui");
        assert_eq!(variant_key("tay"), "tay");
        assert_eq!(variant_key("thuy"), "thuy");
        assert_eq!(variant_key("y"), "y");
        assert_eq!(variant_key("quyen"), "quyen");
        assert_eq!(variant_key(""), "");
    }

    #[test]
    fn search_terms_fold_and_unify_spellings() {
        assert_eq!(
            search_terms("Đăng ký khai sinh"),
            ["dang", "ki", "khai", "sinh"]
        );
        assert_eq!(
            search_terms("dang ki khai sinh"),
            search_terms("ĐĂNG KÝ KHAI SINH")
        );
        assert_eq!(search_terms("Quy định"), search_terms("qui dinh"));
        assert_eq!(
            search_terms("  xác nhận, độc thân! "),
            ["xac", "nhan", "doc", "than"]
        );
        assert_eq!(search_terms("Mẫu CT01"), ["mau", "ct01"]);
        assert!(search_terms(" — ; ").is_empty());
        // Decomposed input (NFD, as some phones send it) gives the same terms.
        let nfd: String = "Chứng thực bản sao".nfd().collect();
        assert_eq!(search_terms(&nfd), ["chung", "thuc", "ban", "sao"]);
    }

    #[test]
    fn code_keys_ignore_punctuation_and_case() {
        assert_eq!(code_key("1.001193"), "1001193");
        assert_eq!(code_key("TP-HT-2020-TKKS"), "tpht2020tkks");
        assert_eq!(code_key("ct01"), code_key("CT01"));
    }

    #[test]
    fn slug_is_ascii_and_cut_at_words() {
        assert_eq!(slugify("Đăng ký khai sinh", 80), "dang-ky-khai-sinh");
        assert_eq!(slugify("Đăng ký khai sinh", 12), "dang-ky-khai");
        assert_eq!(
            slugify("Chứng thực bản sao từ bản chính", 80),
            "chung-thuc-ban-sao-tu-ban-chinh"
        );
    }

    #[test]
    fn amounts_use_dots() {
        assert_eq!(format_amount(200000.0), "200.000");
        assert_eq!(format_amount(8000.0), "8.000");
        assert_eq!(format_amount(950.0), "950");
        assert_eq!(format_amount(12.5), "12,50");
    }
}
