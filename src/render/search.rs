//! Citizen search: an index written at build time under `search/`, read on demand by the
//! theme's `static/search.js` (nothing is fetched until the search box is used).
//!
//! Layout (all JSON, all in a stable order, so the same input gives the same bytes):
//! - `search/meta.json`: format version, content hash `h` (added to shard URLs so caches
//!   never mix builds), record count, shard scheme, field names, synonym groups.
//! - `search/t/<key>.json`: term → `[classes, ids]`. `ids` are delta-coded document ids;
//!   `classes` has one letter per id: where the term occurs at best (`n` plain name,
//!   `k` keyword or life event, `o` official name, `f` field, `d` document name).
//!   Besides words, terms are the whole plain name, official name and keywords
//!   (`"=dang ki khai sinh"`), so a query equal to a name ranks first, and the pairs of
//!   adjacent words of names, keywords and documents (`"khai sinh"`), so a phrase ranks
//!   above scattered words.
//!   Small sites have one shard (`all`); large ones shard by the first two characters of
//!   the term, so a query only downloads the shards of its words.
//! - `search/d/<n>.json`: what a result shows, for documents `n*CHUNK .. (n+1)*CHUNK`.
//! - `search/ma.json`: exact keys of procedure codes and form codes → ids; fetched only
//!   when a query contains a digit.
//!
//! Document ids follow the plain name's length (then the name, then the code), so ranking
//! ties broken by the lower id put the shorter name first.

use super::site::view::{level_slug, Card};
use super::{Output, RenderContext, Renderer};
use crate::cache::bytes::{put_str, Reader};
use crate::cache::pieces::Pieces;
use crate::cache::{Digest32, Key};
use crate::catalogue::{Catalogue, Entry};
use crate::model::{FormRef, OnlineLevel};
use crate::permalink;
use crate::text::{code_key, fold, search_terms};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub struct SearchRenderer;

/// Format version of the index; `search.js` refuses other versions.
pub const VERSION: u32 = 2;
/// Documents per display chunk: a first page of results fetches a few small chunks.
pub const CHUNK: usize = 64;
/// Above this many bytes (uncompressed) the term index is split by term prefix.
pub const SHARD_ABOVE: usize = 96 * 1024;
/// Characters of a term that name its shard when the index is split.
pub const SHARD_LEN: usize = 2;

/// Where a term occurs, best first; the letter is what the index stores.
const CLASSES: [char; 5] = ['n', 'k', 'o', 'f', 'd'];
const PLAIN: usize = 0;
const KEYWORD: usize = 1;
const OFFICIAL: usize = 2;
const FIELD: usize = 3;
const DOCUMENT: usize = 4;

/// One result line set: `[code, plain name, official name or "", field index,
/// online level (0 full, 1 partial, 2 none), fee, time, slug]`.
#[derive(Serialize)]
struct DocRow<'a>(
    &'a str,
    &'a str,
    &'a str,
    usize,
    u8,
    String,
    String,
    &'a str,
);

/// How much a match counts, by where it is: shipped in `meta.json` so that the ranking
/// is set here, beside the classes it weighs, and not again in the client.
#[derive(Serialize)]
struct Weights {
    /// Per class letter (see [`CLASSES`]).
    cls: BTreeMap<char, f64>,
    /// A query equal to a whole name or keyword adds this many times the place's weight.
    whole: f64,
    /// A word completed from the half-typed last word counts this fraction.
    prefix: f64,
    /// Each adjacent pair of query words found side by side in a name adds this much.
    pair: f64,
    /// A code typed exactly.
    code: f64,
}

fn weights() -> Weights {
    Weights {
        cls: CLASSES
            .iter()
            .copied()
            .zip([10.0, 9.0, 8.0, 3.0, 1.5])
            .collect(),
        whole: 6.0,
        prefix: 0.7,
        pair: 8.0,
        code: 1000.0,
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    w: Weights,
    /// Where a procedure's page is: this, its slug and `/`.
    url: &'static str,
    h: String,
    n: usize,
    shard: usize,
    /// The term shards that exist (a query never asks for a missing one).
    keys: Vec<String>,
    chunk: usize,
    fields: Vec<&'a str>,
    levels: [&'static str; 3],
    /// The levels as the theme's badge classes.
    level_class: [&'static str; 3],
    syn: Vec<Vec<Vec<String>>>,
}

/// The shard a term lives in: its first `len` characters (one more for whole names,
/// which start with `=`), made file-name safe (`[a-z0-9]` as is, anything else as `_` +
/// hex code point); `all` when not sharded. Mirrored by `shardKey` in `search.js`.
pub fn shard_key(term: &str, len: usize) -> String {
    if len == 0 {
        return "all".to_owned();
    }
    let len = if term.starts_with('=') { len + 1 } else { len };
    term.chars()
        .take(len)
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c.to_string()
            } else {
                format!("_{:x}", c as u32)
            }
        })
        .collect()
}

