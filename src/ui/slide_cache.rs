//! What the app keeps so that paging costs little: slides already laid
//! out (by slide, step and width) and the colours of highlighted code
//! (asked of the highlighter thread once per block, [`Effect::Highlight`]).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use ratatui::text::Line;

use crate::content::Code;
use crate::content::slide_ir::SlideIr;

use super::app::{App, Effect};
use super::highlight::{self, Job};
use super::layout::{Laid, lay_out_titled};

/// Laid-out slides of one lesson, by (slide, step, width). Emptied when
/// another lesson is drawn, when highlighted code arrives and when the
/// content is reloaded, so it never outgrows a lesson.
#[derive(Debug, Default)]
pub(super) struct LayoutCache {
    /// Which content the entries were laid out from (its address).
    content: usize,
    lesson: usize,
    slides: HashMap<(usize, usize, u16), Rc<Laid>>,
}

impl App {
    /// The slide `slide` of lesson `lesson` at reveal `step`, laid out for
    /// `width` columns; from the cache when it was laid out before.
    pub fn laid_out(&self, lesson: usize, slide: usize, step: usize, width: u16) -> Rc<Laid> {
        let mut cache = self.layouts.borrow_mut();
        let content = Arc::as_ptr(&self.content) as usize;
        if cache.lesson != lesson || cache.content != content {
            cache.slides.clear();
            cache.lesson = lesson;
            cache.content = content;
        }
        Rc::clone(cache.slides.entry((slide, step, width)).or_insert_with(|| {
            let s = &self.content.lessons[lesson].slides[slide];
            Rc::new(lay_out_titled(
                s,
                step,
                width,
                &self.theme,
                &|code| self.highlighted(code),
                &|id| self.content.quiz(id).and_then(|q| q.title.clone()),
            ))
        }))
    }

    /// Forget every laid-out slide (their code colours or text changed).
    pub(super) fn forget_layouts(&self) {
        self.layouts.borrow_mut().slides.clear();
    }

    /// Ask for every code block of a lesson to be highlighted, once.
    pub(super) fn prefetch_highlights(&mut self, lesson: usize) {
        let content = Arc::clone(&self.content);
        let mut all: Vec<&Code> = Vec::new();
        for slide in &content.lessons[lesson].slides {
            all.extend(SlideIr::build(slide).code());
        }
        for code in all {
            let key = highlight::key(&code.language, &code.source, self.theme.syntax_theme);
            if self.requested.insert(key) {
                self.effects.push(Effect::Highlight(Job {
                    key,
                    language: code.language.clone(),
                    source: code.source.clone(),
                    theme: self.theme.syntax_theme,
                }));
            }
        }
    }

    /// Highlighted lines for a code block, if they have arrived.
    pub fn highlighted(&self, code: &Code) -> Option<Arc<Vec<Line<'static>>>> {
        self.highlights
            .get(&highlight::key(
                &code.language,
                &code.source,
                self.theme.syntax_theme,
            ))
            .cloned()
    }
}
