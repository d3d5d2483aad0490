//! The event loop: one inbox gives every input — keys, mouse, resizes read
//! on this thread; signals, highlighted code, save reports sent by workers —
//! so the loop is a single receive-update-draw cycle. The UI thread never
//! waits on the disk or on heavy work: those run on their own threads and
//! report back here. A frame is drawn only when something changed, and
//! while nothing is waiting the likely next frames are drawn ahead.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::classroom::Presenter;
use crate::content::{Content, Source};
use crate::progress::{SaveReport, Saver, Store};
use crate::runner::{self, RunHandle};

use super::app::{App, AppEvent, Effect, Screen};
use super::demo::Back;
use super::highlight::Highlighter;
use super::inbox::{Inbox, Post};
use super::quiz::QuizView;
use super::terminal::{self, Tui};
use super::theme::{ColorDepth, Theme, ThemeName};
use super::view;
use crate::content::quiz::Quiz;

/// How the TUI was asked to look and behave.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub theme: ThemeName,
    pub no_color: bool,
    /// `--watch`: reload lessons and quizzes from this folder when it changes.
    pub watch: Option<PathBuf>,
    /// `--reduce-motion`: no animations or spinners.
    pub reduce_motion: bool,
}

/// Run the tutorial until the learner quits. Errors are one-line messages.
pub fn run(content: Content, store: Store, opts: Options) -> Result<(), String> {
    run_with(content, store, opts, None, |_| {})
}

/// Present mode (`threadtutor present [LESSON]`): full-screen slides from
/// `lesson` (an index), publishing each move on the speaker-notes socket
/// (or, when it could not be opened, saying so in a banner).
pub fn run_present(
    content: Content,
    lesson: usize,
    store: Store,
    opts: Options,
    presenter: Result<Presenter, String>,
) -> Result<(), String> {
    let (presenter, warning) = match presenter {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(format!("No speaker notes this time: {e}"))),
    };
    run_with(content, store, opts, presenter, move |app| {
        app.start_presenting(lesson);
        if warning.is_some() {
            app.banner = warning;
        }
    })
}

/// Take one quiz (`threadtutor quiz ID`), then quit.
pub fn run_quiz(
    content: Content,
    quiz: Quiz,
    seed: Option<u64>,
    store: Store,
    opts: Options,
) -> Result<(), String> {
    run_with(content, store, opts, None, move |app| {
        let seed = seed.unwrap_or_else(crate::quiz::shuffle::fresh_seed);
        let mut view = QuizView::new(quiz, &[], seed, Back::Home);
        // A quiz left half-way offers to resume.
        if let Some(p) = app.progress.paused_quiz(&view.quiz.id) {
            view.offer_resume(p.clone());
        }
        app.screen = Screen::Quiz(Box::new(view));
        app.quit_on_leave = true;
    })
}

/// `threadtutor exercise watch [DIR]`: the exercises full-screen, each save
/// in `dir` checked; leaving the screen ends the program.
pub fn run_exercises(
    content: Content,
    dir: PathBuf,
    store: Store,
    opts: Options,
) -> Result<(), String> {
    run_with(content, store, opts, None, move |app| {
        app.exercise_dir = dir;
        app.open_exercises(None, Back::Home);
        app.quit_on_leave = true;
    })
}