/// The built index, before it is written: file path → bytes, in path order.
/// Also says how many procedures' terms were read back rather than made.
pub fn build_index(ctx: &RenderContext<'_>) -> Result<(BTreeMap<String, Vec<u8>>, usize)> {
    let cat = ctx.catalogue;
    let mut order: Vec<&Entry> = cat.entries.iter().collect();
    order.sort_by_cached_key(|e| {
        let f = fold(&e.plain_name);
        (f.chars().count(), f, e.code.clone())
    });

    // Terms per procedure in parallel (folding every name and document is most of the
    // work), then merged in id order so the index bytes do not depend on threads.
    let field_terms: Vec<Vec<String>> = cat.fields.iter().map(|f| search_terms(&f.name)).collect();
    // A batch at a time: the terms of every procedure at once would be a hundred
    // megabytes at province scale.
    let mut postings: HashMap<String, Vec<(u32, usize)>> = HashMap::new();
    let mut codes: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut rows = Vec::with_capacity(order.len());
    // After an edit, the terms of every procedure that did not change are read back.
    let pieces = Pieces::open(ctx.cache_dir, "search");
    for batch in order.chunks(512) {
        let docs: Vec<DocTerms<'_>> = batch
            .par_iter()
            .map(|&e| {
                let field = &cat.fields[e.field];
                pieces.get_or_make(
                    e.identity(),
                    &[&field.name, &field.slug],
                    |bytes| DocTerms::decode(bytes, e),
                    || doc_terms(e, cat, &field_terms[e.field]),
                    |d| Some(d.encode()),
                )
            })
            .collect();
        for doc in docs {
            let id = rows.len() as u32;
            for (t, class) in doc.terms {
                postings.entry(t).or_default().push((id, class));
            }
            for k in doc.codes {
                let ids = codes.entry(k).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
            rows.push(doc.row);
        }
    }

    let encoded: BTreeMap<&str, (String, Vec<u32>)> = postings
        .iter()
        .map(|(t, list)| {
            let classes = list.iter().map(|&(_, c)| CLASSES[c]).collect();
            let mut prev = 0;
            let deltas = list
                .iter()
                .map(|&(id, _)| {
                    let d = id - prev;
                    prev = id;
                    d
                })
                .collect();
            (t.as_str(), (classes, deltas))
        })
        .collect();

    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let whole = serde_json::to_vec(&encoded)?;
    let shard = if whole.len() > SHARD_ABOVE {
        SHARD_LEN
    } else {
        0
    };
    if shard == 0 {
        files.insert("t/all.json".into(), whole);
    } else {
        let mut shards: BTreeMap<String, BTreeMap<&str, &(String, Vec<u32>)>> = BTreeMap::new();
        for (t, v) in &encoded {
            shards.entry(shard_key(t, shard)).or_default().insert(t, v);
        }
        for (key, terms) in shards {
            files.insert(format!("t/{key}.json"), serde_json::to_vec(&terms)?);
        }
    }
    for (n, chunk) in rows.chunks(CHUNK).enumerate() {
        files.insert(format!("d/{n}.json"), serde_json::to_vec(chunk)?);
    }
    files.insert("ma.json".into(), serde_json::to_vec(&codes)?);

    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, bytes) in &files {
        for b in path.as_bytes().iter().chain(bytes) {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    let meta = Meta {
        v: VERSION,
        w: weights(),
        url: permalink::PROCEDURES,
        h: format!("{:08x}", hash >> 32),
        n: rows.len(),
        shard,
        keys: files
            .keys()
            .filter_map(|p| p.strip_prefix("t/")?.strip_suffix(".json"))
            .map(str::to_owned)
            .collect(),
        chunk: CHUNK,
        fields: cat.fields.iter().map(|f| f.name.as_str()).collect(),
        levels: [
            OnlineLevel::ToanTrinh.label(),
            OnlineLevel::MotPhan.label(),
            OnlineLevel::Khong.label(),
        ],
        level_class: [
            level_slug(OnlineLevel::ToanTrinh),
            level_slug(OnlineLevel::MotPhan),
            level_slug(OnlineLevel::Khong),
        ],
        syn: synonym_groups(&ctx.synonyms.tu_dong_nghia),
    };
    files.insert("meta.json".into(), serde_json::to_vec(&meta)?);
    let reused = pieces.hits();
    pieces.save();
    Ok((files, reused))
}

/// What one procedure adds to the index.
struct DocTerms<'a> {
    /// Each term once, with the best class it occurs in, sorted by term.
    terms: Vec<(String, usize)>,
    /// Exact code keys: the procedure's and its forms'.
    codes: Vec<String>,
    row: DocRow<'a>,
}

fn doc_terms<'a>(e: &'a Entry, cat: &Catalogue, field_terms: &[String]) -> DocTerms<'a> {
    let p = &e.procedure;
    let mut terms: Vec<(String, usize)> = Vec::new();
    let mut add = |text: &str, class: usize| {
        let words = search_terms(text);
        // Adjacent words ("khai sinh", "chung sinh"), so a query's words found next to each
        // other rank above the same words scattered through a name or a document list.
        if class <= OFFICIAL || class == DOCUMENT {
            for pair in words.windows(2) {
                terms.push((format!("{} {}", pair[0], pair[1]), class));
            }
        }
        if class <= OFFICIAL {
            // The whole name ("=" + terms), without the "thủ tục" every official name
            // starts with: a query equal to it ranks first.
            let whole = match words.as_slice() {
                [a, b, rest @ ..] if a == "thu" && b == "tuc" && !rest.is_empty() => rest,
                all => all,
            };
            if !whole.is_empty() {
                terms.push((format!("={}", whole.join(" ")), class));
            }
        }
        terms.extend(words.into_iter().map(|w| (w, class)));
    };
    add(&e.plain_name, PLAIN);
    for k in p.tu_khoa.iter().chain(&p.su_kien_cuoc_song) {
        add(k, KEYWORD);
    }
    add(&e.name, OFFICIAL);
    for d in p.thanh_phan_ho_so.iter().flat_map(|g| &g.giay_to) {
        if let Some(name) = &d.ten {
            add(name, DOCUMENT);
        }
        for alt in &d.thay_the {
            add(alt, DOCUMENT);
        }
    }
    terms.extend(field_terms.iter().map(|w| (w.clone(), FIELD)));
    // Sorted by term, then class: the first of each term is its best class.
    terms.sort_unstable();
    terms.dedup_by(|later, first| later.0 == first.0);

    let mut codes = vec![code_key(&e.code)];
    codes.extend(
        p.thanh_phan_ho_so
            .iter()
            .flat_map(|g| &g.giay_to)
            .filter_map(|d| d.form_here())
            .map(code_key),
    );
    codes.retain(|k| !k.is_empty());

    let card = Card::new(e, cat);
    DocTerms {
        terms,
        codes,
        row: doc_row(e, card.fee, card.time),
    }
}

