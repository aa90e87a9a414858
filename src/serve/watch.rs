//! File watching for the preview: `notify` events, debounced into batches of paths.
//!
//! Editors save in many ways (write in place, write a temporary file then rename it
//! over the original, delete then create); each shows up as a few events for the same
//! path within milliseconds. We wait until the folder is quiet for [`QUIET`] (or at most
//! [`MAX_WAIT`]) and hand over the set of paths touched; the session re-reads each one
//! and decides what it is.

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

const QUIET: Duration = Duration::from_millis(15);
const MAX_WAIT: Duration = Duration::from_millis(250);

/// Watch `recursive` folders and the direct children of `shallow` ones (to see a
/// `templates/` folder appear); `relevant` filters paths. Each batch goes to `send`.
pub fn watch(
    recursive: &[PathBuf],
    shallow: &[PathBuf],
    relevant: impl Fn(&std::path::Path) -> bool + Send + 'static,
    send: impl Fn(Vec<PathBuf>) -> bool + Send + 'static,
) -> notify::Result<RecommendedWatcher> {
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher = notify::recommended_watcher(move |ev| {
        let _ = tx.send(ev);
    })?;
    for dir in recursive.iter().filter(|d| d.is_dir()) {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    for dir in shallow.iter().filter(|d| d.is_dir()) {
        watcher.watch(dir, RecursiveMode::NonRecursive)?;
    }
    std::thread::spawn(move || {
        let paths_of = |ev: notify::Result<Event>| -> Vec<PathBuf> {
            match ev {
                Ok(ev) if !matches!(ev.kind, EventKind::Access(_)) => ev.paths,
                _ => Vec::new(),
            }
        };
        while let Ok(first) = rx.recv() {
            let mut batch: BTreeSet<PathBuf> = paths_of(first).into_iter().collect();
            let started = Instant::now();
            loop {
                let left = MAX_WAIT.saturating_sub(started.elapsed());
                match rx.recv_timeout(QUIET.min(left)) {
                    Ok(ev) => batch.extend(paths_of(ev)),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                if started.elapsed() >= MAX_WAIT {
                    break;
                }
            }
            let batch: Vec<PathBuf> = batch.into_iter().filter(|p| relevant(p)).collect();
            if !batch.is_empty() && !send(batch) {
                return;
            }
        }
    });
    Ok(watcher)
}

/// Forward batches into a channel of the serve loop's messages.
pub fn forward<T: Send + 'static>(
    tx: Sender<T>,
    wrap: impl Fn(Vec<PathBuf>) -> T + Send + 'static,
) -> impl Fn(Vec<PathBuf>) -> bool + Send + 'static {
    move |batch| tx.send(wrap(batch)).is_ok()
}
