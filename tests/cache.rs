//! The build cache (`src/cache/`): rebuilds that reuse parsed records, pages, the
//! search index and open data must write exactly what a build without any cache writes.

#[path = "../benches/synth.rs"]
#[allow(dead_code)]
mod synth;

use crate::util::{build_with, content_tree, copy_dir, read, tree, FULL_RECORD};
use niemyet::model::Procedure;
use niemyet::read::RecordCache;
use niemyet::read::{parse_record, parse_record_cached, read_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every record of the sample and of a synthetic catalogue reads back from its cached
/// form equal to what the YAML parser made.
#[test]
fn cached_records_equal_parsed_ones() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let synthetic = tmp.path().join("synth");
    synth::generate(&synthetic, 60).expect("generate");
    let mut records = read_dir(&crate::util::sample_content())
        .expect("sample")
        .records;
    records.extend(read_dir(&synthetic).expect("synthetic").records);
    assert!(records.len() > 100);

    let cache_dir = tmp.path().join("cache");
    let cache = RecordCache::open(Some(&cache_dir));
    for file in &records {
        let (parsed, diags) = parse_record(file);
        let parsed = parsed.expect("sample records load");
        assert!(diags.0.is_empty(), "{}: {:?}", file.path.display(), diags.0);
        let json = serde_json::to_string(&*parsed.procedure).expect("to json");
        let back: Procedure = serde_json::from_str(&json).expect("from json");
        assert_eq!(back, *parsed.procedure, "{}", file.path.display());
        parse_record_cached(file, &cache);
    }
    assert_eq!(cache.hits(), 0);
    cache.save();

    let cache = RecordCache::open(Some(&cache_dir));
    for file in &records {
        let (cached, _) = parse_record_cached(file, &cache);
        let (parsed, _) = parse_record(file);
        assert_eq!(
            cached.expect("cached").procedure,
            parsed.expect("parsed").procedure,
            "{}",
            file.path.display()
        );
    }
    assert_eq!(cache.hits(), records.len(), "every clean record was kept");
}

/// A record with a mistake is never cached: its messages always come from the parser.
#[test]
fn records_with_diagnostics_are_parsed_every_time() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let broken = FULL_RECORD.replace("ten_than_thien:", "ten_than_thienn:");
    let content = content_tree(tmp.path(), &[("a.md", &broken)]);
    let files = read_dir(&content).expect("read").records;
    let cache = RecordCache::open(Some(&tmp.path().join("cache")));
    for _ in 0..2 {
        let (_, diags) = parse_record_cached(&files[0], &cache);
        assert!(!diags.0.is_empty());
    }
    assert_eq!(cache.hits(), 0);
}

/// What `--timings` says a build reused.
#[derive(Debug, PartialEq)]
struct Reused {
    /// Records read back instead of parsed.
    records: usize,
    /// Files left as they were.
    kept: usize,
    /// Per-procedure pieces of the search index and open data read back.
    pieces: usize,
}

const NOTHING: Reused = Reused {
    records: 0,
    kept: 0,
    pieces: 0,
};

fn cache_counts(o: &std::process::Output) -> Reused {
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.contains("bộ nhớ đệm:"))
        .unwrap_or_else(|| panic!("no cache line in:\n{out}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    Reused {
        records: numbers[0],
        kept: numbers[1],
        pieces: numbers[2],
    }
}

fn timed(content: &Path, out: &Path) -> Reused {
    timed_at(content, out, &[])
}

fn timed_at(content: &Path, out: &Path, args: &[&str]) -> Reused {
    let args: Vec<&str> = ["--timings", "--quiet"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    cache_counts(&build_with(content, out, &args))
}

/// What `content` builds to (with `args`) with no cache at all: a copy in a fresh folder.
fn clean_build(content: &Path, args: &[&str]) -> BTreeMap<PathBuf, Vec<u8>> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let copy = tmp.path().join("content");
    copy_dir(content, &copy);
    let templates = content.parent().expect("root").join("templates");
    if templates.is_dir() {
        copy_dir(&templates, &tmp.path().join("templates"));
    }
    let out = tmp.path().join("out");
    assert_eq!(
        timed_at(&copy, &out, args),
        NOTHING,
        "a fresh site has no cache"
    );
    tree(&out)
}

