//! Fitting a sheet to its paper: lay out at the comfortable size; if that overflows, find
//! the largest size (in half points, never below the floor) that fits; if even the floor
//! overflows, keep the floor and let the text continue on numbered further sheets
//! ("Trang 2/2"). Text is never clipped or scaled below the floor.

use anyhow::Result;
use typst::layout::PagedDocument;

/// Body text sizes, in points, and how many sheets the document should take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub start: f64,
    pub floor: f64,
    pub sheets: usize,
}

impl Scale {
    /// Candidate sizes, largest first, half a point apart, ending exactly at the floor.
    fn sizes(&self) -> Vec<f64> {
        let mut v = Vec::new();
        let mut s = self.start;
        while s > self.floor + 1e-9 {
            v.push(s);
            s -= 0.5;
        }
        v.push(self.floor);
        v
    }
}

/// Lay out with `layout(size)` until it fits. Returns the document, its size and whether
/// it fits in `scale.sheets` (false: it runs on at the floor size).
pub fn fit(
    scale: Scale,
    layout: impl Fn(f64) -> Result<PagedDocument>,
) -> Result<(PagedDocument, f64)> {
    let sizes = scale.sizes();
    let fits = |doc: &PagedDocument| doc.pages.len() <= scale.sheets;
    let first = layout(sizes[0])?;
    if fits(&first) || sizes.len() == 1 {
        return Ok((first, sizes[0]));
    }
    let last = sizes.len() - 1;
    let at_floor = layout(sizes[last])?;
    if !fits(&at_floor) {
        return Ok((at_floor, sizes[last]));
    }
    // sizes[lo] overflows, sizes[hi] fits: bisect for the largest size that fits.
    let (mut lo, mut hi, mut best) = (0, last, at_floor);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let doc = layout(sizes[mid])?;
        if fits(&doc) {
            hi = mid;
            best = doc;
        } else {
            lo = mid;
        }
    }
    Ok((best, sizes[hi]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_end_at_floor() {
        let s = Scale {
            start: 14.0,
            floor: 11.0,
            sheets: 1,
        };
        assert_eq!(s.sizes(), vec![14.0, 13.5, 13.0, 12.5, 12.0, 11.5, 11.0]);
        let s = Scale {
            start: 12.25,
            floor: 11.0,
            sheets: 1,
        };
        assert_eq!(s.sizes(), vec![12.25, 11.75, 11.25, 11.0]);
    }
}
