//! Load a content folder and print what was found (a quick check while writing lessons).
fn main() {
    let dir = std::env::args().nth(1).expect("usage: load_check DIR");
    match threadtutor::content::load(&threadtutor::content::Source::Dir(dir.into())) {
        Ok(c) => {
            for l in &c.lessons {
                println!("{} ({}): {} slides", l.id, l.part, l.slides.len());
            }
        }
        Err(ds) => {
            for d in ds {
                println!("{d}");
            }
        }
    }
}
