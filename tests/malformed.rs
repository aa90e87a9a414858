//! Drives the real `niemyet` binary over the corpus of malformed records in
//! `tests/malformed/` and checks that every expected diagnostic is reported, at the right
//! line and field, with the right severity and wording.
//!
//! Each case is one record file. Its expectations are YAML comments at the top of the file
//! (for `.md` cases, the first lines inside the front matter, after the opening `---`):
//!
//! ```text
//! # expect: line=12 field=cach_thuc_thuc_hien[1].phi_le_phi[0].muc_thu message~=không được âm
//! # expect: line=3 field=ten_thu_tuk message~=không có trong mẫu fix~=có phải ý bạn là "ten_thu_tuc"
//! # known-issue: what the tool gets wrong in this file (not asserted)
//! # only: the expectations above are all that is reported on this file (one mistake,
//! #       one message); the text after "only:" says why
//! # note: any other comment
//! ```
//!
//! Keys of an expectation:
//! - `line=N`: 1-based line in the case file. May be left out only in a case that carries a
//!   `# known-issue:` line explaining why the reported line is not asserted.
//! - `column=N` (optional): 1-based column, in characters.
//! - `field=PATH`: the exact field path (`field=` alone for the whole file).
//! - `severity=warning|error` (default `error`).
//! - `file=NAME` (optional): the file the diagnostic is reported on, when it is not the case
//!   file itself (a duplicate code is reported on the record that sorts later).
//! - `message~=TEXT` / `fix~=TEXT`: substrings of the message / fix; each runs to the end of
//!   the line or to the next ` fix~=` / ` message~=`.
//!
//! A case that needs more than one file (a loop between records, a broken `site.yaml`) is a
//! folder laid out like `content/`; its files are copied over the base tree and each file
//! carries its own expectations, on that file unless `file=` says otherwise.
//!
//! A case that expects any error must make `check` exit with 1; a case that expects only
//! warnings must exit with 0 (the record is otherwise valid). Expectation text is compared in
//! NFC, as the tool normalises every record to NFC on load.

use crate::util::copy_dir;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use unicode_normalization::UnicodeNormalization;

const MIN_CASES: usize = 45;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn niemyet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_niemyet"))
}

#[derive(Debug)]
struct Expect {
    raw: String,
    line: Option<usize>,
    column: Option<usize>,
    field: String,
    severity: String,
    file: Option<String>,
    message: String,
    fix: Option<String>,
}

struct Case {
    path: PathBuf,
    name: String,
    /// The names of the case's files (one, or those of a folder case).
    files: Vec<String>,
    expects: Vec<Expect>,
    known_issues: Vec<String>,
    only: bool,
}

fn cases() -> Vec<PathBuf> {
    let dir = manifest().join("tests/malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.is_dir()
                || p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml" | "md")
                    )
        })
        .collect();
    files.sort();
    files
}

/// Parses `key=value` tokens, then the free-text `message~=` / `fix~=` parts.
fn parse_expect(raw: &str) -> Result<Expect, String> {
    let body = raw.trim();
    let markers = [" message~=", " fix~="];
    let padded = format!(" {body}");
    let first_text = markers
        .iter()
        .filter_map(|m| padded.find(m))
        .min()
        .unwrap_or(padded.len());
    let head = padded[..first_text].trim();
    let tail = &padded[first_text..];
    let mut e = Expect {
        raw: body.to_owned(),
        line: None,
        column: None,
        field: String::new(),
        severity: "error".into(),
        file: None,
        message: String::new(),
        fix: None,
    };
    let mut have_field = false;
    for tok in head.split_whitespace() {
        let (k, v) = tok
            .split_once('=')
            .ok_or_else(|| format!("token without '=': {tok:?}"))?;
        match k {
            "line" => e.line = Some(v.parse().map_err(|_| format!("bad line {v:?}"))?),
            "column" => e.column = Some(v.parse().map_err(|_| format!("bad column {v:?}"))?),
            "field" => {
                e.field = v.to_owned();
                have_field = true;
            }
            "severity" if v == "error" || v == "warning" => e.severity = v.to_owned(),
            "file" => e.file = Some(v.to_owned()),
            _ => return Err(format!("unknown key or value: {tok:?}")),
        }
    }
    if !have_field {
        return Err("missing field=".into());
    }
    // Split the free-text part at each marker, in order of appearance.
    let mut rest = tail;
    while !rest.is_empty() {
        let (marker, after) = markers
            .iter()
            .find_map(|m| rest.strip_prefix(m).map(|a| (*m, a)))
            .ok_or_else(|| format!("cannot parse {rest:?}"))?;
        let end = markers
            .iter()
            .filter_map(|m| after.find(m))
            .min()
            .unwrap_or(after.len());
        let text = after[..end].trim().to_owned();
        if text.is_empty() {
            return Err(format!("empty{marker}"));
        }
        match marker {
            " message~=" => e.message = text,
            _ => e.fix = Some(text),
        }
        rest = &after[end..];
    }
    if e.message.is_empty() {
        return Err("missing message~=".into());
    }
    Ok(e)
}