fn doc_row(e: &Entry, fee: String, time: String) -> DocRow<'_> {
    DocRow(
        &e.code,
        &e.plain_name,
        if e.name == e.plain_name { "" } else { &e.name },
        e.field,
        match e.online() {
            OnlineLevel::ToanTrinh => 0,
            OnlineLevel::MotPhan => 1,
            OnlineLevel::Khong => 2,
        },
        fee,
        time,
        &e.slug,
    )
}

impl<'a> DocTerms<'a> {
    /// As kept between builds: terms one a line after their class digit (folded terms
    /// never hold a line break), codes one a line, then the row's fee and time.
    fn encode(&self) -> Vec<u8> {
        let mut terms = String::new();
        for (t, class) in &self.terms {
            terms.push(char::from(b'0' + *class as u8));
            terms.push_str(t);
            terms.push('\n');
        }
        let mut out = Vec::with_capacity(terms.len() + 64);
        put_str(&mut out, &terms);
        put_str(&mut out, &self.codes.join("\n"));
        put_str(&mut out, &self.row.5);
        put_str(&mut out, &self.row.6);
        out
    }

    fn decode(bytes: &[u8], e: &'a Entry) -> Option<DocTerms<'a>> {
        let mut r = Reader(bytes);
        let (terms, codes, fee, time) = (r.str()?, r.str()?, r.str()?, r.str()?);
        let terms = terms
            .lines()
            .map(|l| {
                let class = usize::from(l.as_bytes().first()?.checked_sub(b'0')?);
                (class < CLASSES.len()).then(|| (l[1..].to_owned(), class))
            })
            .collect::<Option<Vec<_>>>()?;
        let codes = codes.lines().map(str::to_owned).collect();
        let row = doc_row(e, fee.to_owned(), time.to_owned());
        r.is_done().then_some(DocTerms { terms, codes, row })
    }
}

/// Each group as lists of search terms; members that fold to nothing or repeat another
/// member are dropped, and so are groups left with fewer than two members.
fn synonym_groups(groups: &[Vec<String>]) -> Vec<Vec<Vec<String>>> {
    groups
        .iter()
        .filter_map(|g| {
            let mut members: Vec<Vec<String>> = Vec::new();
            for m in g {
                let t = search_terms(m);
                if !t.is_empty() && !members.contains(&t) {
                    members.push(t);
                }
            }
            (members.len() >= 2).then_some(members)
        })
        .collect()
}

/// Digest of exactly what the index is made from: the synonyms, the fields, and per
/// procedure what `doc_terms` reads (names, keywords, life events, documents and forms,
/// field, address, online level, and the fee and time its row shows). Guidance, steps
/// and the like are not in it: editing them leaves the index as it is.
fn index_digest(ctx: &RenderContext<'_>) -> Digest32 {
    let cat = ctx.catalogue;
    let per_entry: Vec<Digest32> = cat
        .entries
        .par_iter()
        .map(|e| {
            let p = &e.procedure;
            let docs: Vec<(&Option<String>, &Vec<String>, &Option<FormRef>)> = p
                .thanh_phan_ho_so
                .iter()
                .flat_map(|g| &g.giay_to)
                .map(|d| (&d.ten, &d.thay_the, &d.bieu_mau))
                .collect();
            let card = Card::new(e, cat);
            let mut k = Key::new();
            k.json(&(
                &e.code,
                &e.plain_name,
                &e.name,
                &e.slug,
                e.field,
                card.online_level,
                (&card.fee, &card.time),
                (&p.tu_khoa, &p.su_kien_cuoc_song, docs),
            ));
            k.digest()
        })
        .collect();
    let mut k = Key::new();
    k.part(&VERSION.to_le_bytes())
        .json(&ctx.synonyms.tu_dong_nghia)
        .json(
            &cat.fields
                .iter()
                .map(|f| (&f.name, &f.slug))
                .collect::<Vec<_>>(),
        );
    for d in &per_entry {
        k.part(d);
    }
    k.digest()
}

impl Renderer for SearchRenderer {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, ctx: &RenderContext<'_>, out: &Output) -> Result<()> {
        if !ctx.scope.pages() {
            return Ok(());
        }
        let digest = out.remembers_pages().then(|| index_digest(ctx));
        out.write_group("search", digest, |out| {
            let (files, reused) = build_index(ctx)?;
            for (path, bytes) in files {
                out.write(&format!("{}{path}", permalink::SEARCH_INDEX), &bytes)?;
            }
            out.reused_pieces(reused);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_keys_are_file_safe() {
        assert_eq!(shard_key("dang", 0), "all");
        assert_eq!(shard_key("dang", 2), "da");
        assert_eq!(shard_key("k", 2), "k");
        assert_eq!(shard_key("12", 2), "12");
        assert_eq!(shard_key("ßa", 2), "_dfa");
        assert_eq!(shard_key("=dang ki", 2), "_3dda");
    }

    #[test]
    fn synonym_groups_fold_and_drop_duplicates() {
        let g = synonym_groups(&[
            vec!["hộ khẩu".into(), "thường trú".into(), "Hộ Khẩu".into()],
            vec!["độc thân".into(), " ".into()],
        ]);
        assert_eq!(
            g,
            vec![vec![
                vec!["ho".to_string(), "khau".to_string()],
                vec!["thuong".to_string(), "tru".to_string()],
            ]]
        );
    }
}
