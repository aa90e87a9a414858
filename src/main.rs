//! The `niemyet` command line: a thin shell over the library's pipeline.

use clap::{Parser, Subcommand, ValueEnum};
use niemyet::model::Date;
use niemyet::{Project, Source};
use std::path::PathBuf;
use std::process::ExitCode;

// See Cargo.toml: glibc's allocator was a third of a large build's CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` that ends the program quietly when the reader has gone
/// (`niemyet check --format json | head -1`) instead of panicking on the broken pipe.
macro_rules! out {
    ($($t:tt)*) => { emit(&mut std::io::stdout(), format_args!($($t)*)) };
}

/// [`out!`] for standard error.
macro_rules! err {
    ($($t:tt)*) => { emit(&mut std::io::stderr(), format_args!($($t)*)) };
}

fn emit(w: &mut dyn std::io::Write, args: std::fmt::Arguments<'_>) {
    if let Err(e) = w.write_fmt(args).and_then(|()| w.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // What a program killed by SIGPIPE reports to the shell (128 + 13).
            std::process::exit(141);
        }
    }
}

#[derive(Parser)]
#[command(
    name = "niemyet",
    version,
    about = "Dựng trang niêm yết thủ tục hành chính từ thư mục hồ sơ (YAML / Markdown)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Tạo thư mục cho một cơ quan: content/site.yaml, một hồ sơ ví dụ, .gitignore, README
    Init {
        /// Thư mục (mặc định: thư mục hiện tại)
        dir: Option<PathBuf>,
        /// Tên cơ quan, ví dụ "Ủy ban nhân dân phường Định Hòa"
        #[arg(long)]
        ten: String,
        /// Địa chỉ trang khi đưa lên mạng (để trống: ghi sau trong site.yaml)
        #[arg(long)]
        dia_chi_web: Option<String>,
    },
    /// Kiểm tra toàn bộ hồ sơ và báo mọi lỗi (tệp:dòng:cột, trường, cách sửa)
    Check {
        /// Thư mục nội dung (mặc định: ./content, hoặc bộ mẫu có sẵn)
        #[arg(long)]
        content: Option<PathBuf>,
        /// Định dạng báo cáo
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Kiểm tra hiệu lực tại ngày này (mặc định: hôm nay)
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Cây của tỉnh: chỉ các đơn vị này (thư mục trong don-vi/, cách nhau bằng dấu phẩy)
        #[arg(long, value_delimiter = ',')]
        don_vi: Option<Vec<String>>,
    },
    /// So sánh hai lần dựng: thủ tục thêm, bỏ, sửa (từng trường)
    Diff {
        /// Thư mục đầu ra cũ (hoặc tệp du-lieu/manifest.json của nó)
        old: PathBuf,
        /// Thư mục đầu ra mới (hoặc tệp manifest.json)
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Dựng trang web vào thư mục đầu ra (chỉ thay thế khi dựng thành công)
    Build {
        #[arg(long)]
        content: Option<PathBuf>,
        /// Thư mục đầu ra (mặc định: ./output)
        #[arg(long, default_value = "output")]
        output: PathBuf,
        /// Ngày áp dụng, dạng 31/10/2025 hoặc 2025-10-31 (mặc định: hôm nay)
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Không in cảnh báo, chỉ in lỗi và dòng tổng kết
        #[arg(long, short)]
        quiet: bool,
        /// In thời gian của từng bước
        #[arg(long)]
        timings: bool,
        /// Cây của tỉnh: chỉ dựng các đơn vị này (thư mục trong don-vi/, cách nhau bằng dấu phẩy)
        #[arg(long, value_delimiter = ',')]
        don_vi: Option<Vec<String>>,
    },
    /// Xem trước khi sửa: dựng, phục vụ tại 127.0.0.1, tự dựng lại và tải lại trang khi lưu tệp
    Serve {
        #[arg(long)]
        content: Option<PathBuf>,
        /// Cổng
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Địa chỉ lắng nghe (mặc định chỉ máy này: 127.0.0.1)
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Mở trình duyệt
        #[arg(long)]
        open: bool,
        /// Ngày áp dụng, dạng 31/10/2025 hoặc 2025-10-31 (mặc định: hôm nay)
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Xuất danh sách thủ tục ra bảng tính, mỗi hồ sơ một dòng (để rà soát, sửa rồi nhập lại)
    Export {
        #[arg(long)]
        content: Option<PathBuf>,
        /// Định dạng (mặc định: theo đuôi tệp --output, không có thì xlsx)
        #[arg(long, value_enum)]
        format: Option<SheetFormat>,
        /// Tệp ghi ra (mặc định: ./danh-sach-thu-tuc.xlsx hoặc .csv)
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Nhập vào hồ sơ những gì đã sửa ở nơi khác
    Import {
        #[command(subcommand)]
        kind: ImportKind,
    },
}

#[derive(Subcommand)]
enum ImportKind {
    /// Từ dữ liệu chi tiết thủ tục (JSON) của Cổng Dịch vụ công quốc gia: mỗi tệp một hồ sơ
    Portal {
        /// Tệp .json hoặc thư mục chứa chúng
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Thư mục nội dung (mặc định: ./content)
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Chỉ báo sẽ làm gì, không ghi tệp
        #[arg(long)]
        dry_run: bool,
    },
    /// Ghi vào tệp hồ sơ các ô đã sửa trong bảng tính danh sách (tên, lĩnh vực, cấp, mức độ trực tuyến, ngày hiệu lực)
    Sheet {
        /// Bảng tính .xlsx, .ods hoặc .csv (thường là tệp niemyet export ghi)
        file: PathBuf,
        /// Thư mục nội dung (mặc định: ./content)
        #[arg(long)]
        content: Option<PathBuf>,
        /// Chỉ in những gì sẽ sửa, không ghi tệp nào
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SheetFormat {
    Xlsx,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            err!("lỗi: {e:#}\n");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init {
            dir,
            ten,
            dia_chi_web,
        } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            let written = niemyet::init::init(&dir, &ten, dia_chi_web.as_deref())?;
            for f in &written {
                out!("  đã tạo {}\n", dir.join(f).display());
            }
            out!(
                "Xong. Điền các dòng \"(chưa ghi …)\" trong {}, rồi chạy: niemyet check, niemyet build\n",
                dir.join("content/site.yaml").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            kind:
                ImportKind::Portal {
                    paths,
                    content,
                    dry_run,
                },
        } => import_portal(&paths, content, dry_run),
        Command::Serve {
            content,
            port,
            bind,
            open,
            as_of,
        } => serve(content, port, bind, open, as_of),
        Command::Export {
            content,
            format,
            output,
        } => {
            let start = std::time::Instant::now();
            let source = Source::resolve(content.as_deref());
            note_embedded(&source);
            let format = format.map(|f| match f {
                SheetFormat::Xlsx => niemyet::ListFormat::Xlsx,
                SheetFormat::Csv => niemyet::ListFormat::Csv,
            });
            let done = niemyet::export_list(&source, format, output.as_deref())?;
            out!(
                "Đã xuất {} thủ tục vào {} ({:.2} s). Sửa các cột tên, lĩnh vực, cấp, mức độ trực tuyến, ngày hiệu lực rồi chạy: niemyet import sheet {}\n",
                done.rows,
                done.path.display(),
                start.elapsed().as_secs_f64(),
                done.path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            kind:
                ImportKind::Sheet {
                    file,
                    content,
                    dry_run,
                },
        } => {
            let content = content.unwrap_or_else(|| PathBuf::from("content"));
            let done = niemyet::import_sheet(&file, &content, dry_run)?;
            if done.refused() {
                err!("{}", done.render());
                Ok(ExitCode::from(1))
            } else {
                out!("{}", done.render());
                Ok(ExitCode::SUCCESS)
            }
        }
        Command::Diff { old, new, format } => {
            if let Some(offices) = niemyet::province::offices_in(&old, &new) {
                return province_diff(&old, &new, &offices, format);
            }
            let r = niemyet::diff(&old, &new)?;
            match format {
                Format::Json => out!("{}\n", serde_json::to_string_pretty(&r)?),
                Format::Text => out!("{}", niemyet::render_diff(&r)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            content,
            format,
            as_of,
            don_vi,
        } => {
            if let Some(dir) = province_dir(content.as_deref()) {
                let as_of = as_of.unwrap_or_else(Date::today);
                let r = niemyet::province::check(&dir, as_of, don_vi.as_deref())?;
                return Ok(report_province(&r, format, None));
            }
            let source = Source::resolve(content.as_deref());
            note_embedded(&source);
            let shown = content.clone().unwrap_or_else(|| PathBuf::from("content"));
            let mut project = match Project::load(source, as_of.unwrap_or_else(Date::today)) {
                Ok(p) => p,
                Err(e) => return Ok(fatal(format, shown, format!("{e:#}"))),
            };
            if let Some(e) = project.read_error() {
                return Ok(fatal(format, shown, e));
            }
            #[cfg(feature = "pdf")]
            if let Err(e) = project.check_print() {
                return Ok(fatal(format, shown, format!("{e:#}")));
            }
            let record_files = project.record_files();
            #[cfg(feature = "pdf")]
            let sheets = project.sheets().to_vec();
            let checked = project.check();
            let d = &checked.diagnostics;
            match format {
                Format::Json => {
                    #[allow(unused_mut)]
                    let mut v: serde_json::Value = serde_json::from_str(&niemyet::render_json(d))?;
                    #[cfg(feature = "pdf")]
                    if let Some(o) = v.as_object_mut() {
                        o.insert("sheets".into(), serde_json::to_value(&sheets)?);
                    }
                    out!("{}\n", serde_json::to_string_pretty(&v)?)
                }
                Format::Text => {
                    err!("{}", niemyet::render_text(d));
                    #[cfg(feature = "pdf")]
                    err!("{}", niemyet::print::sheets_text(&sheets));
                    err!(
                        "Đã kiểm tra {} thủ tục: {}\n",
                        record_files,
                        niemyet::summary(d)
                    );
                }
            }
            Ok(if d.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Build {
            content,
            output,
            as_of,
            quiet,
            timings,
            don_vi,
        } => {
            if let Some(dir) = province_dir(content.as_deref()) {
                let as_of = as_of.unwrap_or_else(Date::today);
                let r = niemyet::province::build(&dir, &output, as_of, don_vi.as_deref())?;
                if quiet {
                    let errors = niemyet::diagnostic::Diagnostics(
                        r.diagnostics
                            .0
                            .iter()
                            .filter(|d| d.severity == niemyet::diagnostic::Severity::Error)
                            .cloned()
                            .collect(),
                    );
                    return Ok(report_province(
                        &niemyet::province::ProvinceReport {
                            offices: r.offices,
                            diagnostics: errors,
                        },
                        Format::Text,
                        Some(&output),
                    ));
                }
                return Ok(report_province(&r, Format::Text, Some(&output)));
            }
            let source = Source::resolve(content.as_deref());
            note_embedded(&source);
            // Opened, not read: a build with nothing to do reads no record.
            let mut project = Project::open(source, as_of.unwrap_or_else(Date::today));
            let result = project.build(&output)?;
            let d = &result.diagnostics;
            let shown = niemyet::diagnostic::Diagnostics(
                d.0.iter()
                    .filter(|diag| !quiet || diag.severity == niemyet::diagnostic::Severity::Error)
                    .cloned()
                    .collect(),
            );
            err!("{}", niemyet::render_text(&shown));
            match result.summary {
                Some(s) if s.unchanged => {
                    out!("Không có gì thay đổi từ lần dựng trước: {} giữ nguyên ({} thủ tục, {} trang) — {} cảnh báo, {:.2} s\n",
                        output.display(),
                        s.procedures,
                        s.pages,
                        s.warnings,
                        s.elapsed.as_secs_f64()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(s) => {
                    out!("Đã dựng {} thủ tục, {} lĩnh vực, {} trang ({} tệp, {:.1} MB) vào {} — {} cảnh báo, {:.2} s\n",
                        s.procedures,
                        s.fields,
                        s.pages,
                        s.files,
                        s.bytes as f64 / 1_000_000.0,
                        output.display(),
                        s.warnings,
                        s.elapsed.as_secs_f64()
                    );
                    if timings {
                        for (stage, at) in &s.stages {
                            out!("  {:>8.3} s  {stage}\n", at.as_secs_f64());
                        }
                        #[cfg(feature = "pdf")]
                        if let Some(p) = project.print_stats() {
                            out!(
                                "  bản in: {} tệp PDF ({} dàn trang mới, {} lấy từ bộ nhớ đệm) trong {:.3} s; \
                                 cộng thời gian dàn trang từng tệp {:.3} s\n",
                                p.pdfs,
                                p.laid_out,
                                p.pdfs - p.laid_out,
                                p.wall.as_secs_f64(),
                                p.layout.as_secs_f64()
                            );
                        }
                        out!(
                            "  bộ nhớ đệm: {} thủ tục không phải đọc lại YAML, {} tệp giữ nguyên, \
                             {} phần chỉ mục tìm kiếm và dữ liệu mở dùng lại\n",
                            s.cached_records,
                            s.reused_pages,
                            s.reused_pieces
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    err!(
                        "Không dựng: {}. Thư mục {} giữ nguyên như lần dựng trước.\n",
                        niemyet::counts(d),
                        output.display()
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

fn serve(
    content: Option<PathBuf>,
    port: u16,
    bind: std::net::IpAddr,
    open: bool,
    as_of: Option<Date>,
) -> anyhow::Result<ExitCode> {
    let Source::Dir(content) = Source::resolve(content.as_deref()) else {
        anyhow::bail!(
            "không có thư mục ./content để xem trước: chạy trong thư mục có content/, hoặc chỉ nó bằng --content"
        );
    };
    if niemyet::province::is_province(&content) {
        anyhow::bail!(
            "{} là cây của tỉnh: xem trước chưa hỗ trợ; dựng một đơn vị bằng niemyet build --don-vi <tên> rồi mở output/<tên>/index.html",
            content.display()
        );
    }
    niemyet::serve(niemyet::ServeOptions {
        content,
        bind,
        port,
        open,
        as_of: as_of.unwrap_or_else(Date::today),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A problem that stops `check` before any record is judged (no content folder, a
/// print template that does not compile), reported like every other diagnostic so
/// that `--format json` still says it.
fn fatal(format: Format, file: PathBuf, message: String) -> ExitCode {
    let d = niemyet::diagnostic::Diagnostics(vec![niemyet::diagnostic::Diagnostic::whole_file(
        file, message, None,
    )]);
    match format {
        Format::Json => out!("{}\n", niemyet::render_json(&d)),
        Format::Text => err!("{}", niemyet::render_text(&d)),
    }
    ExitCode::from(2)
}

fn note_embedded(source: &Source) {
    if matches!(source, Source::Embedded) {
        err!("Không có thư mục ./content: dùng bộ thủ tục mẫu có sẵn.\n");
    }
}

fn import_portal(paths: &[PathBuf], content: PathBuf, dry_run: bool) -> anyhow::Result<ExitCode> {
    use niemyet::import::{portal, Action, Options};
    let opts = Options {
        content: content.clone(),
        dry_run,
        today: Date::today(),
    };
    let done = portal(paths, &opts)?;
    let (mut created, mut updated, mut conflicts) = (0, 0, 0);
    for r in &done {
        let file = content.join(&r.file);
        match &r.action {
            Action::Created => {
                created += 1;
                out!("tạo  {} — {} ({})\n", file.display(), r.name, r.code);
            }
            Action::Updated { keys, kept } => {
                updated += 1;
                out!(
                    "sửa  {} ({}): lấy mới từ cổng: {}\n",
                    file.display(),
                    r.code,
                    keys.join(", ")
                );
                if !kept.is_empty() {
                    out!("     giữ nội dung đơn vị đã sửa: {}\n", kept.join(", "));
                }
            }
            Action::Unchanged => out!("giữ  {} ({}): cổng không đổi\n", file.display(), r.code),
        }
        if !r.conflicts.is_empty() {
            conflicts += 1;
            out!(
                "     XUNG ĐỘT: đơn vị và cổng cùng sửa {}; giữ bản của đơn vị, bản mới của cổng ở {}\n",
                r.conflicts.join(", "),
                content
                    .join(niemyet::import::PAYLOADS)
                    .join(format!("{}.xung-dot.yaml", r.code))
                    .display()
            );
        }
        if matches!(r.action, Action::Created) {
            for t in &r.todo {
                out!("     cần hoàn thiện: {}\n", t.0);
            }
        }
    }
    out!(
        "{}{} hồ sơ: {created} mới, {updated} cập nhật, {conflicts} có xung đột. Tiếp theo: niemyet check\n",
        if dry_run { "(chạy thử, chưa ghi tệp) " } else { "" },
        done.len()
    );
    Ok(if conflicts > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The content folder when it is a province tree (`danh-muc/`, `don-vi/`).
fn province_dir(content: Option<&std::path::Path>) -> Option<PathBuf> {
    let dir = match content {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("content"),
    };
    niemyet::province::is_province(&dir).then_some(dir)
}

/// A province check or build, told per office; `output` when it was a build.
fn report_province(
    r: &niemyet::province::ProvinceReport,
    format: Format,
    output: Option<&std::path::Path>,
) -> ExitCode {
    let d = &r.diagnostics;
    if let Format::Json = format {
        let offices: Vec<serde_json::Value> = r
            .offices
            .iter()
            .map(|o| serde_json::json!({"don_vi": o.slug, "ten": o.name, "errors": o.diagnostics.errors(), "warnings": o.diagnostics.warnings()}))
            .collect();
        let mut v: serde_json::Value =
            serde_json::from_str(&niemyet::render_json(d)).unwrap_or_default();
        if let Some(obj) = v.as_object_mut() {
            obj.insert("offices".into(), serde_json::Value::Array(offices));
        }
        out!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        err!("{}", niemyet::render_text(d));
        for o in &r.offices {
            match (&o.summary, output) {
                (Some(s), Some(out)) => out!(
                    "  {:<24} {} thủ tục, {} trang → {} — {} cảnh báo, {:.2} s\n",
                    o.slug,
                    s.procedures,
                    s.pages,
                    out.join(&o.slug).display(),
                    s.warnings,
                    s.elapsed.as_secs_f64()
                ),
                _ => out!("  {:<24} {}\n", o.slug, niemyet::counts(&o.diagnostics)),
            }
        }
    }
    match output {
        Some(out) if r.built() => {
            out!(
                "Đã dựng {} đơn vị và trang của tỉnh vào {} — {}\n",
                r.offices.len(),
                out.display(),
                niemyet::counts(d)
            );
            ExitCode::SUCCESS
        }
        Some(out) => {
            err!(
                "Không dựng: {}. Thư mục {} giữ nguyên như lần dựng trước.\n",
                niemyet::counts(d),
                out.display()
            );
            ExitCode::from(1)
        }
        None => {
            if !matches!(format, Format::Json) {
                err!(
                    "Đã kiểm tra {} đơn vị: {}\n",
                    r.offices.len(),
                    niemyet::counts(d)
                );
            }
            if d.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

/// `niemyet diff` of two province builds: each office's changes, by office.
fn province_diff(
    old: &std::path::Path,
    new: &std::path::Path,
    offices: &[String],
    format: Format,
) -> anyhow::Result<ExitCode> {
    let mut all = serde_json::Map::new();
    for slug in offices {
        let (o, n) = (old.join(slug), new.join(slug));
        match (o.is_dir(), n.is_dir()) {
            (true, true) => {
                let r = niemyet::diff(&o, &n)?;
                match format {
                    Format::Json => {
                        all.insert(slug.clone(), serde_json::to_value(&r)?);
                    }
                    Format::Text => out!("== {slug}\n{}", niemyet::render_diff(&r)),
                }
            }
            (false, true) => out!("== {slug}: đơn vị mới\n"),
            (true, false) => out!("== {slug}: không còn trong lần dựng mới\n"),
            (false, false) => {}
        }
    }
    if let Format::Json = format {
        out!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::Value::Object(all))?
        );
    }
    Ok(ExitCode::SUCCESS)
}