fn load_case(path: &Path) -> Result<Case, String> {
    if path.is_dir() {
        return load_folder_case(path);
    }
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let (expects, known_issues, only) = read_expectations(path)?;
    if expects.is_empty() {
        return Err(format!(
            "{name}: no `# expect:` line at the top of the file"
        ));
    }
    Ok(Case {
        path: path.to_path_buf(),
        files: vec![name.clone()],
        name,
        expects,
        known_issues,
        only,
    })
}

/// A folder case: the expectations of every file in it, each on its own file by default.
fn load_folder_case(path: &Path) -> Result<Case, String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut case = Case {
        path: path.to_path_buf(),
        name: name.clone(),
        files: Vec::new(),
        expects: Vec::new(),
        known_issues: Vec::new(),
        only: false,
    };
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{name}: {e}"))? {
            let p = entry.map_err(|e| format!("{name}: {e}"))?.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            let (expects, known, only) = read_expectations(&p)?;
            case.expects.extend(expects.into_iter().map(|mut e| {
                e.file.get_or_insert_with(|| file.clone());
                e
            }));
            case.known_issues.extend(known);
            case.only |= only;
            case.files.push(file);
        }
    }
    if case.expects.is_empty() {
        return Err(format!(
            "{name}: no file in the folder has an `# expect:` line"
        ));
    }
    Ok(case)
}

/// The `# expect:`, `# known-issue:` and `# only:` lines at the top of one file.
fn read_expectations(path: &Path) -> Result<(Vec<Expect>, Vec<String>, bool), String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let nfc: String = text.nfc().collect();
    let mut lines = nfc.lines().peekable();
    if name.ends_with(".md") && lines.peek().is_some_and(|l| l.trim_end() == "---") {
        lines.next();
    }
    let mut expects = Vec::new();
    let mut known_issues = Vec::new();
    let mut only = false;
    for line in lines.take_while(|l| l.starts_with('#')) {
        only |= line.starts_with("# only:");
        if let Some(raw) = line.strip_prefix("# expect:") {
            expects.push(parse_expect(raw).map_err(|e| format!("{name}: {e} in {line:?}"))?);
        } else if let Some(note) = line.strip_prefix("# known-issue:") {
            known_issues.push(note.trim().to_owned());
        }
    }
    if known_issues.is_empty() {
        if let Some(e) = expects.iter().find(|e| e.line.is_none()) {
            return Err(format!(
                "{name}: `{}` has no line=; leave the line out only with a `# known-issue:` note",
                e.raw
            ));
        }
    }
    Ok((expects, known_issues, only))
}

/// A fresh content tree: the valid base fixture plus, optionally, one case file.
fn content_tree(root: &Path, case: Option<&Path>) -> PathBuf {
    let content = root.join("content");
    copy_dir(&manifest().join("tests/fixtures/base"), &content);
    if let Some(case) = case.filter(|c| c.is_dir()) {
        copy_dir(case, &content);
    } else if let Some(case) = case {
        std::fs::copy(
            case,
            content.join("thu-tuc").join(case.file_name().unwrap()),
        )
        .unwrap();
    }
    content
}

