//! Live demos: the deck's ideas running on real OS threads built from
//! [`crate::pythreading`]. Each demo reports [`DemoEvent`]s over a bounded
//! channel, so the same run feeds the TUI's pictures and the headless
//! `threadtutor demo ID --json`. One demo, one file; the framework is in
//! `session` (running), `control` (pause/step/cancel), `params` and `event`.

pub mod control;
pub mod event;
pub mod headless;
pub mod model;
pub mod params;
pub mod registry;
pub mod session;
pub mod trace;

// Demos (deck order) and what they share.
pub mod gil;
pub mod kit;
pub mod lock;
pub mod race;
pub mod rlock;
pub mod semaphore;
pub mod thread_order;

pub use control::{Cancelled, Control};
pub use event::{DemoEvent, LaneState};
pub use params::{ParamKind, ParamSpec, Params, Value};
pub use session::{Ctx, Demo, DemoFailure, DemoInfo, EventSink, Session};