fn assert_same(out: &Path, content: &Path, when: &str) {
    assert_same_at(out, content, &[], when)
}

fn assert_same_at(out: &Path, content: &Path, args: &[&str], when: &str) {
    let (got, want) = (tree(out), clean_build(content, args));
    let differ: Vec<&PathBuf> = want
        .keys()
        .chain(got.keys())
        .filter(|k| got.get(*k) != want.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "{when}: differs from a clean build: {differ:?}"
    );
}

fn page_with(out: &Path, needle: &str) -> Option<PathBuf> {
    crate::util::files_with_ext(&out.join("thu-tuc"), &["html"])
        .into_iter()
        .find(|p| read(p).contains(needle))
}

fn second_record() -> String {
    FULL_RECORD
        .replace("\"1.001193\"", "\"1.000656\"")
        .replace("Thủ tục đăng ký khai sinh", "Thủ tục đăng ký khai tử")
        .replace("Làm giấy khai sinh cho con", "Báo tử cho người thân")
}

#[test]
fn rebuilds_reuse_work_and_write_what_a_clean_build_writes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let second = second_record();
    let content = content_tree(tmp.path(), &[("a.md", FULL_RECORD), ("b.md", &second)]);
    let out = tmp.path().join("out");

    assert_eq!(timed(&content, &out), NOTHING);
    let second = timed(&content, &out);
    assert_eq!(second.records, 2, "second build reads both records back");
    // Search index and open data made again (no memo for this folder yet), each from
    // the pieces the first build kept.
    assert_eq!(second.pieces, 4);
    // The third build is the first into a folder a memo describes.
    let third = timed(&content, &out);
    assert_eq!(third.records, 2);
    assert!(
        third.kept > 10,
        "pages, search index and open data kept: {third:?}"
    );
    assert_eq!(third.pieces, 0, "files kept whole: no piece needed");
    assert_same(&out, &content, "unchanged rebuild");

    // An edit shows in the page, the search index and open data, in every later build
    // (the folder swapped out before the edit must not bring the old page back).
    let edited = FULL_RECORD.replace(
        "Làm giấy khai sinh cho con",
        "Khai sinh cho bé mới chào đời",
    );
    std::fs::write(content.join("thu-tuc/a.md"), edited).expect("edit");
    for round in 0..3 {
        let r = timed(&content, &out);
        assert_eq!(r.records, if round == 0 { 1 } else { 2 }, "round {round}");
        assert!(r.kept > 0 || round == 0);
        if round == 0 {
            assert_eq!(r.pieces, 2, "the unchanged record's terms and data item");
        }
        assert!(page_with(&out, "Khai sinh cho bé mới chào đời").is_some());
        assert!(page_with(&out, "Làm giấy khai sinh cho con").is_none());
        let data = read(&out.join("du-lieu/thu-tuc.json"));
        assert!(
            data.contains("Khai sinh cho bé mới chào đời"),
            "round {round}"
        );
        let index: String = crate::util::files_with_ext(&out.join("search"), &["json"])
            .iter()
            .map(|p| read(p))
            .collect();
        assert!(
            index.contains("khai sinh cho be moi chao doi"),
            "round {round}"
        );
        assert_same(&out, &content, &format!("after an edit, round {round}"));
    }
}

/// A site built three times into `out`: the writer alternates two folders, so the
/// third build is the first into a folder a page memo describes, and every build after
/// it can reuse work.
fn warm_site(records: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = content_tree(tmp.path(), records);
    let out = tmp.path().join("out");
    for _ in 0..3 {
        timed(&content, &out);
    }
    (tmp, content, out)
}

#[test]
fn a_page_edited_by_hand_is_written_again() {
    let (_tmp, content, out) = warm_site(&[("a.md", FULL_RECORD)]);
    let page = page_with(&out, "Làm giấy khai sinh cho con").expect("page");
    let html = read(&page).replace("Làm giấy khai sinh cho con", "Trang bị sửa tay");
    std::fs::write(&page, html).expect("hand edit");
    // The edited folder is swapped out, then reused by the build after.
    timed(&content, &out);
    timed(&content, &out);
    assert_same(&out, &content, "after a hand edit");
}

