//! `niemyet check` rules about versions and dates: replacements that point to nothing,
//! next versions that would be in force together with the current text, dates out of
//! order, and in-force procedures that still send citizens to an abolished one.

use super::{abolition, keys_set, merge, replacements, start, status, Status};
use crate::diagnostic::{Diagnostics, FieldPath, Finding, Seg};
use crate::load::LoadedRecord;
use crate::model::{Date, DecisionKind, Procedure};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub fn check(records: &[LoadedRecord], as_of: Date) -> Diagnostics {
    let mut by_code: HashMap<&str, &Procedure> = HashMap::new();
    for r in records {
        if let Some(c) = &r.procedure.ma_thu_tuc {
            by_code.entry(c.as_str()).or_insert(&r.procedure);
        }
    }
    let repl = replacements(records.iter().filter_map(|r| {
        r.procedure
            .ma_thu_tuc
            .as_ref()
            .map(|c| (c.as_str(), &*r.procedure))
    }));
    let mut replaced_by: BTreeMap<&str, &str> = BTreeMap::new();
    let mut diags = Diagnostics::default();
    for r in records {
        let p = &r.procedure;
        let Some(code) = p.ma_thu_tuc.as_ref().map(|c| c.as_str()) else {
            continue;
        };
        let mut out = Vec::new();
        replacement(p, code, &by_code, &mut replaced_by, &mut out);
        abolitions(p, &mut out);
        if let Some(next) = &p.phien_ban_moi {
            next_version(p, next, &mut out);
        }
        if let Some(prev) = &p.phien_ban_truoc {
            previous_version(p, prev, &mut out);
        }
        if matches!(status(code, p, &repl, as_of), Status::InForce) {
            references(p, &by_code, &repl, as_of, &mut out);
        }
        diags.0.extend(r.locate(out));
    }
    cycles(records, &replaced_by, &mut diags);
    diags
}

/// Replacements that come back to where they started (A replaces B, B replaces A):
/// every record of the loop would be retired and none would remain in force, so each
/// file of the loop gets an error naming all of them.
fn cycles(records: &[LoadedRecord], replaced_by: &BTreeMap<&str, &str>, diags: &mut Diagnostics) {
    let file_of = |code: &str| {
        records.iter().find(|r| {
            r.procedure
                .ma_thu_tuc
                .as_ref()
                .is_some_and(|c| c.as_str() == code)
        })
    };
    // Each old code has one replacement, so following `replaced_by` from any code
    // either ends or enters exactly one loop.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in replaced_by.keys() {
        let mut path: Vec<&str> = Vec::new();
        let mut at = Some(start);
        while let Some(code) = at.filter(|c| !done.contains(c) && !path.contains(c)) {
            path.push(code);
            at = replaced_by.get(code).copied();
        }
        // Stopped on a code already on this path: a loop. On a code done before (or
        // at the end of a chain): none.
        let loop_from = at.and_then(|a| path.iter().position(|c| *c == a));
        for c in &path {
            done.insert(c);
        }
        let Some(from) = loop_from else { continue };
        let ring = &path[from..];
        let named: Vec<String> = ring
            .iter()
            .map(|c| match file_of(c) {
                Some(r) => format!("{c} ({})", file_name(r)),
                None => (*c).to_owned(),
            })
            .chain(std::iter::once(ring[0].to_owned()))
            .collect();
        for (i, code) in ring.iter().enumerate() {
            let Some(r) = file_of(code) else { continue };
            // `code` is replaced by the next in the ring, and replaces the previous.
            let replaced = ring[(i + ring.len() - 1) % ring.len()];
            let j = r
                .procedure
                .thay_the_cho
                .iter()
                .position(|c| c.as_str() == replaced)
                .unwrap_or(0);
            diags.0.extend(r.locate(vec![Finding::error(
                FieldPath::root().key("thay_the_cho").index(j),
                format!(
                    "các thủ tục thay thế nhau thành vòng (→ là \"được thay bằng\"): {}; cả vòng sẽ bị gỡ, không thủ tục nào còn hiệu lực",
                    named.join(" → ")
                ),
                Some("chỉ thủ tục mới ghi thay_the_cho: [mã cũ]; xóa dòng này ở thủ tục cũ".into()),
            )]));
        }
    }
}

fn file_name(r: &LoadedRecord) -> String {
    r.path.file_name().map_or_else(
        || r.path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    )
}

