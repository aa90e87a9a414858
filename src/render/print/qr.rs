//! QR codes as SVG, made in Rust and handed to the layout as data (vector, so they stay
//! sharp at any print size).

use anyhow::{Context, Result};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code for `url`, with the standard 4-module quiet zone. Level M survives a
/// scuffed or glare-struck poster behind glass better than L, at little size cost.
pub fn svg(url: &str) -> Result<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .with_context(|| format!("không tạo được mã QR cho {url}"))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
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
