//! Live demos: the deck's ideas running on real OS threads built from
//! [`crate::pythreading`]. Each demo reports [`DemoEvent`]s over a bounded
//! channel, so the same run feeds the TUI's pictures and the headless
//! `threadtutor demo ID --json`. One demo, one file; the framework is in
//! `session` (running), `control` (pause/step/cancel), `params` and `event`;
//! what the demos share (thread crews, cancellable waits, observers, `Rng`)
//! is in [`kit`].

// The framework.
pub mod control;
pub mod event;
pub mod headless;
pub mod model;
pub mod params;
pub mod registry;
pub mod session;
pub mod trace;

// The demos' shared toolkit, one module: `Crew` (a run's threads, panics
// reported, always joined), waits that notice a cancel (`wait_until`,
// `put_until`, `get_until`, ...), lane and gauge observers, the seeded `Rng`
// and small measures for summaries.
pub mod kit;

// The demos, in the deck's order.
pub mod condition;
pub mod event_demo;
pub mod exceptions;
pub mod factory;
pub mod fibonacci;
pub mod gil;
pub mod lock;
pub mod queue_demo;
pub mod race;
pub mod rlock;
pub mod semaphore;
pub mod spider;
pub mod thread_order;
pub mod web;

pub use control::{Cancelled, Control};
pub use event::{DemoEvent, LaneState};
pub use params::{ParamKind, ParamSpec, Params, Value};
pub use session::{Ctx, Demo, DemoFailure, DemoInfo, EventSink, Narrator, Session};