fn replacement<'a>(
    p: &'a Procedure,
    code: &'a str,
    by_code: &HashMap<&str, &Procedure>,
    replaced_by: &mut BTreeMap<&'a str, &'a str>,
    out: &mut Vec<Finding>,
) {
    let at = FieldPath::root().key("thay_the_cho");
    for (j, old) in p.thay_the_cho.iter().enumerate() {
        let old = old.as_str();
        if old == code {
            out.push(Finding::error(
                at.index(j),
                "thủ tục không thể thay thế chính nó",
                Some("ghi mã của thủ tục cũ bị thay thế".into()),
            ));
        } else if !by_code.contains_key(old) {
            out.push(Finding::error(
                at.index(j),
                format!("không có thủ tục nào mang mã \"{old}\" để thay thế"),
                Some(
                    "giữ tệp của thủ tục cũ trong thu-tuc/ (trang cũ sẽ chỉ sang thủ tục mới), hoặc sửa mã cho đúng"
                        .into(),
                ),
            ));
        } else if let Some(first) = replaced_by.get(old) {
            out.push(Finding::error(
                at.index(j),
                format!("thủ tục \"{old}\" đã được thủ tục \"{first}\" thay thế"),
                Some(
                    "mỗi thủ tục cũ chỉ có một thủ tục thay thế; bỏ mã này ở một trong hai tệp"
                        .into(),
                ),
            ));
        } else {
            replaced_by.insert(old, code);
        }
    }
    let has_decision = p
        .quyet_dinh_cong_bo
        .iter()
        .any(|d| d.loai == DecisionKind::ThayThe);
    if !p.thay_the_cho.is_empty() && !has_decision {
        out.push(Finding::warning(
            FieldPath::root().key("quyet_dinh_cong_bo"),
            "thủ tục thay thế thủ tục khác nhưng không có quyết định công bố loại \"thay thế\"",
            Some("thêm quyết định với loai: thay thế, để trang cũ ghi được số quyết định".into()),
        ));
    }
}

fn abolitions(p: &Procedure, out: &mut Vec<Finding>) {
    for (i, d) in p.quyet_dinh_cong_bo.iter().enumerate() {
        if d.loai != DecisionKind::BaiBo || d.ngay_hieu_luc.is_some() {
            continue;
        }
        let at = FieldPath::root().key("quyet_dinh_cong_bo").index(i);
        if d.ngay_ban_hanh.is_none() {
            out.push(Finding::error(
                at,
                "quyết định bãi bỏ không có ngày: không biết từ ngày nào gỡ thủ tục",
                Some("ghi ngay_hieu_luc: của quyết định bãi bỏ".into()),
            ));
        } else {
            out.push(Finding::warning(
                at,
                "quyết định bãi bỏ không ghi ngày hiệu lực; thủ tục được gỡ từ ngày ban hành",
                Some("ghi ngay_hieu_luc: nếu quyết định có hiệu lực từ ngày khác".into()),
            ));
        }
    }
}

fn next_version(base: &Procedure, next: &Procedure, out: &mut Vec<Finding>) {
    let at = FieldPath::root().key("phien_ban_moi");
    identity_keys(next, &at, out);
    let Some(date) = next.ngay_hieu_luc else {
        out.push(Finding::error(
            at.clone(),
            "phiên bản mới chưa có ngày hiệu lực",
            Some(
                "ghi ngay_hieu_luc: trong phien_ban_moi (ngày quyết định sửa đổi có hiệu lực)"
                    .into(),
            ),
        ));
        return;
    };
    if let Some(current) = start(base) {
        if date <= current {
            out.push(Finding::error(
                at.key("ngay_hieu_luc"),
                format!(
                    "phiên bản mới có hiệu lực {} không sau bản hiện hành ({}): hai phiên bản cùng có hiệu lực",
                    date.vn(),
                    current.vn()
                ),
                Some("sửa ngày; nếu bản sửa đổi đã có hiệu lực, gộp các khóa của phien_ban_moi vào bản ghi và xóa phien_ban_moi".into()),
            ));
        }
    }
    if let Some((end, _)) = abolition(base) {
        if end <= date {
            out.push(Finding::warning(
                at.key("ngay_hieu_luc"),
                format!(
                    "thủ tục bị bãi bỏ từ {} nên phiên bản mới không bao giờ có hiệu lực",
                    end.vn()
                ),
                Some("xóa phien_ban_moi hoặc kiểm tra lại ngày".into()),
            ));
        }
    }
    for (j, d) in next.quyet_dinh_cong_bo.iter().enumerate() {
        let dat = at.key("quyet_dinh_cong_bo").index(j);
        if d.loai != DecisionKind::SuaDoi {
            out.push(Finding::warning(
                dat.key("loai"),
                format!("phiên bản mới thường do quyết định \"sửa đổi, bổ sung\", không phải \"{}\"", d.loai.label()),
                Some("thay thế hay bãi bỏ: viết một tệp mới với thay_the_cho, hoặc thêm quyết định bãi bỏ vào bản ghi".into()),
            ));
        }
        if let Some(issued) = d.ngay_ban_hanh {
            if date < issued {
                out.push(Finding::error(
                    at.key("ngay_hieu_luc"),
                    format!(
                        "ngày hiệu lực {} trước ngày ban hành quyết định {}",
                        date.vn(),
                        issued.vn()
                    ),
                    Some("kiểm tra lại hai ngày trên quyết định sửa đổi".into()),
                ));
            }
            if let Some(eff) = d.ngay_hieu_luc {
                if eff < issued {
                    out.push(Finding::error(
                        dat.key("ngay_hieu_luc"),
                        format!(
                            "ngày hiệu lực {} trước ngày ban hành {}",
                            eff.vn(),
                            issued.vn()
                        ),
                        Some("kiểm tra lại hai ngày trên quyết định".into()),
                    ));
                }
            }
        }
    }
    merged_parts(base, next, &at, out);
}

