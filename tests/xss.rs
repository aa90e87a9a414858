//! Every text a record or the config can carry is escaped on every page: an officer's
//! paste (or a hostile edit) must never run script on the public site.

use crate::util::*;

const PAYLOAD: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&";

/// Keys whose values must stay valid for the record to build (codes, enums, dates…).
const KEEP: &[&str] = &[
    "ma_thu_tuc",
    "hinh_thuc",
    "don_vi",
    "loai",
    "muc_do_truc_tuyen",
    "ngay_hieu_luc",
    "ngay_cap_nhat",
    "ngay_ban_hanh",
    "tien_te",
    "slug",
    "thu_tuc_lien_quan",
];

fn poison(value: &mut serde_yaml::Value, key: Option<&str>, count: &mut usize) {
    use serde_yaml::Value;
    match value {
        Value::String(s) if !key.is_some_and(|k| KEEP.contains(&k)) => {
            *count += 1;
            *s = format!("{s} {PAYLOAD}");
        }
        Value::Sequence(items) => items.iter_mut().for_each(|v| poison(v, key, count)),
        Value::Mapping(map) => {
            for (k, v) in map.iter_mut() {
                let k = k.as_str().map(str::to_owned);
                // Inside thoi_han, don_vi is an enum; inside a fee it is free text.
                poison(v, k.as_deref(), count);
            }
        }
        _ => {}
    }
}

#[test]
fn payloads_in_every_text_field_are_escaped() {
    let (front, body) = FULL_RECORD
        .trim_start_matches("---\n")
        .split_once("\n---\n")
        .expect("front matter");
    let mut record: serde_yaml::Value = serde_yaml::from_str(front).expect("yaml");
    let mut fields = 0;
    poison(&mut record, None, &mut fields);
    // JSON (search index, open data) carries raw text by design; the client must insert it
    // with textContent, which the browser suite checks. Here: every HTML and XML file.
    // A link must stay a web address, but may try to break out of its attribute.
    record["lien_ket_truc_tuyen"] = "https://example.vn/\"><script>alert(2)</script>".into();
    let text = format!(
        "---\n{}---\n{body}\n<script>alert(3)</script>\n[x](javascript:alert(4))\n",
        serde_yaml::to_string(&record).expect("yaml out")
    );
    let mut site: serde_yaml::Value = serde_yaml::from_str(SITE_YAML).expect("site");
    let mut site_fields = 0;
    poison(&mut site, None, &mut site_fields);
    site["base_url"] = "https://niemyet.example.vn/".into();
    site["cong_dich_vu_cong"]["url"] = "https://dichvucong.gov.vn".into();

    let tmp = tempfile::tempdir().expect("tmp");
    let content = content_tree(tmp.path(), &[("ho-tich/khai-sinh.md", &text)]);
    std::fs::write(
        content.join("site.yaml"),
        serde_yaml::to_string(&site).expect("site out"),
    )
    .expect("write site");
    let out = tmp.path().join("out");
    build(&content, &out);

    assert!(fields > 40, "payload reached {fields} record fields");
    let mut escaped = 0;
    for page in files_with_ext(&out, &["html", "xml"]) {
        let html = read(&page);
        for bad in ["<script>alert", "<img src=x", "href=\"javascript:"] {
            assert!(
                !html.contains(bad),
                "{} contains raw {bad:?}",
                page.display()
            );
        }
        escaped += html.matches("&lt;script&gt;alert").count();
    }
    // The poisoned name makes its own slug; the record's page is the one under thu-tuc/*/.
    let page = files_with_ext(&out.join("thu-tuc"), &["html"])
        .into_iter()
        .find(|p| p.parent() != Some(&out.join("thu-tuc")))
        .expect("procedure page");
    let proc_page = read(&page);
    let on_page = proc_page
        .matches("&lt;script&gt;alert(&#x27;x&#x27;)")
        .count();
    assert!(
        on_page >= 30,
        "expected the escaped payload many times on the procedure page, found {on_page}"
    );
    assert!(
        escaped > on_page,
        "payload escaped across pages ({escaped})"
    );
}
