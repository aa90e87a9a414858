//! A province tree (`danh-muc/`, `don-vi/<x>/`): every office's board from one catalogue,
//! selection, overrides checked and located, catalogue problems said once with the
//! offices they reach, the province page, and a rebuild after an edit equal to a build.

use crate::util::*;
use std::path::{Path, PathBuf};

/// The repository's province sample, copied (links followed) into a temp folder so
/// builds keep their cache and output there.
fn province() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/province/content");
    let to = tmp.path().join("content");
    for e in walkdir::WalkDir::new(&from).follow_links(true) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(&from).expect("rel");
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
    (tmp, to)
}

fn build_province(content: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "build",
        "--content",
        content.to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
        "--as-of",
        "2026-12-01",
    ];
    args.extend_from_slice(extra);
    run(&args, content.parent().expect("root"))
}

#[test]
fn every_office_gets_its_board_and_the_province_a_page() {
    let (tmp, content) = province();
    let out = tmp.path().join("out");
    let o = build_province(&content, &out, &[]);
    let said = text(&o);
    assert!(o.status.success(), "{said}");
    assert!(said.contains("Đã dựng 3 đơn vị"), "{said}");
    let page = read(&out.join("index.html"));
    for (slug, name) in [
        ("phuong-dinh-hoa", "Ủy ban nhân dân phường Định Hòa"),
        ("phuong-phu-loi", "Ủy ban nhân dân phường Phú Lợi"),
        ("xa-tan-an", "Ủy ban nhân dân xã Tân An"),
    ] {
        assert!(
            page.contains(&format!("<a href=\"{slug}/\">{name}</a>")),
            "{slug}"
        );
        assert!(
            out.join(slug).join("index.html").is_file(),
            "{slug} has no board"
        );
        assert!(out.join(slug).join("du-lieu/manifest.json").is_file());
    }
    // Selection: by level and field, plus a province procedure, minus an exclusion.
    let has = |slug: &str, page: &str| {
        out.join(slug)
            .join("thu-tuc")
            .join(page)
            .join("index.html")
            .is_file()
    };
    assert!(has("xa-tan-an", "dang-ky-khai-sinh"));
    assert!(
        !has(
            "xa-tan-an",
            "ho-tro-chi-phi-mai-tang-cho-doi-tuong-bao-tro-xa-hoi"
        ),
        "Tân An posts Hộ tịch and Chứng thực only"
    );
    assert!(
        !has("xa-tan-an", "dang-ky-lai-khai-sinh"),
        "excluded by bo:"
    );
    assert!(has(
        "phuong-phu-loi",
        "ho-tro-chi-phi-mai-tang-cho-doi-tuong-bao-tro-xa-hoi"
    ));
    assert!(
        has("phuong-dinh-hoa", "dang-ky-to-chuc-le-hoi-cap-tinh"),
        "ma: adds a province procedure"
    );
    assert!(!has("phuong-phu-loi", "dang-ky-to-chuc-le-hoi-cap-tinh"));
    assert!(
        page.contains("18 thủ tục"),
        "Tân An's count on the province page"
    );
    // A related procedure the office does not post is named, not an error.
    let khai_sinh = read(&out.join("xa-tan-an/thu-tuc/dang-ky-khai-sinh/index.html"));
    assert!(khai_sinh.contains("(mã 1.004884; không niêm yết tại đây)"));
    // The override reaches only its office.
    let chu_ky = |slug: &str| read(&out.join(slug).join("thu-tuc/chung-thuc-chu-ky/index.html"));
    assert!(chu_ky("xa-tan-an").contains("quầy số 2"));
    assert!(chu_ky("xa-tan-an").contains("tiếp nhận cả sáng thứ Bảy"));
    assert!(!chu_ky("phuong-phu-loi").contains("quầy số 2"));
    // Each board is the office's own: its name on its pages, none of the others'.
    let home = read(&out.join("xa-tan-an/index.html"));
    assert!(home.contains("Ủy ban nhân dân xã Tân An") && !home.contains("Định Hòa"));
}

#[cfg(feature = "pdf")]
#[test]
fn posters_carry_their_offices_header() {
    let (tmp, content) = province();
    let out = tmp.path().join("out");
    assert!(
        build_province(&content, &out, &["--don-vi", "xa-tan-an,phuong-phu-loi"])
            .status
            .success()
    );
    for (slug, own, other) in [
        ("xa-tan-an", "XÃ TÂN AN", "PHÚ LỢI"),
        ("phuong-phu-loi", "PHƯỜNG PHÚ LỢI", "TÂN AN"),
    ] {
        let pdf = out
            .join(slug)
            .join("in/thu-tuc/chung-thuc-chu-ky/niem-yet.pdf");
        let Some(t) = pdf::text_of(&pdf) else { return };
        assert!(t.contains(own), "{slug}: {t}");
        assert!(!t.contains(other), "{slug} carries another office: {t}");
    }
    assert!(
        read(&out.join("xa-tan-an/thu-tuc/chung-thuc-chu-ky/index.html")).contains("niem-yet.pdf"),
        "the page links its poster"
    );
}