/// Run with the app set up by `setup` before the first frame.
fn run_with(
    content: Content,
    store: Store,
    opts: Options,
    presenter: Option<Presenter>,
    setup: impl FnOnce(&mut App),
) -> Result<(), String> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(
            "the tutorial needs a terminal (stdin or stdout is not one); to read a lesson as text, try `threadtutor show LESSON` (see `threadtutor lessons`)"
                .into(),
        );
    }
    if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
        return Err(
            "this terminal (TERM=dumb) cannot show the full-screen interface; try `threadtutor --plain` for the lessons as plain text"
                .into(),
        );
    }
    let loaded = store.load();
    let theme = Theme::new(opts.theme, ColorDepth::from_env(opts.no_color));
    let mut app = App::new(Arc::new(content), theme, loaded.progress);
    app.banner = loaded.warning;
    app.reduce_motion = opts.reduce_motion;
    setup(&mut app);

    let mut tui = terminal::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    // First frame before anything that can wait.
    let drawn = draw(&mut tui, &mut app);

    let (mut inbox, tx) = match Inbox::new() {
        Ok(pair) => pair,
        Err(e) => {
            terminal::restore();
            return Err(format!("cannot watch the terminal's input: {e}"));
        }
    };
    // A resize between the first frame and the inbox watching for it was
    // missed: draw again at the new size.
    let drawn = drawn.and_then(|_| match crossterm::terminal::size() {
        Ok(now) if app.size != Some(now) => draw(&mut tui, &mut app),
        Ok(_) | Err(_) => Ok(()),
    });
    spawn_signals(tx.clone());
    let hl_tx = tx.clone();
    let highlighter = Highlighter::spawn(move |h| {
        hl_tx.send(AppEvent::Highlighted(h));
    });
    let consent = Consent::new(&store);
    let save_tx = tx.clone();
    let saver = Saver::spawn(store, move |r: SaveReport| {
        save_tx.send(AppEvent::Saved(r));
    });
    let watcher = match &opts.watch {
        Some(dir) => Some(watch(dir, tx.clone()).map_err(|e| {
            terminal::restore();
            format!("cannot watch {}: {e}", dir.display())
        })?),
        None => None,
    };
    let mut workers = Workers {
        highlighter,
        saver,
        events: tx,
        run: None,
        pending_save: None,
        save_due: Instant::now(),
        presenter,
        consent,
        _watcher: watcher,
        exercise_watch: None,
        exercise_check: None,
    };

    let result = drawn.and_then(|_| event_loop(&mut tui, &mut app, &mut inbox, &mut workers));
    // From here a second Ctrl-C or SIGTERM ends the process at once.
    LEAVING.store(true, Ordering::SeqCst);
    terminal::restore();
    // Write the last position before anything that could wait (the save
    // itself waits at most `store::LOCK_WAIT` for another process's lock).
    workers.pending_save = None;
    // A quiz half-way through when the tutorial quits (Ctrl-C) is kept to
    // resume, as if left with Esc.
    if let Screen::Quiz(q) = &app.screen
        && q.worth_keeping()
    {
        let paused = q.paused((app.clock)());
        app.progress.pause_quiz(&q.quiz.id.clone(), paused);
    }
    workers.saver.save(&app.progress);
    let save_failed = workers.saver.finish();
    if let Some(run) = workers.run.take() {
        run.stop_and_wait();
    }
    // The learner is told on the way out when the last save failed (e.g.
    // another process held the lock): the screen is restored by now.
    if let Some(why) = save_failed {
        eprintln!("threadtutor: {}", crate::content::sanitize::inert(&why));
    }
    result.map_err(|e| format!("terminal error: {e}"))
}

/// Set once the main loop has ended: a signal then ends the process.
static LEAVING: AtomicBool = AtomicBool::new(false);

/// What a job-control event asks of the loop.
enum Job {
    /// Ctrl-Z or SIGTSTP: stop until continued.
    Suspend,
    /// SIGCONT (after a stop from outside): full-screen mode again, redrawn.
    Resume,
}

fn job_control(ev: &AppEvent) -> Option<Job> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
    use signal_hook::consts::{SIGCONT, SIGTSTP};
    match ev {
        AppEvent::Input(Event::Key(k))
            if k.code == KeyCode::Char('z')
                && k.modifiers.contains(KeyModifiers::CONTROL)
                && k.kind != KeyEventKind::Release =>
        {
            Some(Job::Suspend)
        }
        AppEvent::Signal(SIGTSTP) => Some(Job::Suspend),
        AppEvent::Signal(SIGCONT) => Some(Job::Resume),
        _ => None,
    }
}

/// Hand `ev` to the app, unless it is job control, which the loop does
/// itself. Returns whether a frame must be drawn.
fn update(tui: &mut Tui, app: &mut App, ev: AppEvent) -> io::Result<bool> {
    match job_control(&ev) {
        Some(Job::Suspend) => terminal::suspend(tui)?,
        Some(Job::Resume) => terminal::resume(tui)?,
        None => return Ok(app.update(ev)),
    }
    Ok(true)
}

/// The background workers the loop hands effects to.
struct Workers {
    highlighter: Highlighter,
    saver: Saver,
    /// For workers started later (code runs) to report back.
    events: Post,
    run: Option<RunHandle>,
    /// The newest progress not yet handed to the saver, and when it is due.
    pending_save: Option<crate::progress::Progress>,
    save_due: Instant,
    /// Present mode's speaker-notes socket.
    presenter: Option<Presenter>,
    /// Whether code from this content set may run.
    consent: Consent,
    /// `--watch`: kept alive while the loop runs.
    _watcher: Option<notify::RecommendedWatcher>,
    /// The exercise folder being watched, and its watcher.
    exercise_watch: Option<(PathBuf, notify::RecommendedWatcher)>,
    /// Stops the exercise check under way when a newer one starts.
    exercise_check: Option<Arc<std::sync::atomic::AtomicBool>>,
}

