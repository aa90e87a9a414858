//! The typst `World` of one print document: the theme's `print/*.typ` files as sources,
//! the theme's fonts as the only fonts (no system font lookup, so every machine lays out
//! the same), and the record as JSON in `sys.inputs.data` — record text is data, never
//! spliced into markup.

use anyhow::{anyhow, Result};
use std::collections::HashMap;
use std::sync::Arc;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue, Str};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// What every document of a build shares: layouts and fonts, parsed once.
pub struct Shared {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: HashMap<FileId, Source>,
}

impl Shared {
    /// `print` holds (name relative to `print/`, text); `fonts` (name, bytes). Files that
    /// are not fonts (the licence) are skipped.
    pub fn new(print: &[(String, String)], fonts: &[(String, Vec<u8>)]) -> Result<Shared> {
        let fonts: Vec<Font> = fonts
            .iter()
            .filter(|(name, _)| {
                let lower = name.to_ascii_lowercase();
                [".ttf", ".otf", ".ttc", ".otc"]
                    .iter()
                    .any(|e| lower.ends_with(e))
            })
            .flat_map(|(_, bytes)| Font::iter(Bytes::new(bytes.clone())))
            .collect();
        if fonts.is_empty() {
            anyhow::bail!("giao diện không có phông chữ nào trong fonts/ để in");
        }
        let sources = print
            .iter()
            .filter(|(name, _)| name.ends_with(".typ"))
            .map(|(name, text)| {
                let id = file_id(name);
                (id, Source::new(id, text.clone()))
            })
            .collect();
        Ok(Shared {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources,
        })
    }

    pub fn has(&self, layout: &str) -> bool {
        self.sources.contains_key(&file_id(layout))
    }

    /// Lay out `layout` (e.g. `poster.typ`) with `data` (JSON) as `sys.inputs.data` and
    /// the body text size in points as `sys.inputs.size`.
    /// Lay out `layout` with body size `size` and no type below `least` (points).
    pub fn compile(
        self: &Arc<Self>,
        layout: &str,
        data: &str,
        size: f64,
        least: f64,
    ) -> Result<PagedDocument> {
        let mut inputs = Dict::new();
        inputs.insert(Str::from("data"), Str::from(data).into_value());
        inputs.insert(Str::from("size"), Str::from(format!("{size}")).into_value());
        inputs.insert(
            Str::from("least"),
            Str::from(format!("{least}")).into_value(),
        );
        let world = DocWorld {
            shared: Arc::clone(self),
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            main: file_id(layout),
        };
        let warned = typst::compile::<PagedDocument>(&world);
        warned
            .output
            .map_err(|errors| anyhow!("{}", world.describe(layout, &errors)))
    }
}

fn file_id(name: &str) -> FileId {
    FileId::new(None, VirtualPath::new(format!("/{name}")))
}

struct DocWorld {
    shared: Arc<Shared>,
    library: LazyHash<Library>,
    main: FileId,
}

impl DocWorld {
    /// Typst errors as "print/poster.typ:12: message (hint)".
    fn describe(&self, layout: &str, errors: &[SourceDiagnostic]) -> String {
        errors
            .iter()
            .map(|e| {
                let place = e
                    .span
                    .id()
                    .and_then(|id| {
                        let src = self.shared.sources.get(&id)?;
                        let range = src.range(e.span)?;
                        let line = src.byte_to_line(range.start)? + 1;
                        Some(format!(
                            "print/{}:{line}",
                            id.vpath().as_rootless_path().display()
                        ))
                    })
                    .unwrap_or_else(|| format!("print/{layout}"));
                let hints: Vec<&str> = e.hints.iter().map(|h| h.as_str()).collect();
                if hints.is_empty() {
                    format!("{place}: {}", e.message)
                } else {
                    format!("{place}: {} ({})", e.message, hints.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.shared
            .sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        // Layouts get their data through `sys.inputs`; no file on disk is readable.
        match self.shared.sources.get(&id) {
            Some(src) => Ok(Bytes::from_string(src.text().to_owned())),
            None => Err(FileError::NotFound(id.vpath().as_rootless_path().into())),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        // Layouts print the build's `as_of` date from the data, never the clock.
        None
    }
}
