//! Engine semantics on small programs: blocking, conditions, events,
//! queues, joins, exceptions, `finally`, livelock, and the solver.

use std::sync::Arc;

use super::compile::{ThreadSource, compile_program};
use super::game::{Game, Goal, Move, Outcome, ThreadStatus, parse_schedule};
use super::solve::{Limits, solve_program};

fn prog(setup: &str, threads: &[&str], after: Option<&str>) -> Arc<super::compile::Program> {
    let ts: Vec<ThreadSource> = threads
        .iter()
        .enumerate()
        .map(|(i, c)| ThreadSource {
            name: format!("Thread-{}", i + 1),
            code: c.to_string(),
            daemon: false,
            var: None,
        })
        .collect();
    Arc::new(compile_program(setup, after, &ts).unwrap_or_else(|e| panic!("{e:?}")))
}

fn game(setup: &str, threads: &[&str], after: Option<&str>, goal: Goal) -> Game {
    Game::from_program(prog(setup, threads, after), goal).unwrap()
}

fn play(g: &mut Game, schedule: &str) {
    let moves = parse_schedule(schedule).unwrap();
    if let Err((n, e)) = g.replay(&moves) {
        panic!("step {n}: {e}");
    }
}

fn solve(setup: &str, threads: &[&str], after: Option<&str>, goal: Goal) -> super::Solution {
    solve_program(&prog(setup, threads, after), &goal, Limits::default()).unwrap()
}

const COUNTER: &str = "global total\ntotal += 1\n";

#[test]
fn lost_update_by_bytecode_steps() {
    let mut g = game(
        "total = 0\n",
        &[COUNTER, COUNTER],
        Some("assert total == 2\n"),
        Goal::Assert,
    );
    assert!(g.threads()[0].expandable);
    assert_eq!(g.threads()[0].bytecode.len(), 4);
    play(&mut g, "1e,2,1");
    assert!(
        matches!(g.outcome(), Outcome::Win { .. }),
        "{:?}",
        g.outcome()
    );
    assert_eq!(g.globals(), vec![("total".to_string(), "1".to_string())]);
    let story = g.narration();
    assert_eq!(
        story[0],
        "1. Thread-1 (line 2, one bytecode): read total = 0."
    );
    assert!(
        story.contains(&"Thread-1 read total = 0 before Thread-2 stored 1; then Thread-1 stored 1 over it, and Thread-2's update was lost.".to_string()),
        "{story:#?}"
    );
    assert!(
        story
            .last()
            .unwrap()
            .starts_with("Won: the final check failed")
    );
    // Statement steps alone cannot lose the update.
    let mut g2 = game(
        "total = 0\n",
        &[COUNTER, COUNTER],
        Some("assert total == 2\n"),
        Goal::Assert,
    );
    play(&mut g2, "1,2");
    assert!(matches!(g2.outcome(), Outcome::Loss { .. }));
    let s = solve(
        "total = 0\n",
        &[COUNTER, COUNTER],
        Some("assert total == 2\n"),
        Goal::Assert,
    );
    assert_eq!(s.schedule.as_deref(), Some("1e,2,1"));
}

#[test]
fn atomic_statements_cannot_be_expanded() {
    let mut g = game(
        "lock = threading.Lock()\nx = 0\n",
        &["lock.acquire()\ny = 1\n"],
        None,
        Goal::Deadlock,
    );
    let t = &g.threads()[0];
    assert!(!t.expandable);
    let e = g
        .step(Move {
            thread: 0,
            expand: true,
        })
        .unwrap_err();
    assert!(e.to_string().contains("atomic"), "{e}");
}

