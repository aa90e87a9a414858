//! Fitting a sheet to its paper: lay out at the comfortable size; if that overflows, find
//! the largest size (in half points, never below the floor) that fits the sheets the kind
//! is allowed. If even the floor overflows, the text runs on to numbered further sheets
//! ("Trang 2/2"), and the type then grows as far as that number of sheets allows: a
//! second sheet holding three lines would be paper and a reader's walk wasted. Text is
//! never clipped or scaled below the floor.

use anyhow::Result;
use typst::layout::{Frame, FrameItem, PagedDocument};

/// Body text sizes, in points, and how many sheets the document should take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub start: f64,
    pub floor: f64,
    pub sheets: usize,
    /// Whether type grows when the text runs on (prose); a list stays at its floor, so
    /// each sheet holds as many rows as it can.
    pub grow: bool,
    /// The smallest type the layout may set anywhere (notes, footer), in points: the
    /// layouts' `small` never goes below it, whatever the body size.
    pub least: f64,
}

/// How far the body may grow above `start` when a document runs on past its sheets.
/// Large enough that the last sheet always fills (a size half a point up overflows, so
/// every sheet is nearly full), small enough that headings stay on their line.
const RUN_ON_GROWTH: f64 = 1.4;

impl Scale {
    /// Candidate sizes from `top` down, half a point apart, ending exactly at the floor.
    fn sizes_from(&self, top: f64) -> Vec<f64> {
        let mut v = Vec::new();
        let mut s = top;
        while s > self.floor + 1e-9 {
            v.push(s);
            s -= 0.5;
        }
        v.push(self.floor);
        v
    }

    fn sizes(&self) -> Vec<f64> {
        self.sizes_from(self.start)
    }
}

/// Lay out with `layout(size)` until it fits. Returns the document and its body size.
pub fn fit(
    scale: Scale,
    layout: impl Fn(f64) -> Result<PagedDocument>,
) -> Result<(PagedDocument, f64)> {
    let sizes = scale.sizes();
    let first = layout(sizes[0])?;
    if first.pages.len() <= scale.sheets || sizes.len() == 1 {
        return Ok((first, sizes[0]));
    }
    let at_floor = layout(scale.floor)?;
    let sheets = at_floor.pages.len();
    if sheets > scale.sheets && !scale.grow {
        return Ok((at_floor, scale.floor));
    }
    if sheets <= scale.sheets {
        // sizes[0] overflows, the floor fits.
        return largest(
            &sizes,
            Some(0),
            at_floor,
            |d| d.pages.len() <= sheets,
            &layout,
        );
    }
    // Runs on: as large as keeps the sheets the floor needs.
    let top = (scale.start * RUN_ON_GROWTH * 2.0).floor() / 2.0;
    largest(
        &scale.sizes_from(top),
        None,
        at_floor,
        |d| d.pages.len() <= sheets,
        &layout,
    )
}

/// Bisect `sizes` (largest first; the last one fits, giving `at_last`) for the largest
/// that `fits`; `over` is an index known not to fit.
fn largest(
    sizes: &[f64],
    over: Option<usize>,
    at_last: PagedDocument,
    fits: impl Fn(&PagedDocument) -> bool,
    layout: &impl Fn(f64) -> Result<PagedDocument>,
) -> Result<(PagedDocument, f64)> {
    let mut hi = sizes.len() - 1;
    let mut best = at_last;
    // Indices below `lo` are known or assumed not to fit.
    let mut lo = over.map_or(0, |i| i + 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let doc = layout(sizes[mid])?;
        if fits(&doc) {
            hi = mid;
            best = doc;
        } else {
            lo = mid + 1;
        }
    }
    Ok((best, sizes[hi]))
}

/// The smallest type anywhere in `doc`, in points: what a reader at the board must
/// still make out. Measured on the laid-out frames, not assumed from the layout's sizes.
pub fn smallest_text(doc: &PagedDocument) -> f64 {
    fn walk(frame: &Frame, scale: f64, min: &mut f64) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Text(t) => *min = min.min(t.size.to_pt() * scale),
                FrameItem::Group(g) => {
                    // A scaled group (an image, a rotated stamp) scales its text too.
                    let sy = (g.transform.ky.get().powi(2) + g.transform.sy.get().powi(2)).sqrt();
                    walk(&g.frame, scale * sy, min)
                }
                _ => {}
            }
        }
    }
    let mut min = f64::INFINITY;
    for page in &doc.pages {
        walk(&page.frame, 1.0, &mut min);
    }
    if min.is_finite() {
        min
    } else {
        0.0
    }
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
            grow: true,
            least: 10.0,
        };
        assert_eq!(s.sizes(), vec![14.0, 13.5, 13.0, 12.5, 12.0, 11.5, 11.0]);
        let s = Scale {
            start: 12.25,
            floor: 11.0,
            sheets: 1,
            grow: true,
            least: 10.0,
        };
        assert_eq!(s.sizes(), vec![12.25, 11.75, 11.25, 11.0]);
    }
}