fn previous_version(base: &Procedure, prev: &Procedure, out: &mut Vec<Finding>) {
    let at = FieldPath::root().key("phien_ban_truoc");
    identity_keys(prev, &at, out);
    if let (Some(before), Some(current)) = (prev.ngay_hieu_luc, start(base)) {
        if before >= current {
            out.push(Finding::error(
                at.key("ngay_hieu_luc"),
                format!(
                    "phiên bản trước có hiệu lực {} không trước bản hiện hành ({})",
                    before.vn(),
                    current.vn()
                ),
                Some("ghi ngày hiệu lực của bản cũ, trước ngay_hieu_luc của bản ghi".into()),
            ));
        }
    }
}

/// A version block may not set the keys that never change between versions (those
/// `model::keys` marks `keep`).
fn identity_keys(v: &Procedure, at: &FieldPath, out: &mut Vec<Finding>) {
    for key in super::fixed_keys_set(v) {
        out.push(Finding::error(
            at.key(key),
            format!("phiên bản không được ghi {key}: khóa này không đổi giữa các phiên bản"),
            Some(match key {
                "ma_thu_tuc" | "thay_the_cho" => {
                    "mã mới là thủ tục khác: viết tệp mới với thay_the_cho: [mã cũ]".into()
                }
                _ => format!("xóa {key} khỏi khối này"),
            }),
        ));
    }
}

/// The merged next version must be a valid record too. Its findings are reported at the
/// keys the version block sets; the others are the base record's and reported there.
fn merged_parts(base: &Procedure, next: &Procedure, at: &FieldPath, out: &mut Vec<Finding>) {
    let merged = merge(base, next);
    let keys = keys_set(next);
    let base_decisions = base.quyet_dinh_cong_bo.len();
    for mut f in crate::validate::check_record(&merged) {
        let Some(top) = f.field.top_key().map(str::to_owned) else {
            continue;
        };
        if !keys.contains(&top) {
            continue;
        }
        if top == "quyet_dinh_cong_bo" {
            match f.field.0.get(1) {
                Some(Seg::Index(i)) if *i >= base_decisions => {
                    f.field.0[1] = Seg::Index(i - base_decisions);
                }
                _ => continue,
            }
        }
        let under_version = |p: &FieldPath| FieldPath(at.0.iter().chain(&p.0).cloned().collect());
        f.rests_on = f.rests_on.iter().map(under_version).collect();
        f.field = under_version(&f.field);
        out.push(f);
    }
}

/// An in-force procedure must not send citizens to one that left the board.
fn references(
    p: &Procedure,
    by_code: &HashMap<&str, &Procedure>,
    repl: &super::Replacements,
    as_of: Date,
    out: &mut Vec<Finding>,
) {
    for (j, rel) in p.thu_tuc_lien_quan.iter().enumerate() {
        let Some(other) = by_code.get(rel.as_str()) else {
            continue;
        };
        let at = FieldPath::root().key("thu_tuc_lien_quan").index(j);
        match status(rel.as_str(), other, repl, as_of) {
            Status::Abolished { since, .. } => out.push(Finding::error(
                at,
                format!("thủ tục liên quan \"{rel}\" đã bị bãi bỏ từ {}", since.vn()),
                Some("xóa mã này khỏi thu_tuc_lien_quan".into()),
            )),
            Status::Replaced { by, since, .. } => out.push(Finding::error(
                at,
                format!(
                    "thủ tục liên quan \"{rel}\" đã được thủ tục \"{by}\" thay thế từ {}",
                    since.vn()
                ),
                Some(format!("thay mã \"{rel}\" bằng \"{by}\"")),
            )),
            _ => {}
        }
    }
}
