//! Random broken records, in process: load + validate never panic, and a run that reads
//! records back from the record cache says exactly what a run that parses them says.
//!
//! Records are a valid sample record mutated line by line: a value replaced by one of
//! the inputs that once broke niemyet (`.nan`, `1e30`, `null`, a zero-width space, an
//! alias, a year 10000…), lines deleted, duplicated or swapped, punctuation inserted.
//!
//! Budgets come from the environment, so `cargo test` stays quick and `.ci/run` runs
//! longer: `NIEMYET_FUZZ_SECONDS` (load + validate, default 3) and
//! `NIEMYET_PROPTEST_CASES` (cached against uncached, default 48). A failure prints the
//! shrunk record; the fuzz loop prints its seed (`NIEMYET_SEED` replays it).

use niemyet::model::Date;
use niemyet::read::SourceFile;
use niemyet::{checked, parse_record, render_json, render_text, Source};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const VALUES: &[&str] = &[
    ".nan",
    ".inf",
    "-.inf",
    "1e30",
    "1.0e+308",
    "-1",
    "0",
    "1.5",
    "0.333",
    "1000.125",
    "99999999999999999999",
    "0x10",
    "+.5",
    "null",
    "~",
    "\"\"",
    "\"\u{200b}\"",
    "\"\u{feff}\"",
    "[]",
    "{}",
    "[null]",
    "[~, \"\"]",
    "\"—\"",
    "\"(*)\"",
    "true",
    "2025-13-01",
    "\"-0001-01-01\"",
    "\"+10000-01-01\"",
    "01/01/1899",
    "&a x",
    "*a",
    "*missing",
    "!!binary aGk=",
    "\"<script>alert(1)</script>\"",
    "'=HYPERLINK(\"http://x\")'",
    "\"1.000001\"",
    "\"1.000002\"",
    "[\"1.000001\"]",
    "{ so: .nan, don_vi: ngày }",
    "{ so: 1e30, don_vi: giờ }",
    "{ loai: Phí, muc_thu: .nan }",
    "|\n  dòng một\n  - dòng hai",
    "\"\\t=1+1\"",
    "'@SUM(1)'",
    "Đăng ký khai sinh",
    "dang-ky-khai-sinh",
    "trang-2",
    "\"a\\u0000b\"",
];

const NOISE: &[&str] = &[
    ":", "- ", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", "\"", "#", "\t", "\n", " ",
    "<<: ", "%", "@", "`", "ă", "đ", "\u{301}", "\u{200b}", "…", "\r",
];

/// Words of serde's and libyaml's English messages, which must never reach an officer.
const ENGLISH: &[&str] = &[
    "expected",
    "invalid type",
    "invalid value",
    "while ",
    "unknown variant",
    "unknown field",
    "unknown anchor",
    "recursion limit",
    "not supported",
    "found unexpected",
    "did not find",
];

#[derive(Debug, Clone)]
enum Edit {
    Value(usize, usize),
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 0..VALUES.len()).prop_map(|(l, v)| Edit::Value(l, v)),
        1 => any::<usize>().prop_map(Edit::Delete),
        1 => any::<usize>().prop_map(Edit::Duplicate),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        2 => (any::<usize>(), any::<usize>(), 0..NOISE.len())
            .prop_map(|(l, c, n)| Edit::Insert(l, c, n)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for e in edits {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match *e {
            Edit::Value(l, v) => {
                // Among lines that hold a value, so that most edits reach a field.
                let valued: Vec<usize> = (0..n)
                    .filter(|&i| lines[i].contains(": ") || lines[i].trim_start().starts_with("- "))
                    .collect();
                let Some(&i) = valued.get(l % valued.len().max(1)) else {
                    continue;
                };
                let line = &mut lines[i];
                if let Some(i) = line.find(": ") {
                    line.truncate(i + 2);
                    line.push_str(VALUES[v]);
                } else if let Some(rest) = line.trim_start().strip_prefix("- ") {
                    let indent = line.len() - line.trim_start().len();
                    let _ = rest;
                    *line = format!("{}- {}", " ".repeat(indent), VALUES[v]);
                }
            }
            Edit::Delete(l) => {
                lines.remove(l % n);
            }
            Edit::Duplicate(l) => {
                let copy = lines[l % n].clone();
                lines.insert(l % n, copy);
            }
            Edit::Swap(a, b) => lines.swap(a % n, b % n),
            Edit::Insert(l, c, k) => {
                let line = &mut lines[l % n];
                let at = line
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain(std::iter::once(line.len()))
                    .nth(c % (line.chars().count() + 1))
                    .unwrap_or(0);
                line.insert_str(at, NOISE[k]);
            }
        }
    }
    lines.join("\n") + "\n"
}