fn check_json(content: &Path) -> (Output, Result<Value, String>) {
    let out = niemyet()
        .arg("check")
        .arg("--content")
        .arg(content)
        .args(["--format", "json"])
        .output()
        .expect("run niemyet");
    let json = serde_json::from_slice::<Value>(&out.stdout).map_err(|e| {
        format!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, json)
}

fn diagnostics(json: &Value) -> Vec<Value> {
    json["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn file_name(d: &Value) -> String {
    Path::new(d["file"].as_str().unwrap_or(""))
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn describe(diags: &[Value]) -> String {
    let mut s = String::new();
    if diags.is_empty() {
        s.push_str("    (no diagnostics)\n");
    }
    for d in diags {
        let _ = writeln!(
            s,
            "    {} {}:{}:{} [{}] {} | fix: {}",
            d["severity"].as_str().unwrap_or("?"),
            file_name(d),
            d["line"],
            d["column"],
            d["field"].as_str().unwrap_or("?"),
            d["message"].as_str().unwrap_or("?"),
            d["fix"].as_str().unwrap_or("-"),
        );
    }
    s
}

fn matches(e: &Expect, case_name: &str, d: &Value) -> bool {
    let want_file = e.file.as_deref().unwrap_or(case_name);
    file_name(d) == want_file
        && d["field"].as_str() == Some(e.field.as_str())
        && d["severity"].as_str() == Some(e.severity.as_str())
        && e.line.is_none_or(|l| d["line"].as_u64() == Some(l as u64))
        && e.column
            .is_none_or(|c| d["column"].as_u64() == Some(c as u64))
        && d["message"]
            .as_str()
            .is_some_and(|m| m.contains(e.message.as_str()))
        && e.fix
            .as_deref()
            .is_none_or(|f| d["fix"].as_str().is_some_and(|have| have.contains(f)))
}

/// Runs one case; `Err` carries a report naming the case and every diagnostic produced.
fn run_case(case: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = content_tree(tmp.path(), Some(&case.path));
    let (out, json) = check_json(&content);
    let code = out.status.code();
    let json = json.map_err(|e| format!("{}: {e}", case.name))?;
    // The first run filled the record cache; the second reads from it and must say
    // exactly the same (a `.nan` once turned into "not stated" on the second run).
    let (again, _) = check_json(&content);
    if (again.status.code(), &again.stdout) != (code, &out.stdout) {
        return Err(format!(
            "case {}: a second check (records from the cache) differs from the first:\nfirst ({code:?}):\n{}\nsecond ({:?}):\n{}",
            case.name,
            String::from_utf8_lossy(&out.stdout),
            again.status.code(),
            String::from_utf8_lossy(&again.stdout)
        ));
    }
    let diags = diagnostics(&json);
    let mut problems = Vec::new();
    for e in &case.expects {
        if !diags.iter().any(|d| matches(e, &case.name, d)) {
            problems.push(format!("  missing: {}", e.raw));
        }
    }
    if case.only {
        let extra: Vec<&Value> = diags
            .iter()
            .filter(|d| {
                case.files.iter().any(|n| file_name(d) == *n)
                    && !case.expects.iter().any(|e| matches(e, &case.name, d))
            })
            .collect();
        if !extra.is_empty() {
            problems.push(format!(
                "  {} diagnostic(s) besides the expected ones (case says `# only:`)",
                extra.len()
            ));
        }
    }
    let errors_expected = case.expects.iter().any(|e| e.severity == "error");
    let want_code = if errors_expected { 1 } else { 0 };
    if code != Some(want_code) {
        problems.push(format!(
            "  exit code {code:?}, expected {want_code} ({})",
            if errors_expected {
                "errors are expected"
            } else {
                "only warnings are expected: the record must otherwise be valid"
            }
        ));
    }
    let counted = diags.iter().filter(|d| d["severity"] == "error").count() as u64;
    if json["errors"].as_u64() != Some(counted) {
        problems.push(format!(
            "  \"errors\": {} but {counted} error diagnostics",
            json["errors"]
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    let mut report = format!("case {}:\n{}\n", case.name, problems.join("\n"));
    if !case.known_issues.is_empty() {
        let _ = writeln!(report, "  known issues: {}", case.known_issues.join(" / "));
    }
    let _ = write!(report, "  diagnostics produced:\n{}", describe(&diags));
    Err(report)
}

#[test]
fn base_fixture_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let content = content_tree(tmp.path(), None);
    let (out, json) = check_json(&content);
    let json = json.unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "base fixture must pass:\n{}",
        describe(&diagnostics(&json))
    );
    assert_eq!(
        json["errors"],
        0,
        "base fixture:\n{}",
        describe(&diagnostics(&json))
    );
    assert_eq!(
        json["warnings"],
        0,
        "base fixture:\n{}",
        describe(&diagnostics(&json))
    );
}

#[test]
fn malformed_corpus() {
    let files = cases();
    assert!(
        files.len() >= MIN_CASES,
        "tests/malformed/ holds {} cases, at least {MIN_CASES} are required",
        files.len()
    );
    let mut failures = Vec::new();
    let mut loaded = Vec::new();
    for f in &files {
        match load_case(f) {
            Ok(c) => loaded.push(c),
            Err(e) => failures.push(e),
        }
    }
    // Case names must stay unique once the numeric prefix is ignored: a renumbered copy
    // would silently test the same thing twice.
    let mut seen = BTreeMap::new();
    for c in &loaded {
        let short = c.name.split_once('-').map_or(c.name.as_str(), |(_, s)| s);
        if let Some(other) = seen.insert(short.to_owned(), c.name.clone()) {
            failures.push(format!("{} and {other} have the same name", c.name));
        }
    }
    for c in &loaded {
        if let Err(e) = run_case(c) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} malformed cases failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// Every file under `dir`, with its bytes, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if entry.file_type().unwrap().is_dir() {
                out.insert(rel.join(""), Vec::new());
                walk(root, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("out");
    let good = content_tree(&tmp.path().join("good"), None);
    let first = niemyet()
        .arg("build")
        .arg("--content")
        .arg(&good)
        .arg("--output")
        .arg(&output)
        .args(["--as-of", "2025-11-01"])
        .output()
        .unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "building the valid base tree failed:\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = snapshot(&output);
    assert!(
        before
            .keys()
            .any(|p| p.extension().is_some_and(|e| e == "html")),
        "the first build wrote no HTML: {:?}",
        before.keys().collect::<Vec<_>>()
    );
    let siblings = entries(tmp.path());

    // A syntax error, a front-matter error and a record full of semantic errors.
    let broken_cases: Vec<PathBuf> = cases()
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.contains("yaml-bad-indent")
                || n.contains("md-unclosed-front-matter")
                || n.contains("many-independent-errors")
        })
        .collect();
    assert_eq!(broken_cases.len(), 3, "broken cases: {broken_cases:?}");
    for (i, case) in broken_cases.iter().enumerate() {
        let content = content_tree(&tmp.path().join(format!("broken{i}")), Some(case));
        let out = niemyet()
            .arg("build")
            .arg("--content")
            .arg(&content)
            .arg("--output")
            .arg(&output)
            .args(["--as-of", "2025-11-01"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "build of a broken tree ({}) must exit 1; stderr:\n{stderr}",
            case.display()
        );
        let name = case.file_name().unwrap().to_string_lossy();
        assert!(
            stderr.contains(name.as_ref()),
            "build must report the broken file {name}; stderr:\n{stderr}"
        );
        let after = snapshot(&output);
        assert!(
            before == after,
            "a failed build ({name}) changed the output folder: added/changed {:?}, removed {:?}",
            after
                .iter()
                .filter(|(k, v)| before.get(*k) != Some(*v))
                .map(|(k, _)| k)
                .collect::<Vec<_>>(),
            before
                .keys()
                .filter(|k| !after.contains_key(*k))
                .collect::<Vec<_>>()
        );
        let mut now = entries(tmp.path());
        now.retain(|e| !e.starts_with("broken"));
        assert_eq!(
            now, siblings,
            "a failed build ({name}) left files next to the output folder"
        );
    }
}