#[test]
fn overrides_are_checked_and_located_in_their_file() {
    let (tmp, content) = province();
    let ghi_de = content.join("don-vi/xa-tan-an/ghi-de");
    std::fs::write(
        ghi_de.join("sai-ma.yaml"),
        "ma_thu_tuc: \"1.999999\"\nmo_ta: x\n",
    )
    .expect("w");
    std::fs::write(
        ghi_de.join("slug.yaml"),
        "ma_thu_tuc: \"1.001193\"\nslug: khai-sinh-rieng\n",
    )
    .expect("w");
    std::fs::write(
        ghi_de.join("thoi-han.yaml"),
        "ma_thu_tuc: \"1.000894\"\ncach_thuc_thuc_hien:\n  - hinh_thuc: Trực tiếp\n    thoi_han: { so: -1, don_vi: ngày }\n    phi_le_phi: []\n",
    )
    .expect("w");
    let out = tmp.path().join("out");
    let o = build_province(&content, &out, &[]);
    let said = text(&o);
    assert!(!o.status.success(), "{said}");
    for (file, line, what) in [
        (
            "ghi-de/sai-ma.yaml",
            1,
            "đơn vị không niêm yết thủ tục mã \"1.999999\"",
        ),
        ("ghi-de/slug.yaml", 2, "không ghi đè được slug"),
        ("ghi-de/thoi-han.yaml", 4, "thời hạn phải lớn hơn 0"),
    ] {
        let at = format!("don-vi/xa-tan-an/{file}:{line}:");
        assert!(said.contains(&at), "no error at {at}:\n{said}");
        assert!(said.contains(what), "{what}:\n{said}");
    }
    assert!(!out.exists(), "a failed province build writes nothing");
}

#[test]
fn a_catalogue_problem_is_said_once_with_the_offices_it_reaches() {
    let (tmp, content) = province();
    let edit = |rel: &str, from: &str, to: &str| {
        let p = content.join("danh-muc/thu-tuc").join(rel);
        let t = read(&p);
        assert!(t.contains(from), "{rel}");
        std::fs::write(&p, t.replacen(from, to, 1)).expect("w");
    };
    // Every office posts khai tử; only two post the burial support.
    edit(
        "ho-tich/dang-ky-khai-tu.md",
        "so_luong_ho_so: 1",
        "so_luong_ho_so: 0",
    );
    edit(
        "bao-tro-xa-hoi/ho-tro-chi-phi-mai-tang.yaml",
        "so_luong_ho_so: 1",
        "so_luong_ho_so: 0",
    );
    let o = run(
        &[
            "check",
            "--content",
            content.to_str().expect("utf-8"),
            "--as-of",
            "2026-12-01",
        ],
        tmp.path(),
    );
    let said = text(&o);
    assert!(!o.status.success());
    assert_eq!(
        said.matches("số lượng hồ sơ phải lớn hơn 0").count(),
        2,
        "{said}"
    );
    assert!(said.contains("ảnh hưởng: mọi đơn vị (3)"), "{said}");
    assert!(
        said.contains("ảnh hưởng: phuong-dinh-hoa, phuong-phu-loi"),
        "{said}"
    );
}

#[test]
fn a_rebuild_after_a_catalogue_edit_equals_a_full_build() {
    let (tmp, content) = province();
    let out = tmp.path().join("out");
    assert!(build_province(&content, &out, &[]).status.success());
    let before = tmp.path().join("before");
    copy_dir(&out, &before);
    let p = content.join("danh-muc/thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml");
    std::fs::write(&p, read(&p).replacen("muc_thu: 10000", "muc_thu: 12000", 1)).expect("w");
    let o = build_province(&content, &out, &[]);
    assert!(o.status.success(), "{}", text(&o));
    // `niemyet diff` of two province builds: by office; the overriding office unchanged.
    let d = text(&run(
        &[
            "diff",
            before.to_str().expect("utf-8"),
            out.to_str().expect("utf-8"),
        ],
        tmp.path(),
    ));
    let section = |slug: &str| {
        d.split(&format!("== {slug}"))
            .nth(1)
            .map(|s| s.split("\n== ").next().unwrap_or(s).to_owned())
            .unwrap_or_default()
    };
    assert!(section("phuong-phu-loi").contains("2.000884"), "{d}");
    assert!(section("phuong-dinh-hoa").contains("2.000884"), "{d}");
    assert!(!section("xa-tan-an").contains("2.000884"), "{d}");
    // The same tree, never built: a build from nothing.
    let (tmp2, fresh) = province();
    let p2 = fresh.join("danh-muc/thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml");
    std::fs::write(
        &p2,
        read(&p2).replacen("muc_thu: 10000", "muc_thu: 12000", 1),
    )
    .expect("w");
    let out2 = tmp2.path().join("out");
    assert!(build_province(&fresh, &out2, &[]).status.success());
    let (a, b) = (tree(&out), tree(&out2));
    let differ: Vec<&PathBuf> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "rebuild differs from a full build: {differ:?}"
    );
    // The amendment reached the offices posting it, which the province page lists.
    assert!(
        read(&out.join("phuong-phu-loi/thu-tuc/chung-thuc-chu-ky/index.html")).contains("12.000")
    );
    // An office that overrides the channels keeps its own text.
    let own = read(&out.join("xa-tan-an/thu-tuc/chung-thuc-chu-ky/index.html"));
    assert!(own.contains("10.000") && !own.contains("12.000"));

    // A subset rebuilds its offices only; the page keeps the others.
    let before = tree(&out.join("phuong-dinh-hoa"));
    std::fs::write(&p, read(&p).replacen("muc_thu: 12000", "muc_thu: 15000", 1)).expect("w");
    let o = build_province(&content, &out, &["--don-vi", "phuong-phu-loi"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        read(&out.join("phuong-phu-loi/thu-tuc/chung-thuc-chu-ky/index.html")).contains("15.000")
    );
    assert_eq!(
        before,
        tree(&out.join("phuong-dinh-hoa")),
        "an office not asked for is left alone"
    );
    assert!(read(&out.join("index.html")).contains("phuong-dinh-hoa/"));
}
