//! The sample catalogue (`content/`) and the default theme (`themes/default/`) are
//! compiled into the binary with `include_dir!`, which cannot tell Cargo which files it
//! read. Without this, editing a sample record would leave the embedded copy stale.

fn main() {
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=themes");
}
