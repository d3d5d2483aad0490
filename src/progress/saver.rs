//! A background thread that saves progress, so the UI thread never waits on
//! the disk. The UI sends snapshots; the saver coalesces them (only the
//! newest matters) and reports the merged result or a warning back.

use std::sync::mpsc::{self, Receiver, Sender};
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
}

/// Handle to the saving thread.
pub struct Saver {
    tx: Option<Sender<Progress>>,
    handle: Option<JoinHandle<()>>,
}

impl Saver {
    /// Start the thread; `report` is called on the saver thread after each write.
    pub fn spawn(store: Store, report: impl Fn(SaveReport) + Send + 'static) -> Saver {
        let (tx, rx): (Sender<Progress>, Receiver<Progress>) = mpsc::channel();
        let handle = thread::Builder::new()
            .name("progress-saver".into())
            .spawn(move || {
                while let Ok(mut latest) = rx.recv() {
                    // Only the newest snapshot matters.
                    while let Ok(newer) = rx.try_recv() {
                        latest = newer;
                    }
                    match store.save(&latest) {
                        Ok(merged) => report(SaveReport::Saved(merged)),
                        Err(e) => report(SaveReport::Failed(format!("progress not saved: {e}"))),
                    }
                }
            })
            .ok();
        Saver {
            tx: Some(tx),
            handle,
        }
    }

    /// Queue a snapshot for saving; returns at once.
    pub fn save(&self, progress: &Progress) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(progress.clone());
        }
    }

    /// Write everything queued and stop the thread (at exit).
    pub fn finish(mut self) {
        self.shutdown();
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