#[test]
fn a_template_change_renders_pages_again() {
    let (tmp, content, out) = warm_site(&[("a.md", FULL_RECORD)]);
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    let original = read(&theme.join("procedure.html"));
    // Visible in the page body: the override adds a line the default does not have.
    let custom = original.replacen(
        "{% block content %}",
        "{% block content %}<p>Mẫu riêng của phường</p>",
        1,
    );
    assert_ne!(custom, original);
    std::fs::write(templates.join("procedure.html"), &custom).expect("override");
    for _ in 0..3 {
        timed(&content, &out);
        assert!(page_with(&out, "Mẫu riêng của phường").is_some());
    }
    assert_same(&out, &content, "after a template change");
}

#[test]
fn a_build_that_fails_half_way_is_not_trusted_later() {
    let second = second_record();
    let (tmp, content, out) = warm_site(&[("a.md", FULL_RECORD), ("b.md", &second)]);
    // A field page that renders (and is written) and a procedure page that fails.
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    std::fs::write(
        templates.join("field.html"),
        "<p>{{ page.field.name }} tạm</p>\n",
    )
    .expect("field");
    std::fs::write(templates.join("procedure.html"), "{{ p.khong_co.gi }}\n").expect("proc");
    let failed = crate::util::run(
        &[
            "build",
            "--content",
            &content.to_string_lossy(),
            "--output",
            &out.to_string_lossy(),
        ],
        tmp.path(),
    );
    assert!(!failed.status.success(), "{}", crate::util::text(&failed));
    std::fs::remove_dir_all(&templates).expect("rm templates");
    for _ in 0..3 {
        timed(&content, &out);
        assert_same(&out, &content, "after a failed build");
    }
}

/// A version taking effect changes a procedure while its file stays the same: nothing
/// kept from the file's parse may stand in for the merged procedure.
#[test]
fn a_version_taking_effect_is_not_served_from_the_cache() {
    let versioned = FULL_RECORD.replacen(
        "\n---\n",
        "\nphien_ban_moi:
  ngay_hieu_luc: 01/06/2026
  quyet_dinh_cong_bo: [{ so_hieu: \"2/QĐ-UBND\", ngay_ban_hanh: 01/05/2026, loai: \"sửa đổi, bổ sung\", ngay_hieu_luc: 01/06/2026 }]
  cach_thuc_thuc_hien:
    - hinh_thuc: Trực tiếp
      thoi_han: { so: 17, don_vi: ngày làm việc }
      phi_le_phi: [{ loai: Lệ phí, muc_thu: 10000, don_vi: bản }]
---\n",
        1,
    );
    assert_ne!(versioned, FULL_RECORD);
    let second = second_record();
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = content_tree(tmp.path(), &[("a.md", &versioned), ("b.md", &second)]);
    let out = tmp.path().join("out");
    for as_of in ["2026-05-01", "2026-06-02"] {
        for _ in 0..3 {
            timed_at(&content, &out, &["--as-of", as_of]);
        }
        let data = read(&out.join("du-lieu/thu-tuc.json"));
        assert_eq!(
            data.contains("17 ngày làm việc") || data.contains("\"so\":17"),
            as_of > "2026-06"
        );
        assert_same_at(&out, &content, &["--as-of", as_of], as_of);
    }
}

/// A page shows other records (a related procedure's card): editing that record alone
/// must bring the page up to date, though its own record did not change.
#[test]
fn a_page_follows_the_related_procedures_it_shows() {
    let relating = FULL_RECORD.replacen("\n---\n", "\nthu_tuc_lien_quan: [\"1.000656\"]\n---\n", 1);
    let second = second_record();
    let (_tmp, content, out) = warm_site(&[("a.md", &relating), ("b.md", &second)]);
    let a_page = page_with(&out, "Làm giấy khai sinh cho con").expect("page a");
    assert!(
        read(&a_page).contains("Báo tử cho người thân"),
        "related card"
    );
    let renamed = second.replace("Báo tử cho người thân", "Khai tử khi người thân mất");
    std::fs::write(content.join("thu-tuc/b.md"), renamed).expect("edit b");
    for round in 0..3 {
        timed(&content, &out);
        let a_page = page_with(&out, "Làm giấy khai sinh cho con").expect("page a");
        assert!(
            read(&a_page).contains("Khai tử khi người thân mất"),
            "round {round}"
        );
        assert_same(
            &out,
            &content,
            &format!("after a related edit, round {round}"),
        );
    }
}

/// `niemyet check` reads unchanged records back as `build` does, and says exactly what
/// it says without the cache, mistakes included.
#[test]
fn check_reads_records_back_and_reports_the_same() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let broken = second_record().replace("ten_than_thien:", "ten_than_thienn:");
    let content = content_tree(tmp.path(), &[("a.md", FULL_RECORD), ("b.md", &broken)]);
    let (first, report) = crate::util::check_json(&content);
    assert!(!first.status.success(), "the broken record is an error");
    assert!(report.to_string().contains("ten_than_thienn"), "{report}");
    let cache = tmp.path().join(".niemyet-cache/ban-ghi.bin");
    let kept = std::fs::metadata(&cache)
        .expect("check keeps the records it read")
        .len();
    let (again, cached_report) = crate::util::check_json(&content);
    assert_eq!(cached_report, report);
    assert_eq!(again.status.code(), first.status.code());
    assert_eq!(std::fs::metadata(&cache).expect("cache").len(), kept);
    // The build that follows reads the clean record back.
    let out = tmp.path().join("out");
    std::fs::write(content.join("thu-tuc/b.md"), second_record()).expect("fix b");
    assert_eq!(timed(&content, &out).records, 1);
}

/// Whether a build said it had nothing to do.
fn said_unchanged(o: &std::process::Output) -> bool {
    String::from_utf8_lossy(&o.stdout).contains("Không có gì thay đổi")
}

/// Every file under `dir` with its bytes and modification time.
fn stamped_tree(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    tree(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let at = std::fs::metadata(dir.join(&rel))
                .and_then(|m| m.modified())
                .expect("mtime");
            (rel, (bytes, at))
        })
        .collect()
}