/// A few real records of the sample: short and long, YAML and Markdown.
fn seeds() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "tests/fixtures/base/thu-tuc/companion.yaml",
        "content/thu-tuc/ho-tich/cap-giay-xac-nhan-tinh-trang-hon-nhan.md",
        "content/thu-tuc/bao-tro-xa-hoi/ho-tro-chi-phi-mai-tang.yaml",
    ]
    .iter()
    .map(|p| {
        let name = Path::new(p)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        (
            name,
            std::fs::read_to_string(root.join(p)).expect("seed record"),
        )
    })
    .collect()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn case() -> impl Strategy<Value = (usize, Vec<Edit>)> {
    (0..3usize, prop::collection::vec(edit(), 1..4))
}

#[test]
fn load_and_validate_never_panic() {
    let seeds = seeds();
    let budget = Duration::from_secs(env_number("NIEMYET_FUZZ_SECONDS", 3));
    let start = Instant::now();
    let runs = std::cell::Cell::new(0u64);
    let seed = env_number(
        "NIEMYET_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    );
    eprintln!("fuzz: NIEMYET_SEED={seed}");
    let mut batch = 0u64;
    while start.elapsed() < budget {
        batch += 1;
        // A fresh runner per batch: a runner runs its `cases` once.
        let mut runner = TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(seed.wrapping_add(batch)),
            ..Config::default()
        });
        let result = runner.run(&case(), |(seed, edits)| {
            runs.set(runs.get() + 1);
            let (name, text) = &seeds[seed];
            let text = apply(text, &edits);
            let parsed = parse_record(SourceFile::new(PathBuf::from(name), &text));
            // Both reports, so snippets of any shape are cut and printed.
            let _ = render_text(&parsed.diagnostics);
            let _ = render_json(&parsed.diagnostics);
            for d in &parsed.diagnostics.0 {
                let said = format!("{} | {}", d.message, d.fix.as_deref().unwrap_or(""));
                let english = ENGLISH.iter().find(|w| said.contains(*w));
                prop_assert!(english.is_none(), "English in a diagnostic: {said}\n{text}");
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("load + validate failed: {e}");
        }
    }
    let runs = runs.get();
    eprintln!(
        "fuzz: {runs} mutated records through load + validate in {:.1} s, 0 panics",
        start.elapsed().as_secs_f64()
    );
}

#[test]
fn a_cached_check_equals_an_uncached_one() {
    let seeds = seeds();
    let site = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base/site.yaml"),
    )
    .expect("site.yaml");
    let as_of = Date::parse("2025-11-01").expect("date");
    let cases = env_number("NIEMYET_PROPTEST_CASES", 48) as u32;
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |(seed, edits)| {
        let (name, text) = &seeds[seed];
        let text = apply(text, &edits);
        let tmp = tempfile::tempdir().expect("tmp");
        let content = tmp.path().join("content");
        std::fs::create_dir_all(content.join("thu-tuc")).expect("mkdir");
        std::fs::write(content.join("site.yaml"), &site).expect("site");
        std::fs::write(content.join("thu-tuc").join(name), &text).expect("record");
        let run = || {
            let c = checked(Source::Dir(content.clone()), as_of).expect("check");
            let records: Vec<String> = c
                .catalogue
                .as_ref()
                .map(|cat| {
                    cat.entries
                        .iter()
                        .map(|e| format!("{:?}", e.procedure))
                        .collect()
                })
                .unwrap_or_default();
            (render_json(&c.diagnostics), records)
        };
        let first = run();
        let second = run();
        prop_assert_eq!(
            &first.0,
            &second.0,
            "diagnostics differ once cached:\n{}",
            text
        );
        prop_assert_eq!(
            &first.1,
            &second.1,
            "published records differ once cached:\n{}",
            text
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("cached against uncached: {cases} mutated records, all equal");
}
