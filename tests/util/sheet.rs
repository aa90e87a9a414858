//! A printed sheet as its reader meets it: the words where poppler places them
//! (`pdftotext -bbox-layout`), the QR codes where a phone finds them (finder patterns in
//! a render), and the page as a picture (for golden comparisons).

use super::pdf::{path_str, tool_ok};
use super::unescape;
use std::path::Path;

/// Points in a millimetre.
pub const MM: f64 = 72.0 / 25.4;

/// poppler's word box is the font's ascent to descent: 1.362 em for Noto Sans
/// (hhea 1069 + 293 units of 1000). A word's type size is its box height over this.
pub const BOX_PER_EM: f64 = 1.362;

#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    /// The line (poppler's) the word is on, numbered through the document.
    pub line: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Word {
    pub fn size_pt(&self) -> f64 {
        (self.y1 - self.y0) / BOX_PER_EM
    }
}

#[derive(Debug)]
pub struct Layout {
    /// Width and height of each page, in points.
    pub pages: Vec<(f64, f64)>,
    pub words: Vec<Word>,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    tag.find(&key)
        .and_then(|i| {
            let rest = &tag[i + key.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
}

/// Every word of `pdf` with its box.
pub fn layout(pdf: &Path) -> Layout {
    let xml = tool_ok("pdftotext", &["-bbox-layout", path_str(pdf), "-"]);
    let mut pages = Vec::new();
    let mut words = Vec::new();
    let mut line = 0;
    for tag_start in xml.match_indices('<').map(|(i, _)| i) {
        let tag = &xml[tag_start..];
        let end = tag.find('>').unwrap_or(tag.len());
        let head = &tag[..end];
        if head.starts_with("<page ") {
            pages.push((attr(head, "width"), attr(head, "height")));
        } else if head.starts_with("<line ") {
            line += 1;
        } else if head.starts_with("<word ") {
            let body = &tag[end + 1..];
            let text = unescape(&body[..body.find("</word>").unwrap_or(0)]);
            words.push(Word {
                page: pages.len(),
                line,
                x0: attr(head, "xMin"),
                y0: attr(head, "yMin"),
                x1: attr(head, "xMax"),
                y1: attr(head, "yMax"),
                text,
            });
        }
    }
    Layout { pages, words }
}

impl Layout {
    pub fn on(&self, page: usize) -> impl Iterator<Item = &Word> {
        self.words.iter().filter(move |w| w.page == page)
    }

    /// The words of each poppler line of `page`, in order.
    pub fn lines(&self, page: usize) -> Vec<Vec<&Word>> {
        let mut out: Vec<Vec<&Word>> = Vec::new();
        for w in self.on(page) {
            match out.last_mut() {
                Some(l) if l[0].line == w.line => l.push(w),
                _ => out.push(vec![w]),
            }
        }
        out
    }
}

/// Two words overprint: their boxes share more than a sliver (half a point each way).
pub fn overlapping(layout: &Layout) -> Vec<(Word, Word)> {
    let mut found = Vec::new();
    for page in 1..=layout.pages.len() {
        let mut ws: Vec<&Word> = layout.on(page).collect();
        ws.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        for (i, a) in ws.iter().enumerate() {
            for b in &ws[i + 1..] {
                if b.y0 >= a.y1 - 0.5 {
                    break;
                }
                let w = a.x1.min(b.x1) - a.x0.max(b.x0);
                let h = a.y1.min(b.y1) - a.y0.max(b.y0);
                if w > 0.5 && h > 0.5 {
                    found.push(((*a).clone(), (*b).clone()));
                }
            }
        }
    }
    found
}

/// One QR symbol found on a page: its centre and its width (quiet zone not counted), in
/// millimetres.
#[derive(Debug, Clone, Copy)]
pub struct Symbol {
    pub page: usize,
    pub x_mm: f64,
    pub y_mm: f64,
    pub width_mm: f64,
}

/// A greyscale render of every page (PGM): (width, height, pixels) per page.
pub fn render_grey(pdf: &Path, dpi: u32, scratch: &Path) -> Vec<(usize, usize, Vec<u8>)> {
    let prefix = scratch.join(format!(
        "grey-{}",
        pdf.to_string_lossy().replace(['/', '\\', '.'], "_")
    ));
    tool_ok(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-gray",
            path_str(pdf),
            path_str(&prefix),
        ],
    );
    let mut files: Vec<_> = std::fs::read_dir(scratch)
        .expect("scratch")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.to_string_lossy().starts_with(&*prefix.to_string_lossy())
                && p.extension().is_some_and(|e| e == "pgm")
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).expect("pgm");
            let _ = std::fs::remove_file(f);
            parse_pgm(&bytes)
        })
        .collect()
}

fn parse_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    // "P5\n<w> <h>\n255\n" then the pixels.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "not a binary PGM");
    let w: usize = fields[1].parse().expect("width");
    let h: usize = fields[2].parse().expect("height");
    (w, h, bytes[i + 1..i + 1 + w * h].to_vec())
}

