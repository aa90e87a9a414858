//! Long lists split into pages: `thu-tuc/`, `thu-tuc/trang-2/`, `thu-tuc/trang-3/`…
//!
//! What a list page's template sees as `pager`: where it is, the pages before and after,
//! and a short run of page numbers (the first, the last, and two either side of the
//! current one), so a list of fifty pages does not print fifty links.

use serde::Serialize;
use std::ops::Range;

/// How many pages `len` items make at `per_page` a page; an empty list still has one.
pub fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page.max(1)).max(1)
}

use crate::permalink::list_page as page_url;

#[derive(Debug, Serialize)]
pub struct Pager {
    /// 1-based.
    pub current: usize,
    pub total: usize,
    /// Site-relative addresses; the template puts `root` before them.
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
    #[serde(skip)]
    base: String,
    #[serde(skip)]
    len: usize,
    #[serde(skip)]
    per_page: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Stands for the pages left out (shown as "…"); `number` and `url` are empty.
    pub gap: bool,
}

impl Pager {
    /// Every page of a list of `len` items under `base`, in order.
    pub fn all(base: &str, len: usize, per_page: usize) -> impl Iterator<Item = Pager> + '_ {
        (1..=page_count(len, per_page)).map(move |n| Pager::new(base, n, len, per_page))
    }

    pub fn new(base: &str, current: usize, len: usize, per_page: usize) -> Pager {
        let per_page = per_page.max(1);
        let total = page_count(len, per_page);
        let current = current.clamp(1, total);
        let mut pages = Vec::new();
        let mut last = 0;
        for n in 1..=total {
            let shown = n == 1 || n == total || n.abs_diff(current) <= 2;
            if !shown {
                continue;
            }
            if n > last + 1 {
                pages.push(PageLink {
                    number: 0,
                    url: String::new(),
                    current: false,
                    gap: true,
                });
            }
            pages.push(PageLink {
                number: n,
                url: page_url(base, n),
                current: n == current,
                gap: false,
            });
            last = n;
        }
        Pager {
            current,
            total,
            prev: (current > 1).then(|| page_url(base, current - 1)),
            next: (current < total).then(|| page_url(base, current + 1)),
            pages,
            base: base.to_owned(),
            len,
            per_page,
        }
    }

    /// The current page's address.
    pub fn url(&self) -> String {
        page_url(&self.base, self.current)
    }

    /// The items of the current page.
    pub fn range(&self) -> Range<usize> {
        let start = ((self.current - 1) * self.per_page).min(self.len);
        start..(start + self.per_page).min(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(p: &Pager) -> Vec<usize> {
        p.pages.iter().map(|l| l.number).collect()
    }

    #[test]
    fn one_page_for_short_and_empty_lists() {
        assert_eq!(page_count(0, 200), 1);
        assert_eq!(page_count(200, 200), 1);
        assert_eq!(page_count(201, 200), 2);
        let p = Pager::new("thu-tuc/", 1, 47, 200);
        assert_eq!((p.prev.as_deref(), p.next.as_deref()), (None, None));
        assert_eq!(p.range(), 0..47);
        assert_eq!(p.url(), "thu-tuc/");
    }

    #[test]
    fn long_lists_show_ends_and_neighbours_with_gaps() {
        let p = Pager::new("thu-tuc/", 10, 10_000, 200);
        assert_eq!(p.total, 50);
        assert_eq!(numbers(&p), vec![1, 0, 8, 9, 10, 11, 12, 0, 50]);
        assert_eq!(p.prev.as_deref(), Some("thu-tuc/trang-9/"));
        assert_eq!(p.next.as_deref(), Some("thu-tuc/trang-11/"));
        assert_eq!(p.pages[0].url, "thu-tuc/");
        assert!(p.pages[4].current);
        assert_eq!(p.range(), 1800..2000);
        assert_eq!(p.url(), "thu-tuc/trang-10/");
        let last = Pager::new("truc-tuyen/", 50, 9_901, 200);
        assert_eq!(numbers(&last), vec![1, 0, 48, 49, 50]);
        assert_eq!(last.range(), 9800..9901);
        assert_eq!(last.next, None);
        let urls: Vec<String> = Pager::all("x/", 401, 200).map(|p| p.url()).collect();
        assert_eq!(urls, ["x/", "x/trang-2/", "x/trang-3/"]);
    }

    #[test]
    fn page_slugs_are_recognised() {}
}
