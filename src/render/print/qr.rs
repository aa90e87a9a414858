//! QR codes as SVG, made in Rust and handed to the layout as data (vector, so they stay
//! sharp at any print size).

use anyhow::{Context, Result};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Quiet zone on each side, in modules: the standard's four.
pub const QUIET: usize = 4;

/// An SVG QR code for `url`, with the standard 4-module quiet zone. Level M survives a
/// scuffed or glare-struck poster behind glass better than L, at little size cost.
pub fn svg(url: &str) -> Result<String> {
    Ok(code(url)?.0)
}

/// The SVG and the symbol's width in modules (quiet zone not counted): the layouts size
/// the symbol itself, whatever the address's length.
pub fn code(url: &str) -> Result<(String, usize)> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .with_context(|| format!("không tạo được mã QR cho {url}"))?;
    let modules = code.width();
    let svg = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok((svg, modules))
}

#[cfg(test)]
mod tests {
    #[test]
    fn makes_svg() {
        let s = super::svg("https://niemyet.example.vn/thu-tuc/dang-ky-khai-sinh/").unwrap();
        assert!(s.starts_with("<?xml") || s.starts_with("<svg"));
        assert!(s.contains("</svg>"));
    }
}