/// The QR symbols on each page of `pdf`, found the way a reader finds them: by their
/// three finder patterns (runs dark:light:dark:light:dark of 1:1:3:1:1) in a render at
/// `dpi`. Two finders level with a third (top-left, top-right; top-left, bottom-left) at
/// equal distance make a symbol; its width is that distance plus one finder.
pub fn qr_symbols(pdf: &Path, dpi: u32, scratch: &Path) -> Vec<Symbol> {
    let mm_per_px = 25.4 / f64::from(dpi);
    let mut symbols = Vec::new();
    for (page, (w, h, px)) in render_grey(pdf, dpi, scratch).into_iter().enumerate() {
        // Finder candidates on each row: (centre x, y, width in px).
        let mut hits: Vec<(f64, f64, f64)> = Vec::new();
        for y in 0..h {
            let row = &px[y * w..(y + 1) * w];
            let mut runs: Vec<(bool, usize, usize)> = Vec::new(); // (dark, start, len)
            for (x, &p) in row.iter().enumerate() {
                let dark = p < 128;
                match runs.last_mut() {
                    Some(r) if r.0 == dark => r.2 += 1,
                    _ => runs.push((dark, x, 1)),
                }
            }
            for win in runs.windows(5) {
                if !win[0].0 {
                    continue;
                }
                let total: usize = win.iter().map(|r| r.2).sum();
                let unit = total as f64 / 7.0;
                let ok = [1.0, 1.0, 3.0, 1.0, 1.0]
                    .iter()
                    .zip(win)
                    .all(|(want, r)| (r.2 as f64 - want * unit).abs() <= unit * 0.7);
                if ok && unit >= 1.0 {
                    let cx = win[2].1 as f64 + win[2].2 as f64 / 2.0;
                    hits.push((cx, y as f64, total as f64));
                }
            }
        }
        // Cluster rows into finders: same centre x, contiguous y.
        let mut finders: Vec<(f64, f64, f64, usize)> = Vec::new(); // (cx, y sum, width sum, n)
        let mut open: Vec<(f64, f64, f64, f64, usize)> = Vec::new(); // (cx, last y, ysum, wsum, n)
        for (cx, y, wd) in hits {
            match open.iter_mut().find(|f| {
                (f.0 - cx).abs() <= wd / 7.0 + 1.0
                    && y - f.1 <= 2.0
                    && (f.3 / f.4 as f64 - wd).abs() <= wd * 0.15
            }) {
                Some(f) => {
                    f.1 = y;
                    f.2 += y;
                    f.3 += wd;
                    f.4 += 1;
                }
                None => open.push((cx, y, y, wd, 1)),
            }
        }
        for f in open {
            let width = f.3 / f.4 as f64;
            // A finder is as tall as it is wide (3 of its 7 modules show the pattern).
            if f.4 as f64 >= width * 3.0 / 7.0 * 0.6 {
                finders.push((f.0, f.2 / f.4 as f64, width, f.4));
            }
        }
        for a in &finders {
            let like = |b: &&(f64, f64, f64, usize)| (b.2 - a.2).abs() < a.2 * 0.2;
            let rights = finders
                .iter()
                .filter(like)
                .filter(|b| b.0 > a.0 + a.2 && (b.1 - a.1).abs() < a.2 / 2.0);
            for b in rights {
                let across = b.0 - a.0;
                let below = finders.iter().filter(like).find(|c| {
                    (c.0 - a.0).abs() < a.2 / 2.0 && ((c.1 - a.1) - across).abs() < across * 0.1
                });
                if let Some(c) = below {
                    let down = c.1 - a.1;
                    symbols.push(Symbol {
                        page: page + 1,
                        x_mm: (a.0 + across / 2.0) * mm_per_px,
                        y_mm: (a.1 + down / 2.0) * mm_per_px,
                        width_mm: (across + a.2) * mm_per_px,
                    });
                }
            }
        }
    }
    symbols
}

/// How far a render of page 1 at 50 dpi is from `golden` (a committed PNG): the mean
/// difference of 8×8-pixel blocks, 0–255, and the largest. Blocks, not pixels: a glyph
/// shifted by a pixel is no layout change; a line moved, a column narrowed, is.
pub fn golden_distance(pdf: &Path, golden: &Path, scratch: &Path) -> Result<(f64, f64), String> {
    let (w, h, now) = render_grey(pdf, 50, scratch)
        .into_iter()
        .next()
        .ok_or("no page")?;
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        write_png(golden, w, h, &now);
        return Ok((0.0, 0.0));
    }
    let (gw, gh, was) = read_png(golden).map_err(|e| {
        format!(
            "{}: {e}; run the tests with UPDATE_GOLDEN=1 to record it",
            golden.display()
        )
    })?;
    if (gw, gh) != (w, h) {
        return Err(format!("size {w}×{h}, golden {gw}×{gh}"));
    }
    let block = 8;
    let (mut sum, mut max, mut n) = (0.0f64, 0.0f64, 0.0f64);
    for by in (0..h).step_by(block) {
        for bx in (0..w).step_by(block) {
            let (mut a, mut b, mut k) = (0u64, 0u64, 0u64);
            for y in by..(by + block).min(h) {
                for x in bx..(bx + block).min(w) {
                    a += u64::from(now[y * w + x]);
                    b += u64::from(was[y * w + x]);
                    k += 1;
                }
            }
            let d = (a as f64 - b as f64).abs() / k as f64;
            sum += d;
            max = max.max(d);
            n += 1.0;
        }
    }
    Ok((sum / n, max))
}

fn write_png(path: &Path, w: usize, h: usize, px: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("golden dir");
    }
    let file = std::fs::File::create(path).expect("golden file");
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().expect("png header");
    writer.write_image_data(px).expect("png data");
}

fn read_png(path: &Path) -> Result<(usize, usize, Vec<u8>), String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("png too large")?];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    if info.color_type != png::ColorType::Grayscale || info.bit_depth != png::BitDepth::Eight {
        return Err("golden is not 8-bit greyscale".into());
    }
    buf.truncate(info.buffer_size());
    Ok((info.width as usize, info.height as usize, buf))
}
