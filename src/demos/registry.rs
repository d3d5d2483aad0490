//! Every live demo, by id. The ids match the ones lessons may link to
//! (`content::DEMO_IDS`).

use super::session::Demo;
use super::{condition, event_demo, exceptions, factory, fibonacci, queue_demo, spider};

/// All demos, in the deck's order.
pub fn all() -> Vec<&'static dyn Demo> {
    vec![
        &condition::DEMO,
        &event_demo::DEMO,
        &queue_demo::DEMO,
        &factory::DEMO,
        &spider::DEMO,
        &fibonacci::DEMO,
        &exceptions::DEMO,
    ]
}

/// The demo with this id.
pub fn find(id: &str) -> Option<&'static dyn Demo> {
    all().into_iter().find(|d| d.info().id == id)
}
