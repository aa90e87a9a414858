//! The `niemyet` command line: a thin shell over the library's pipeline.

use clap::{Parser, Subcommand, ValueEnum};
use niemyet::model::Date;
use niemyet::{Project, Source};
use std::path::PathBuf;
use std::process::ExitCode;

// See Cargo.toml: glibc's allocator was a third of a large build's CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            eprintln!("lỗi: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            content,
            port,
            bind,
            open,
            as_of,
        } => serve(content, port, bind, open, as_of),
        Command::Diff { old, new, format } => {
            let r = niemyet::diff(&old, &new)?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
                Format::Text => print!("{}", niemyet::render_diff(&r)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            content,
            format,
            as_of,
        } => {
            let source = Source::resolve(content.as_deref());
            note_embedded(&source);
            let mut project = Project::load(source, as_of.unwrap_or_else(Date::today))?;
            if let Some(e) = project.read_error() {
                anyhow::bail!("{e}");
            }
            #[cfg(feature = "pdf")]
            project.check_print()?;
            let record_files = project.record_files();
            let checked = project.check();
            let d = &checked.diagnostics;
            match format {
                Format::Json => println!("{}", niemyet::render_json(d)),
                Format::Text => {
                    eprint!("{}", niemyet::render_text(d));
                    eprintln!(
                        "Đã kiểm tra {} thủ tục: {}",
                        record_files,
                        niemyet::counts(d)
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
        } => {
            let source = Source::resolve(content.as_deref());
            note_embedded(&source);
            // Opened, not read: a build with nothing to do reads no record.
            let mut project = Project::open(source, as_of.unwrap_or_else(Date::today));
            let result = project.build(&output)?;
            let d = &result.diagnostics;
            for diag in &d.0 {
                if !quiet || diag.severity == niemyet::diagnostic::Severity::Error {
                    eprintln!("{}", niemyet::render_one(diag));
                }
            }
            match result.summary {
                Some(s) if s.unchanged => {
                    println!(
                        "Không có gì thay đổi từ lần dựng trước: {} giữ nguyên ({} thủ tục, {} trang) — {} cảnh báo, {:.2} s",
                        output.display(),
                        s.procedures,
                        s.pages,
                        s.warnings,
                        s.elapsed.as_secs_f64()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(s) => {
                    println!(
                        "Đã dựng {} thủ tục, {} lĩnh vực, {} trang ({} tệp, {:.1} MB) vào {} — {} cảnh báo, {:.2} s",
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
                            println!("  {:>8.3} s  {stage}", at.as_secs_f64());
                        }
                        println!(
                            "  bộ nhớ đệm: {} thủ tục không phải đọc lại YAML, {} tệp giữ nguyên, \
                             {} phần chỉ mục tìm kiếm và dữ liệu mở dùng lại",
                            s.cached_records, s.reused_pages, s.reused_pieces
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    eprintln!(
                        "Không dựng: {}. Thư mục {} giữ nguyên như lần dựng trước.",
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
    niemyet::serve(niemyet::ServeOptions {
        content,
        bind,
        port,
        open,
        as_of: as_of.unwrap_or_else(Date::today),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn note_embedded(source: &Source) {
    if matches!(source, Source::Embedded) {
        eprintln!("Không có thư mục ./content: dùng bộ thủ tục mẫu có sẵn.");
    }
}
