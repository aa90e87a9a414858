//! `niemyet init`: a new office's folder that checks and builds at once. It writes
//! `content/site.yaml` with the office's name, one real procedure record to copy from,
//! a `.gitignore` and a README for the officers.
//!
//! What the office has not told niemyet (address, telephone, hours, the site's address)
//! is written as "(chưa ghi …)", never guessed; `check` warns about each until it is
//! filled in, so a board is not published with a made-up address.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

use crate::text::yaml_quoted as quoted;
use crate::validate::{NOT_GIVEN, NO_ADDRESS};

/// The record the new folder starts with: a real procedure of the sample catalogue,
/// without the keys that name other records of the sample (related procedures, life
/// events), which the new folder does not have.
const EXAMPLE: &str = "thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml";

/// Write the folder; returns the files written (relative to `dir`).
pub fn init(dir: &Path, name: &str, base_url: Option<&str>) -> Result<Vec<PathBuf>> {
    let name = name.trim();
    if crate::text::is_blank(name) {
        bail!("cần tên cơ quan: --ten \"Ủy ban nhân dân phường …\"");
    }
    let content = dir.join("content");
    if content.exists() {
        bail!(
            "{} đã có; niemyet init không ghi đè lên hồ sơ đang có",
            content.display()
        );
    }
    let base = match base_url {
        Some(u) if crate::validate::is_web_address(u) => crate::permalink::normalise_base(u),
        Some(u) => bail!(
            "\"{u}\" không phải địa chỉ web; ví dụ --dia-chi-web https://niemyet.phuong-x.gov.vn/"
        ),
        None => NO_ADDRESS.to_owned(),
    };
    let example = crate::project::sample_file(EXAMPLE)
        .context("bộ mẫu thiếu hồ sơ ví dụ")?
        .lines()
        .filter(|l| !l.starts_with("thu_tuc_lien_quan:") && !l.starts_with("su_kien_cuoc_song:"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let files: Vec<(PathBuf, String)> = vec![
        (PathBuf::from("content/site.yaml"), site_yaml(name, &base)),
        (PathBuf::from("content").join(EXAMPLE), example),
        (
            PathBuf::from(".gitignore"),
            "# Dựng lại được bất cứ lúc nào: không đưa vào kho.\noutput/\n.niemyet-cache/\n".into(),
        ),
        (PathBuf::from("README.md"), readme(name)),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        // An office's own README or .gitignore stays as it is.
        if !rel.starts_with("content") && path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("không tạo được thư mục {}", parent.display()))?;
        }
        std::fs::write(&path, text)
            .with_context(|| format!("không ghi được {}", path.display()))?;
        written.push(rel);
    }
    Ok(written)
}

fn site_yaml(name: &str, base: &str) -> String {
    let todo = |what: &str| quoted(&format!("{NOT_GIVEN}: {what})"));
    format!(
        "# Cấu hình trang niêm yết. Các dòng \"(chưa ghi …)\" cần điền trước khi đăng:\n\
         # `niemyet check` nhắc từng dòng còn thiếu.\n\
         tieu_de: {title}\n\
         base_url: {base}   # địa chỉ trang khi đưa lên mạng\n\
         \n\
         co_quan:\n\
         \x20 ten: {name}\n\
         \x20 dia_chi: {address}\n\
         \x20 dien_thoai: {phone}\n\
         \x20 gio_lam_viec:\n\
         \x20   - ngay: \"Thứ Hai – Thứ Sáu\"\n\
         \x20     gio: {hours}\n\
         \n\
         phan_anh_kien_nghi: |\n\
         \x20 Cá nhân, tổ chức phản ánh, kiến nghị về quy định hành chính và hành vi của cán bộ,\n\
         \x20 công chức khi giải quyết thủ tục hành chính gửi về {plain}.\n\
         \n\
         \x20 Địa chỉ, điện thoại, thư điện tử nhận phản ánh: {NOT_GIVEN}: nơi nhận phản ánh)\n\
         \n\
         cong_dich_vu_cong:\n\
         \x20 ten: \"Cổng Dịch vụ công quốc gia\"\n\
         \x20 url: \"https://dichvucong.gov.vn\"\n",
        title = quoted(&format!("Niêm yết thủ tục hành chính — {name}")),
        base = quoted(base),
        name = quoted(name),
        // Inside the block scalar the name is plain text; a line break would end it.
        plain = crate::wording::one_line(name),
        address = todo("địa chỉ trụ sở, ví dụ Số 1 đường …"),
        phone = todo("số điện thoại Bộ phận Một cửa"),
        hours = todo("giờ tiếp nhận, ví dụ Sáng 7:30–11:30, chiều 13:30–17:00"),
    )
}

fn readme(name: &str) -> String {
    format!(
        "# Niêm yết thủ tục hành chính — {name}\n\n\
         Thư mục này do `niemyet init` tạo. Mỗi thủ tục là một tệp trong `content/thu-tuc/<lĩnh vực>/`.\n\n\
         1. Điền các dòng \"(chưa ghi …)\" trong `content/site.yaml`: địa chỉ, điện thoại, giờ làm việc,\n\
         \x20  nơi nhận phản ánh, địa chỉ trang (`base_url`).\n\
         2. Thêm thủ tục: chép `content/thu-tuc/chung-thuc/chung-thuc-chu-ky.yaml` rồi sửa, hoặc\n\
         \x20  nhập từ Cổng Dịch vụ công. Hồ sơ ví dụ là thủ tục thật (mã 2.000884); xóa nếu cơ quan\n\
         \x20  không niêm yết thủ tục này.\n\
         3. `niemyet check`: báo mọi lỗi, mỗi lỗi kèm tệp, dòng, trường và cách sửa.\n\
         4. `niemyet serve`: xem trước tại http://127.0.0.1:1111, tự tải lại khi lưu tệp.\n\
         5. `niemyet build`: dựng vào `output/` (trang web, tờ niêm yết PDF trong `output/in/`).\n\
         \x20  Đưa cả thư mục `output/` lên máy chủ web tĩnh bất kỳ.\n"
    )
}
