//! Where print work runs: its own threads with a roomy stack, one document per thread
//! at a time.

use anyhow::{Context, Result};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Typst lays out by recursion, and deep documents need more stack than rayon's default
/// 2 MiB workers have (a 1,000-record build overflowed one).
const PRINT_STACK: usize = 64 << 20;

/// Run `f` on a pool of print threads with a roomier stack; typst's own parallel work
/// runs there too.
pub fn on_print_pool<T: Send>(f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .stack_size(PRINT_STACK)
        .thread_name(|i| format!("niemyet-in-{i}"))
        .build()
        .context("không tạo được luồng để dựng bản in")?;
    let result = pool.install(f);
    // Typst memoises layouts across compilations; the run is done with them.
    typst::comemo::evict(0);
    result
}

/// `f` over every item, in parallel but at most one item per thread at a time, the
/// results in the items' order; the first error stops the rest.
///
/// Not `par_iter`: a thread waiting inside typst's own parallel layout steals queued
/// work, and with a `par_iter` that work is the next record, whose layout waits in turn
/// and steals the next. At 2,000 records RSS reached 700 MB before the first PDF was
/// done, hundreds of half-made layouts held at once. Here each thread takes the next
/// item only when it has finished one, and there is no queued record to steal.
pub fn in_turn<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let failed: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let lock = |m: &Mutex<Option<anyhow::Error>>| m.lock().map_or(true, |g| g.is_some());
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(|_| loop {
                if lock(&failed) {
                    return;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { return };
                match f(item) {
                    Ok(r) => {
                        if let Ok(mut d) = done.lock() {
                            d.push((i, r));
                        }
                    }
                    Err(e) => {
                        if let Ok(mut slot) = failed.lock() {
                            slot.get_or_insert(e);
                        }
                        return;
                    }
                }
            });
        }
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    anyhow::ensure!(done.len() == items.len(), "bản in thiếu kết quả");
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_in_order_and_errors_stop() {
        let items: Vec<usize> = (0..100).collect();
        let doubled = in_turn(&items, |i| Ok(i * 2)).expect("all");
        assert_eq!(doubled, (0..100).map(|i| i * 2).collect::<Vec<_>>());
        let failed = in_turn(&items, |&i| {
            anyhow::ensure!(i != 37, "item {i}");
            Ok(i)
        });
        assert_eq!(failed.err().map(|e| e.to_string()), Some("item 37".into()));
    }
}
