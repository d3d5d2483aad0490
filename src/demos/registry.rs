//! Every live demo, by id. The ids match the ones lessons may link to
//! (`content::DEMO_IDS`).

use super::session::Demo;
use super::{
    condition, event_demo, exceptions, factory, fibonacci, gil, lock, queue_demo, race, rlock,
    semaphore, spider, thread_order,
};

/// All demos, in the deck's order.
pub fn all() -> Vec<&'static dyn Demo> {
    vec![
        &thread_order::DEMO,
        &gil::DEMO,
        &race::DEMO,
        &lock::DEMO,
        &rlock::DEMO,
        &semaphore::DEMO,
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_registry_has_exactly_the_ids_lessons_link_to() {
        let ids: Vec<&str> = super::all().iter().map(|d| d.info().id).collect();
        assert_eq!(ids, crate::content::DEMO_IDS);
    }
}