/// Running code from a `--content` folder asks first, once per folder.
struct Consent {
    /// The data folder and the content set's key; None: built-in lessons.
    gate: Option<(PathBuf, String)>,
    /// The question was put this session (the next `r` answers yes).
    asked: bool,
}

impl Consent {
    fn new(store: &Store) -> Consent {
        let gate = store
            .set()
            .map(|key| (store.dir().to_path_buf(), key.to_string()))
            .filter(|(dir, key)| !crate::progress::trust::is_trusted(dir, key));
        Consent { gate, asked: false }
    }

    /// None: run. Some(lines): do not run; the lines ask.
    fn ask(&mut self) -> Option<Vec<String>> {
        let (dir, key) = self.gate.as_ref()?;
        if !self.asked {
            self.asked = true;
            return Some(vec![
                format!(
                    "Not run: this code is from {} (--content), not from threadtutor.",
                    crate::content::sanitize::inert(key)
                ),
                "Running it runs python3 as you, with access to your files.".into(),
                "Press r again to run it (asked once per content folder).".into(),
            ]);
        }
        // The learner said yes; remembering it is a convenience.
        let _ = crate::progress::trust::trust(dir, key);
        self.gate = None;
        None
    }
}

/// How long a progress change may wait before it is written.
const SAVE_EVERY: Duration = Duration::from_secs(1);

/// Most workers' reports taken in before a frame is drawn.
const MESSAGES_PER_FRAME: usize = 256;

/// How long lesson code may run.
const RUN_LIMIT: Duration = Duration::from_secs(15);

/// Set this to make the first key press panic the UI thread: the tests use
/// it to check that a panic restores the terminal and prints its message.
pub const TEST_PANIC_ENV: &str = "THREADTUTOR_TEST_PANIC";

fn event_loop(
    tui: &mut Tui,
    app: &mut App,
    inbox: &mut Inbox,
    workers: &mut Workers,
) -> io::Result<()> {
    let panic_on_key = std::env::var_os(TEST_PANIC_ENV).is_some();
    let tick = app.tick_interval();
    let mut last_tick = Instant::now();
    // Present mode's clock is redrawn once a second.
    let mut last_clock = Instant::now();
    // An event taken after the last frame, to handle before waiting again.
    let mut carried: Option<AppEvent> = None;
    loop {
        for effect in app.take_effects() {
            match effect {
                // Saves are gathered: at most one write a second while
                // the learner pages, and always one on the way out.
                Effect::Save(p) => {
                    if workers.pending_save.is_none() {
                        workers.save_due = Instant::now() + SAVE_EVERY;
                    }
                    workers.pending_save = Some(p);
                }
                Effect::Highlight(job) => workers.highlighter.request(job),
                Effect::StartRun { id, source } => {
                    if let Some(old) = workers.run.take() {
                        old.stop();
                    }
                    if let Some(lines) = workers.consent.ask() {
                        // The question, in the run's own panel.
                        for line in lines {
                            app.update(AppEvent::Run {
                                id,
                                event: runner::RunEvent::Stderr(line),
                            });
                        }
                        app.update(AppEvent::Run {
                            id,
                            event: runner::RunEvent::NotStarted(
                                "not run yet: press r to run it".into(),
                            ),
                        });
                        draw(tui, app)?;
                        continue;
                    }
                    let tx = workers.events.clone();
                    workers.run = Some(runner::start(
                        &runner::python(),
                        &source,
                        RUN_LIMIT,
                        move |event| {
                            tx.send(AppEvent::Run { id, event });
                        },
                    ));
                }
                Effect::StopRun => {
                    if let Some(old) = workers.run.take() {
                        old.stop();
                    }
                }
                Effect::Publish(notes) => {
                    if let Some(p) = &workers.presenter {
                        p.publish(&notes);
                    }
                }
                Effect::Announce(message) => {
                    if let Some(p) = &workers.presenter {
                        p.announce(message);
                    }
                }
                Effect::Prove(level) => prove(*level, workers.events.clone()),
                Effect::CheckExercise { id, file } => {
                    check_exercise(app, workers, id, file);
                }
                Effect::WatchExercises(dir) => {
                    // One watcher, for the folder last asked for.
                    if workers
                        .exercise_watch
                        .as_ref()
                        .is_none_or(|(d, _)| *d != dir)
                    {
                        workers.exercise_watch = watch_exercises(&dir, workers.events.clone())
                            .ok()
                            .map(|w| (dir, w));
                    }
                }
                Effect::InitExercises(dir) => {
                    let exercises = app.content.exercises.clone();
                    let tx = workers.events.clone();
                    let _ = thread::Builder::new()
                        .name("exercise-init".into())
                        .spawn(move || {
                            let said = match crate::exercise::write_starters(&exercises, &dir) {
                                Ok(w) => w.summary(&dir).replace('\n', "; "),
                                Err(e) => e,
                            };
                            tx.send(AppEvent::Said(said));
                        });
                }
                Effect::Edit(file) => edit(tui, app, &file)?,
            }
        }
        if app.quit {
            return Ok(());
        }
        // While a demo runs, take in its events ~30 times a second, even
        // when keys keep arriving; otherwise sleep until something happens.
        if workers.pending_save.is_some()
            && Instant::now() >= workers.save_due
            && let Some(p) = workers.pending_save.take()
        {
            workers.saver.save(&p);
        }
        // Sleep until an event, the next demo tick, or a due save.
        let mut deadline = None;
        if app.needs_tick() {
            deadline = Some(last_tick + tick);
        }
        if app.presenting().is_some() {
            let next = last_clock + Duration::from_secs(1);
            deadline = Some(deadline.map_or(next, |d: Instant| d.min(next)));
        }
        if workers.pending_save.is_some() {
            deadline =
                Some(deadline.map_or(workers.save_due, |d: Instant| d.min(workers.save_due)));
        }
        let first = match carried.take() {
            Some(ev) => ev,
            None => match inbox.next(deadline)? {
                Some(ev) => ev,
                None if app.needs_tick() => AppEvent::Tick,
                None if app.presenting().is_some()
                    && last_clock.elapsed() >= Duration::from_secs(1) =>
                {
                    last_clock = Instant::now();
                    AppEvent::Tick
                }
                None => continue,
            },
        };
        if panic_on_key && matches!(first, AppEvent::Input(crossterm::event::Event::Key(_))) {
            panic!("test panic requested by {TEST_PANIC_ENV}");
        }
        let mut dirty = update(tui, app, first)?;
        if last_tick.elapsed() >= tick {
            last_tick = Instant::now();
            dirty |= app.update(AppEvent::Tick);
        }
        // Take the workers' reports already waiting (this costs no system
        // call, so the frame is not held up), up to a frame's worth: a
        // flood of output must not keep the next key waiting. The rest are
        // taken after the frame, with the input.
        for _ in 0..MESSAGES_PER_FRAME {
            let Some(more) = inbox.try_message() else {
                break;
            };
            dirty |= update(tui, app, more)?;
        }
        if dirty && !app.quit {
            draw(tui, app)?;
            // Input that came meanwhile is taken next.
            carried = inbox.try_next()?;
        }
    }
}