/// A build whose inputs are as the build that made the output folder found them reads
/// and writes nothing, and says that build's warnings again, line and all; an edited
/// record, a page edited by hand or another `--as-of` builds again.
#[test]
fn a_build_with_nothing_changed_does_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Without a review date: one warning, which every build must say.
    let record: String = FULL_RECORD
        .lines()
        .filter(|l| !l.starts_with("ngay_cap_nhat:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let content = content_tree(tmp.path(), &[("a.md", &record)]);
    let out = tmp.path().join("out");
    // Files changed in the last seconds are not trusted by their times (coarse clocks):
    // a build straight after writing them runs in full, as the other tests' do.
    let first = build_with(&content, &out, &[]);
    assert!(!said_unchanged(&first));
    std::thread::sleep(std::time::Duration::from_millis(3200));
    let full = build_with(&content, &out, &[]);
    assert!(
        !said_unchanged(&full),
        "the fingerprint is taken by this build"
    );
    let before = stamped_tree(&out);

    let again = build_with(&content, &out, &[]);
    assert!(said_unchanged(&again), "{}", crate::util::text(&again));
    let (warned, rewarned) = (
        String::from_utf8_lossy(&full.stderr),
        String::from_utf8_lossy(&again.stderr),
    );
    assert!(warned.contains("ngay_cap_nhat"), "{warned}");
    assert_eq!(warned, rewarned, "the same warnings, with their lines");
    assert!(before == stamped_tree(&out), "nothing written");

    // A page edited by hand: the folder is no longer what its build made.
    let page = page_with(&out, "Làm giấy khai sinh cho con").expect("page");
    std::fs::write(&page, "sửa tay").expect("hand edit");
    assert!(!said_unchanged(&build_with(&content, &out, &[])));
    assert_same(&out, &content, "after a hand edit");

    // Another build date.
    std::thread::sleep(std::time::Duration::from_millis(3200));
    build_with(&content, &out, &[]);
    assert!(said_unchanged(&build_with(&content, &out, &[])));
    assert!(!said_unchanged(&build_with(
        &content,
        &out,
        &["--as-of", "2030-01-01"]
    )));

    // A record edited: built again, and the edit is on the page.
    let edited = record.replace("Làm giấy khai sinh cho con", "Khai sinh cho bé");
    std::fs::write(content.join("thu-tuc/a.md"), edited).expect("edit");
    assert!(!said_unchanged(&build_with(&content, &out, &[])));
    assert!(page_with(&out, "Khai sinh cho bé").is_some());
}
