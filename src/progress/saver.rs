//! A background thread that saves progress, so the UI thread never waits on
//! the disk. The UI sends snapshots; the saver coalesces them (only the
//! newest matters) and reports the merged result or a warning back.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use super::model::Progress;
use super::store::Store;

/// What the saver reports after each write.
#[derive(Debug, Clone)]
pub enum SaveReport {
    /// Saved; this is the merged record now on disk (it may hold another
    /// instance's work too).
    Saved(Progress),
    /// The write failed; the tutorial goes on and the message is shown.
    Failed(String),
    /// Saved, with something the learner should know (sent after the
    /// `Saved` it belongs to): the progress was reset by
    /// `threadtutor progress --reset` while the tutorial was open.
    Notice(String),
}

/// Handle to the saving thread.
pub struct Saver {
    tx: Option<Sender<Progress>>,
    handle: Option<JoinHandle<()>>,
    /// Why the newest save failed (None once one succeeds).
    failed: Arc<Mutex<Option<String>>>,
}

impl Saver {
    /// Start the thread; `report` is called on the saver thread after each write.
    pub fn spawn(store: Store, report: impl Fn(SaveReport) + Send + 'static) -> Saver {
        let (tx, rx): (Sender<Progress>, Receiver<Progress>) = mpsc::channel();
        let failed = Arc::new(Mutex::new(None));
        let last_failure = Arc::clone(&failed);
        let handle = thread::Builder::new()
            .name("progress-saver".into())
            .spawn(move || {
                while let Ok(mut latest) = rx.recv() {
                    // Only the newest snapshot matters.
                    while let Ok(newer) = rx.try_recv() {
                        latest = newer;
                    }
                    let result = store.save(&latest);
                    let failure = result.as_ref().err().map(|e| format!("progress not saved: {e}"));
                    if let Ok(mut f) = last_failure.lock() {
                        *f = failure.clone();
                    }
                    match result {
                        Ok(merged) => {
                            let was_reset = merged.reset > latest.reset;
                            report(SaveReport::Saved(merged));
                            if was_reset {
                                report(SaveReport::Notice(
                                    "progress was reset (threadtutor progress --reset); what this session saw before the reset was not kept"
                                        .into(),
                                ));
                            }
                        }
                        Err(_) => report(SaveReport::Failed(failure.unwrap_or_default())),
                    }
                }
            })
            .ok();
        Saver {
            tx: Some(tx),
            handle,
            failed,
        }
    }

    /// Queue a snapshot for saving; returns at once.
    pub fn save(&self, progress: &Progress) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(progress.clone());
        }
    }

    /// Write everything queued and stop the thread (at exit). Returns why
    /// the last save failed, if it did, for the caller to say.
    pub fn finish(mut self) -> Option<String> {
        self.shutdown();
        self.failed.lock().ok().and_then(|mut f| f.take())
    }

    fn shutdown(&mut self) {
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.shutdown();
    }
}
