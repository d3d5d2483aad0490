//! Every live demo, by id. The ids match the ones lessons may link to
//! (`content::DEMO_IDS`).

use super::session::Demo;
use super::{gil, lock, race, rlock, semaphore, thread_order};

/// All demos, in the deck's order.
pub fn all() -> Vec<&'static dyn Demo> {
    vec![
        &thread_order::DEMO,
        &gil::DEMO,
        &race::DEMO,
        &lock::DEMO,
        &rlock::DEMO,
        &semaphore::DEMO,
    ]
}

/// The demo with this id.
pub fn find(id: &str) -> Option<&'static dyn Demo> {
    all().into_iter().find(|d| d.info().id == id)
}