/// Watch `dir` for changes; each burst of changes is loaded again on a
/// worker thread and reported as [`AppEvent::Reloaded`].
fn watch(dir: &Path, tx: Post) -> notify::Result<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let (ntx, nrx) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && !ev.kind.is_access()
        {
            let _ = ntx.send(());
        }
    })?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    let dir = dir.to_path_buf();
    let _ = thread::Builder::new().name("reload".into()).spawn(move || {
        while nrx.recv().is_ok() {
            // An editor's save is several events: wait for the burst to end.
            while nrx.recv_timeout(Duration::from_millis(150)).is_ok() {}
            let result = match crate::content::load(&Source::Dir(dir.clone())) {
                Ok(c) => Ok(Box::new(c)),
                Err(diags) => Err(diags.iter().map(|d| d.to_string()).collect()),
            };
            if !tx.send(AppEvent::Reloaded(result)) {
                break;
            }
        }
    });
    Ok(watcher)
}

/// Signals come to the loop as events: SIGTERM, SIGHUP and SIGINT quit
/// (saving progress), SIGTSTP suspends, SIGCONT redraws. Once the loop has
/// ended, SIGTERM, SIGHUP or SIGINT ends the process at once (the terminal
/// is restored first), so a quit that waits can always be cut short.
fn spawn_signals(tx: Post) {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
    let Ok(mut signals) =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT])
    else {
        return;
    };
    let _ = thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                let stop = sig == SIGTERM || sig == SIGHUP || sig == SIGINT;
                if LEAVING.load(Ordering::SeqCst) {
                    if stop {
                        terminal::restore();
                        std::process::exit(128 + sig);
                    }
                    if sig == SIGTSTP {
                        let _ = signal_hook::low_level::emulate_default_handler(sig);
                    }
                    continue;
                }
                // The loop may have ended between the check and the send.
                if !tx.send(AppEvent::Signal(sig)) && stop {
                    terminal::restore();
                    std::process::exit(128 + sig);
                }
            }
        });
}

