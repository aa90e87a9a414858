//! Life events ("Sự kiện cuộc sống"): the procedures a family meets around one event
//! (a birth, a marriage, a death), in the order it meets them, like the portal's services
//! by life event. Records name their events (`su_kien_cuoc_song`); `site.yaml` may add a
//! line of introduction and the order.

use super::Catalogue;
use crate::model::SiteConfig;
use crate::text::{fold, slugify};
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Clone, PartialEq)]
pub struct LifeEvent {
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    /// Indices into `Catalogue::entries`, in the order a family meets them.
    pub entries: Vec<usize>,
}

impl LifeEvent {
    /// Site-relative URL path, e.g. `su-kien/co-con-moi-sinh/`.
    pub fn url_path(&self) -> String {
        crate::permalink::life_event(&self.slug)
    }
}

/// Every life event with at least one procedure on the board: those of `site.yaml`
/// first, in its order, then those only records name, by name.
pub fn life_events(cat: &Catalogue, site: &SiteConfig) -> Vec<LifeEvent> {
    // Tagged procedures per folded event name, by plain name.
    let mut tagged: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, e) in cat.entries.iter().enumerate() {
        for name in &e.procedure.su_kien_cuoc_song {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let slot = tagged
                .entry(fold(name))
                .or_insert_with(|| (name.to_owned(), Vec::new()));
            if !slot.1.contains(&i) {
                slot.1.push(i);
            }
        }
    }
    for (_, list) in tagged.values_mut() {
        list.sort_by_cached_key(|&i| {
            (
                fold(&cat.entries[i].plain_name),
                cat.entries[i].code.clone(),
            )
        });
    }
    let mut events = Vec::new();
    for cfg in &site.su_kien_cuoc_song {
        let key = fold(&cfg.ten);
        let mut seen = HashSet::new();
        let mut entries: Vec<usize> = cfg
            .thu_tu
            .iter()
            .filter_map(|c| cat.index_of(c.as_str()))
            .filter(|&i| seen.insert(i))
            .collect();
        if let Some((_, rest)) = tagged.remove(&key) {
            entries.extend(rest.into_iter().filter(|i| seen.insert(*i)));
        }
        if !entries.is_empty() {
            events.push(LifeEvent {
                slug: slugify(&cfg.ten, 80),
                name: cfg.ten.trim().to_owned(),
                description: cfg.mo_ta.clone(),
                entries,
            });
        }
    }
    for (_, (name, entries)) in tagged {
        events.push(LifeEvent {
            slug: slugify(&name, 80),
            name,
            description: None,
            entries,
        });
    }
    // A name with no letter or digit has no slug of its own.
    let mut taken = HashSet::new();
    for (n, ev) in events.iter_mut().enumerate() {
        if ev.slug.is_empty() || !taken.insert(ev.slug.clone()) {
            ev.slug = format!("su-kien-{}", n + 1);
            taken.insert(ev.slug.clone());
        }
    }
    events
}
