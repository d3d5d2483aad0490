//! Short answer: a one-line field (Enter submits), or a few lines when the
//! question asks for them (Ctrl-S submits). Drawn as the answer box of
//! [`super::free_text`].

use crossterm::event::{KeyCode, KeyEvent};

use crate::content::quiz::{ResponseFormat, ShortAnswer};
use crate::ui::textarea::TextArea;

use super::Step;

/// The field a short answer is typed in.
pub fn new(sa: &ShortAnswer) -> TextArea {
    TextArea::new(sa.response != ResponseFormat::Short)
}

/// A key in a text field: Enter submits a one-line answer; everything else
/// edits (a long answer's Enter is a new line).
pub fn on_key(ta: &mut TextArea, key: KeyEvent) -> Step {
    if key.code == KeyCode::Enter && !ta.multiline {
        return Step::Submit;
    }
    ta.on_key(key);
    Step::Stay
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    #[test]
    fn enter_submits_one_line_and_breaks_a_long_one() {
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        let mut one = TextArea::new(false);
        assert_eq!(on_key(&mut one, enter), Step::Submit);
        let mut many = TextArea::new(true);
        many.insert_str("a");
        assert_eq!(on_key(&mut many, enter), Step::Stay);
        assert_eq!(many.text(), "a\n");
    }
}
