//! The classroom link between a presenting instance (`threadtutor present`)
//! and its speaker-notes followers (`threadtutor notes`): a line-based JSON
//! message over a Unix domain socket in the user's runtime directory. No
//! terminal here, and no network port.

pub mod protocol;
pub mod socket;

pub use protocol::{Message, Notes, Problems, Projector, Showing};
pub use socket::{Follower, FollowerEvent, Presenter, socket_path};

/// A talk's elapsed time as the presenter and the notes show it: `mm:ss`,
/// or `h:mm:ss` past an hour.
pub fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}
