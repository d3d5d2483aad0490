//! Turning pythreading's observer events into timeline lanes: attach
//! [`lane_observer`] to the demo's locks, queues and threads and each
//! thread's lane shows when it runs, waits, holds a lock or is blocked.

use std::sync::Arc;

use crate::pythreading::{Kind, Observer, Op, TraceEvent};

use super::event::{DemoEvent, LaneState};
use super::session::EventSink;

/// The lane state a traced operation leaves its thread in, if it changes it.
pub fn lane_state(ev: &TraceEvent) -> Option<LaneState> {
    let object = ev.object.to_string();
    Some(match (ev.kind, ev.op) {
        (_, Op::Start) => LaneState::Running,
        (_, Op::Exit) | (_, Op::Panic) => LaneState::Done,
        (Kind::Queue, Op::Blocked) => LaneState::Blocked(object),
        (_, Op::Blocked) | (_, Op::Wait) => LaneState::Waiting(object),
        (Kind::Lock | Kind::RLock | Kind::Condition, Op::Acquired) => LaneState::Holding(object),
        (Kind::Lock | Kind::RLock | Kind::Condition, Op::Woken { .. }) => {
            LaneState::Holding(object)
        }
        (Kind::Lock | Kind::RLock | Kind::Condition, Op::Released) => LaneState::Running,
        (_, Op::Acquired)
        | (_, Op::Woken { .. })
        | (_, Op::Put { .. })
        | (_, Op::Get { .. })
        | (_, Op::Joined) => LaneState::Running,
        _ => return None,
    })
}

/// An observer that reports lane changes to a demo.
pub fn lane_observer(sink: EventSink) -> Arc<dyn Observer> {
    Arc::new(move |ev: &TraceEvent| emit_lane(&sink, ev, sink.ms_at(ev.at)))
}

/// Report the lane change `ev` makes, if any, at `t_ms`.
pub fn emit_lane(sink: &EventSink, ev: &TraceEvent, t_ms: f64) {
    if let Some(state) = lane_state(ev) {
        sink.emit(DemoEvent::Lane {
            t_ms,
            thread: ev.thread.to_string(),
            state,
        });
    }
}
