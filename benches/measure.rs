//! What the benchmarks report with: a child process's peak memory and a set of timings
//! as "median (min–max)". Shared by `build` and `province` (each includes this file).

#[allow(unsafe_code)] // the one libc call std has no wrapper for
pub fn peak_rss_children_kb() -> i64 {
    // SAFETY: getrusage only writes into the struct we hand it.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    }
}

/// "median (min–max)" of some timings, in seconds.
pub fn summary(mut t: Vec<f64>) -> String {
    t.sort_by(f64::total_cmp);
    format!("{:.2} ({:.2}–{:.2})", t[t.len() / 2], t[0], t[t.len() - 1])
}