#[test]
fn a_held_lock_blocks_and_says_by_whom() {
    let lockstep = "lock.acquire()\nlock.release()\n";
    let mut g = game(
        "lock = threading.Lock()\n",
        &[lockstep, lockstep],
        None,
        Goal::Deadlock,
    );
    play(&mut g, "1");
    match &g.threads()[1].status {
        ThreadStatus::Blocked(why) => assert!(why.contains("held by Thread-1"), "{why}"),
        s => panic!("{s:?}"),
    }
    let e = g
        .step(Move {
            thread: 1,
            expand: false,
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Thread-2 is blocked: acquire lock, held by Thread-1"
    );
    assert_eq!(g.objects()[0].owner.as_deref(), Some("Thread-1"));
    play(&mut g, "1,2,2");
    assert!(matches!(g.outcome(), Outcome::Loss { .. }));
}

#[test]
fn misusing_lock_deadlocks_itself_and_rlock_does_not() {
    let t = "lock.acquire()\nlock.acquire()\nlock.release()\nlock.release()\n";
    let s = solve("lock = threading.Lock()\n", &[t], None, Goal::Deadlock);
    assert_eq!(s.schedule.as_deref(), Some("1"));
    let s = solve("lock = threading.RLock()\n", &[t], None, Goal::Deadlock);
    assert!(!s.winnable && s.exhaustive);
}

#[test]
fn cpython_messages_for_misuse() {
    let cases = [
        (
            "l = threading.Lock()\n",
            "l.release()\n",
            "RuntimeError: release unlocked lock",
        ),
        (
            "l = threading.RLock()\n",
            "l.release()\n",
            "RuntimeError: cannot release un-acquired lock",
        ),
        (
            "s = threading.BoundedSemaphore(1)\n",
            "s.release()\n",
            "ValueError: Semaphore released too many times",
        ),
        ("q = queue.Queue()\n", "q.get_nowait()\n", "queue.Empty"),
        ("x = []\n", "x.pop()\n", "IndexError: pop from empty list"),
        (
            "c = threading.Condition()\n",
            "c.wait()\n",
            "RuntimeError: cannot wait on un-acquired lock",
        ),
        (
            "c = threading.Condition()\n",
            "c.notify()\n",
            "RuntimeError: cannot notify on un-acquired lock",
        ),
        (
            "q = queue.Queue()\n",
            "q.task_done()\n",
            "ValueError: task_done() called too many times",
        ),
        ("d = {}\n", "y = d['k']\n", "KeyError: 'k'"),
        (
            "x = 0\n",
            "y = 1 // x\n",
            "ZeroDivisionError: integer division or modulo by zero",
        ),
    ];
    for (setup, code, want) in cases {
        let mut g = game(setup, &[code], None, Goal::Exception(None));
        play(&mut g, "1");
        match &g.threads()[0].status {
            ThreadStatus::Died(e) => assert!(e.starts_with(want), "{code}: {e}"),
            s => panic!("{code}: {s:?}"),
        }
        assert!(matches!(g.outcome(), Outcome::Win { .. }));
    }
}

#[test]
fn condition_wait_under_if_lets_an_item_be_stolen() {
    let consumer = "with cond:\n    if not items:\n        cond.wait()\n    items.pop()\n";
    let producer = "with cond:\n    items.append(1)\n    cond.notify()\n";
    let setup = "items = []\ncond = threading.Condition()\n";
    let s = solve(
        setup,
        &[consumer, consumer, producer],
        None,
        Goal::Exception(Some("IndexError".into())),
    );
    assert!(s.winnable, "{s:?}");
    let mut g = game(
        setup,
        &[consumer, consumer, producer],
        None,
        Goal::Exception(Some("IndexError".into())),
    );
    play(&mut g, s.schedule.as_deref().unwrap());
    assert!(matches!(g.outcome(), Outcome::Win { .. }));
    let fixed = "with cond:\n    while not items:\n        cond.wait()\n    items.pop()\n";
    let s = solve(
        setup,
        &[fixed, fixed, producer, producer],
        None,
        Goal::Exception(None),
    );
    assert!(!s.winnable && s.exhaustive, "{s:?}");
    let w = "with cond:\n    cond.wait_for(lambda: len(items) > 0)\n    items.pop()\n";
    let s = solve(
        setup,
        &[w, w, producer, producer],
        None,
        Goal::Exception(None),
    );
    assert!(!s.winnable && s.exhaustive, "{s:?}");
}

#[test]
fn a_notify_before_the_wait_is_lost() {
    let setup = "cond = threading.Condition()\n";
    let waiter = "with cond:\n    cond.wait()\n";
    let notifier = "with cond:\n    cond.notify()\n";
    let mut g = game(setup, &[waiter, notifier], None, Goal::Deadlock);
    play(&mut g, "2,2,2,1,1");
    assert!(
        matches!(g.outcome(), Outcome::Win { .. }),
        "{:?}",
        g.narration()
    );
    // In the other order the waiter wakes: two steps for the wait.
    let mut g = game(setup, &[waiter, notifier], None, Goal::Deadlock);
    play(&mut g, "1,1");
    assert!(matches!(g.threads()[0].status, ThreadStatus::Blocked(_)));
    assert_eq!(g.objects()[0].waiters, vec!["Thread-1".to_string()]);
    play(&mut g, "2,2");
    // Notified but the notifier still holds the lock.
    assert!(
        matches!(g.threads()[0].status, ThreadStatus::Blocked(ref w) if w.contains("notified"))
    );
    play(&mut g, "2,1,1");
    assert!(
        matches!(g.outcome(), Outcome::Loss { .. }),
        "{:?}",
        g.outcome()
    );
}

#[test]
fn events_queues_barriers_and_joins() {
    // Event: wait returns once set, even if cleared before the waiter runs.
    let mut g = game(
        "e = threading.Event()\nseen = []\n",
        &["e.wait()\nseen.append(1)\n", "e.set()\ne.clear()\n"],
        Some("assert len(seen) == 0\n"),
        Goal::Assert,
    );
    play(&mut g, "1,2,2,1,1");
    // The waiter went on: the final check (no item seen) fails.
    assert!(
        matches!(g.outcome(), Outcome::Win { .. }),
        "{:?}",
        g.outcome()
    );
    assert_eq!(g.globals()[0].1, "[1]");
    // A worker blocked on a full one-slot queue, joined by main: deadlock.
    let ts = vec![
        ThreadSource {
            name: "MainThread".into(),
            code: "worker.join()\nq.get()\n".into(),
            daemon: false,
            var: None,
        },
        ThreadSource {
            name: "worker".into(),
            code: "q.put(1)\nq.put(2)\n".into(),
            daemon: false,
            var: Some("worker".into()),
        },
    ];
    let p = Arc::new(compile_program("q = queue.Queue(1)\n", None, &ts).unwrap());
    let s = solve_program(&p, &Goal::Deadlock, Limits::default()).unwrap();
    // The worker fills the queue and blocks on its second put; main is
    // already joining it.
    assert_eq!(s.schedule.as_deref(), Some("2"));
    // Barrier: nobody passes until all arrive.
    let b = "b.wait()\nout.append(1)\n";
    let mut g = game(
        "b = threading.Barrier(2)\nout = []\n",
        &[b, b],
        None,
        Goal::Deadlock,
    );
    play(&mut g, "1");
    assert!(matches!(g.threads()[0].status, ThreadStatus::Blocked(_)));
    play(&mut g, "2,1,1,2");
    assert_eq!(g.globals()[0].1, "[1, 1]");
}

#[test]
fn an_exception_without_finally_leaves_the_lock_held() {
    let setup = "lock = threading.Lock()\n";
    let bad = "lock.acquire()\nraise RuntimeError('boom')\nlock.release()\n";
    let other = "with lock:\n    pass\n";
    let s = solve(setup, &[bad, other], None, Goal::Deadlock);
    assert_eq!(s.schedule.as_deref(), Some("1,1"));
    let good =
        "lock.acquire()\ntry:\n    raise RuntimeError('boom')\nfinally:\n    lock.release()\n";
    let s = solve(setup, &[good, other], None, Goal::Deadlock);
    assert!(!s.winnable && s.exhaustive);
    // `with` releases on the way out of an exception too.
    let w = "with lock:\n    raise ValueError('x')\n";
    let s = solve(setup, &[w, other], None, Goal::Deadlock);
    assert!(!s.winnable);
}

#[test]
fn break_inside_with_releases() {
    let t = "while True:\n    with lock:\n        break\nx = 1\n";
    let s = solve("lock = threading.Lock()\n", &[t, t], None, Goal::Deadlock);
    assert!(!s.winnable && s.exhaustive, "{s:?}");
}

#[test]
fn polite_threads_livelock() {
    let t1 = "global f1\nwhile True:\n    f1 = True\n    if f2:\n        f1 = False\n    else:\n        break\ncritical_section()\nf1 = False\n";
    let t2 = "global f2\nwhile True:\n    f2 = True\n    if f1:\n        f2 = False\n    else:\n        break\ncritical_section()\nf2 = False\n";
    let setup = "f1 = False\nf2 = False\n";
    let s = solve(setup, &[t1, t2], None, Goal::Livelock);
    assert!(s.winnable, "{s:?}");
    let mut g = game(setup, &[t1, t2], None, Goal::Livelock);
    play(&mut g, s.schedule.as_deref().unwrap());
    assert!(
        matches!(g.outcome(), Outcome::Win { .. }),
        "{:?}",
        g.outcome()
    );
    // One thread spinning alone is not a livelock: the other never ran.
    let spin = "while not done:\n    pass\n";
    let mut g = game(
        "done = False\n",
        &[spin, "global done\ndone = True\n"],
        None,
        Goal::Livelock,
    );
    play(&mut g, "1,1,1,1");
    assert_eq!(g.outcome(), &Outcome::Running);
}

#[test]
fn daemon_threads_are_cut_off() {
    let ts = vec![
        ThreadSource {
            name: "writer".into(),
            code: "log.append('a')\nlog.append('b')\n".into(),
            daemon: true,
            var: None,
        },
        ThreadSource {
            name: "main".into(),
            code: "pass\n".into(),
            daemon: false,
            var: None,
        },
    ];
    let p = Arc::new(compile_program("log = []\n", Some("assert len(log) != 1\n"), &ts).unwrap());
    let s = solve_program(&p, &Goal::Assert, Limits::default()).unwrap();
    assert_eq!(s.schedule.as_deref(), Some("1,2"));
    let mut g = Game::from_program(p, Goal::Assert).unwrap();
    play(&mut g, "1,2");
    assert_eq!(g.threads()[0].status, ThreadStatus::CutOff);
}

#[test]
fn undo_and_restart_return_to_the_same_states() {
    let mut g = game(
        "total = 0\n",
        &[COUNTER, COUNTER],
        Some("assert total == 2\n"),
        Goal::Assert,
    );
    let h0 = g.state_hash();
    play(&mut g, "1e");
    let h1 = g.state_hash();
    play(&mut g, "2,1");
    assert!(g.undo());
    assert!(g.undo());
    assert_eq!(g.state_hash(), h1);
    assert_eq!(g.schedule(), "1e");
    g.restart();
    assert_eq!(g.state_hash(), h0);
    assert!(!g.undo());
}

#[test]
fn output_goal_and_print_formatting() {
    let mut g = game(
        "x = [1, 'a', None, True]\n",
        &["print('v', x, 2 * 3, {'k': 1})\n"],
        None,
        Goal::Output("v [1, 'a', None, True] 6 {'k': 1}\n".into()),
    );
    play(&mut g, "1");
    assert!(
        matches!(g.outcome(), Outcome::Win { .. }),
        "{:?}",
        g.output()
    );
}

#[test]
fn dis_listings_match_cpython_311_shapes() {
    let p = prog(
        "total = 0\nitems = []\n",
        &["global total\ntotal += 1\nx = total + 1\nitems.append(x)\n"],
        None,
    );
    let code = &p.threads[0].code;
    assert_eq!(
        code.stmts[0].dis,
        [
            "     2 LOAD_GLOBAL                  0 (total)",
            "    14 LOAD_CONST                   1 (1)",
            "    16 BINARY_OP                   13 (+=)",
            "    20 STORE_GLOBAL                 0 (total)",
        ]
    );
    assert_eq!(
        code.stmts[1].dis[3],
        "    20 STORE_FAST                   0 (x)"
    );
    // One shared access each (x is local): atomic as steps go.
    assert!(code.stmts[0].expandable);
    assert!(!code.stmts[1].expandable);
    assert!(!code.stmts[2].expandable);
}

#[test]
fn big_programs_compile_without_listing_huge_statements() {
    let items = vec!["0"; 5000].join(", ");
    let setup: String = (0..3000).map(|i| format!("v{i} = {i}\n")).collect();
    let p = prog(&setup, &[&format!("x = [{items}]\nprint(len(x))\n")], None);
    let code = &p.threads[0].code;
    assert!(code.stmts[0].dis.is_empty());
    assert_eq!(code.stmts[1].dis.len(), 8);
    assert_eq!(p.globals.len(), 3000);
    let mut g = Game::from_program(p, Goal::Output("5000".into())).unwrap();
    play(&mut g, "1,1");
    assert!(matches!(g.outcome(), Outcome::Win { .. }));
}
