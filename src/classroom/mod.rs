//! The classroom link between a presenting instance (`threadtutor present`)
//! and its speaker-notes followers (`threadtutor notes`): a line-based JSON
//! message over a Unix domain socket in the user's runtime directory. No
//! terminal here, and no network port.

pub mod protocol;
pub mod socket;

pub use protocol::{Message, Notes, Problems, Projector, Showing};
pub use socket::{Follower, FollowerEvent, Presenter, socket_path};
