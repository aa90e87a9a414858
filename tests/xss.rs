//! Every text a record or the config can carry is escaped on every page: an officer's
//! paste (or a hostile edit) must never run script on the public site.

use crate::util::*;

const PAYLOAD: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&";

/// A place in a YAML tree: map keys and list indices.
#[derive(Clone)]
enum Seg {
    Key(serde_yaml::Value),
    Index(usize),
}

/// Every string leaf of `v`, as paths.
fn leaves(v: &serde_yaml::Value, at: Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    use serde_yaml::Value;
    match v {
        Value::String(_) => out.push(at),
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut p = at.clone();
                p.push(Seg::Index(i));
                leaves(item, p, out);
            }
        }
        Value::Mapping(map) => {
            for (k, item) in map {
                let mut p = at.clone();
                p.push(Seg::Key(k.clone()));
                leaves(item, p, out);
            }
        }
        _ => {}
    }
}

fn leaf<'a>(v: &'a mut serde_yaml::Value, path: &[Seg]) -> Option<&'a mut serde_yaml::Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.get_mut(k),
        Seg::Index(i) => v.get_mut(*i),
    })
}

/// Append the payload to every string the model lets hold free text: each one is tried,
/// and kept only if the file still passes `check` with it (codes, enums, dates and
/// addresses must stay what they are). No list of keys to keep up to date: the model
/// decides. Returns how many strings carry the payload.
fn poison(
    value: &mut serde_yaml::Value,
    still_valid: impl Fn(&serde_yaml::Value) -> bool,
) -> usize {
    let mut paths = Vec::new();
    leaves(value, Vec::new(), &mut paths);
    let mut count = 0;
    for path in paths {
        let mut tried = value.clone();
        if let Some(serde_yaml::Value::String(s)) = leaf(&mut tried, &path) {
            *s = format!("{s} {PAYLOAD}");
        }
        if still_valid(&tried) {
            *value = tried;
            count += 1;
        }
    }
    count
}

fn record_is_valid(front: &serde_yaml::Value, body: &str) -> bool {
    let text = format!(
        "---\n{}---\n{body}\n",
        serde_yaml::to_string(front).expect("yaml out")
    );
    let file = niemyet::read::SourceFile::new("khai-sinh.md".into(), &text);
    !niemyet::parse_record(file).diagnostics.has_errors()
}

fn site_is_valid(site: &serde_yaml::Value) -> bool {
    let text = serde_yaml::to_string(site).expect("yaml out");
    let file = niemyet::read::SourceFile::new("site.yaml".into(), &text);
    !niemyet::parse_config(Some(&file), None)
        .diagnostics
        .has_errors()
}

#[test]
fn payloads_in_every_text_field_are_escaped() {
    let (front, body) = FULL_RECORD
        .trim_start_matches("---\n")
        .split_once("\n---\n")
        .expect("front matter");
    let mut record: serde_yaml::Value = serde_yaml::from_str(front).expect("yaml");
    let fields = poison(&mut record, |r| record_is_valid(r, body));
    // JSON (search index, open data) carries raw text by design; the client must insert it
    // with textContent, which the browser suite checks. Here: every HTML and XML file.
    // (A link that tries to break out of its attribute is not a web address: an error.)
    let text = format!(
        "---\n{}---\n{body}\n<script>alert(3)</script>\n[x](javascript:alert(4))\n",
        serde_yaml::to_string(&record).expect("yaml out")
    );
    let mut site: serde_yaml::Value = serde_yaml::from_str(SITE_YAML).expect("site");
    let site_fields = poison(&mut site, site_is_valid);
    assert!(
        site_fields >= 10,
        "payload reached {site_fields} site.yaml fields"
    );

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