/// Draw the app's current frame (in ASCII under a locale that is not UTF-8).
fn draw(tui: &mut Tui, app: &mut App) -> io::Result<()> {
    let ascii = ascii_only();
    tui.draw(|f| {
        view::draw(f, app);
        if ascii {
            super::ascii::asciify(f.buffer_mut());
        }
        app.cursor
    })
}

/// Prove a level's fixed version on a worker (up to a second of search).
fn prove(level: crate::content::challenge::Challenge, tx: Post) {
    let _ = thread::Builder::new()
        .name("challenge-proof".into())
        .spawn(move || {
            let result = level.solve(
                crate::challenge::Variant::Fixed,
                crate::challenge::Limits::default(),
            );
            tx.send(AppEvent::Proved {
                id: level.id.clone(),
                result,
            });
        });
}

/// Check an exercise's file on a worker; a check still running for an
/// older save is cancelled (its process group killed).
fn check_exercise(app: &App, workers: &mut Workers, id: String, file: PathBuf) {
    use std::sync::atomic::{AtomicBool, Ordering};
    if let Some(old) = workers.exercise_check.take() {
        old.store(true, Ordering::SeqCst);
    }
    let Some(exercise) = app.content.exercises.iter().find(|e| e.id == id).cloned() else {
        return;
    };
    let cancel = Arc::new(AtomicBool::new(false));
    workers.exercise_check = Some(Arc::clone(&cancel));
    let tx = workers.events.clone();
    let _ = thread::Builder::new()
        .name("exercise-check".into())
        .spawn(move || {
            use crate::exercise::{self, CheckError};
            let result = exercise::find_python()
                .map_err(|e| CheckError::Harness(e.to_string()))
                .and_then(|python| {
                    let source = exercise::read_source(&file)?;
                    let name = format!("{}.py", exercise.id);
                    exercise::check_source_cancellable(
                        &python,
                        &exercise,
                        &name,
                        &source,
                        &exercise::Options::default(),
                        &cancel,
                    )
                });
            if !cancel.load(Ordering::SeqCst) {
                tx.send(AppEvent::ExerciseChecked {
                    id,
                    result: Box::new(result),
                });
            }
        });
}

/// Watch the exercise folder: each burst of changes to a `.py` file is
/// reported once per file, within a second of the save.
fn watch_exercises(dir: &Path, tx: Post) -> notify::Result<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let (ntx, nrx) = mpsc::channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && !ev.kind.is_access()
        {
            for p in ev.paths {
                if p.extension().is_some_and(|e| e == "py") {
                    let _ = ntx.send(p);
                }
            }
        }
    })?;
    watcher.watch(dir, RecursiveMode::NonRecursive)?;
    let _ = thread::Builder::new()
        .name("exercise-watch".into())
        .spawn(move || {
            while let Ok(first) = nrx.recv() {
                // An editor's save is several events: wait for the burst.
                let mut changed = vec![first];
                while let Ok(p) = nrx.recv_timeout(Duration::from_millis(150)) {
                    if !changed.contains(&p) {
                        changed.push(p);
                    }
                }
                for p in changed {
                    if !tx.send(AppEvent::ExerciseFileChanged(p)) {
                        return;
                    }
                }
            }
        });
    Ok(watcher)
}

/// Hand the terminal to the learner's editor (`$VISUAL`, else `$EDITOR`)
/// for `file`, and take it back afterwards; the file's save is checked by
/// the watcher as any other.
fn edit(tui: &mut Tui, app: &mut App, file: &Path) -> io::Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|e| !e.is_empty());
    let Some(editor) = editor else {
        app.status = Some(format!(
            "Set $EDITOR to a terminal editor, or edit {} in another window: it is checked on every save.",
            file.display()
        ));
        return Ok(());
    };
    terminal::restore();
    // The editor's command may carry arguments (`code -w`): a shell splits it.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("exec $THREADTUTOR_EDITOR \"$1\"")
        .arg("sh")
        .arg(file)
        .env("THREADTUTOR_EDITOR", &editor)
        .status();
    *tui = terminal::enter()?;
    if let Err(e) = status {
        app.status = Some(format!("cannot start the editor: {e}"));
    }
    Ok(())
}

/// Does the locale say the terminal takes something other than UTF-8?
fn ascii_only() -> bool {
    static ASCII: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ASCII.get_or_init(|| super::ascii::locale_is_ascii(|k| std::env::var(k).ok()))
}
