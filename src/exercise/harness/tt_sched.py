# threadtutor's controlled scheduler (part of the exercise checker).
#
# The learner's threads are real threads, but only one of them runs at a
# time: each holds a "baton" (a raw lock) and waits on it until the
# scheduler hands it over. The scheduler can switch threads at every line of
# the learner's file (sys.settrace, that file only) and at every operation on
# a threading / queue / concurrent.futures object or time.sleep. Those
# objects are replaced by the fakes below (installed in sys.modules), which
# keep CPython's semantics and exception messages but block through the
# scheduler. Time is virtual: it advances only when every thread is waiting.
#
# Works with Python 3.8 and later: no newer syntax here.

import _thread
import collections
import heapq
import itertools
import linecache
import os
import re
import sys
import traceback
import types

import concurrent.futures as _real_cf
import queue as _real_queue
import threading as _real_threading
import time as _real_time

PY310 = sys.version_info >= (3, 10)

NEW, RUNNABLE, BLOCKED, DONE = range(4)

# Every `BUSY_EVERY` consecutive steps of one thread, the scheduler compares
# the shared state with the previous check; `BUSY_CHECKS` unchanged checks in
# a row while another thread could run is busy waiting.
BUSY_EVERY = 100
BUSY_CHECKS = 3

SIMPLE = (int, float, str, bool, type(None), bytes)
CONTAINERS = (list, tuple, dict, set, frozenset, collections.deque)


class Abort(BaseException):
    """Unwinds a thread when its run is over (a failure was found, or the
    run ended). A BaseException, so `except Exception` does not catch it."""


class Failure(Exception):
    def __init__(self, check, message):
        Exception.__init__(self, message)
        self.check = check
        self.message = message


def short_repr(value, limit=40):
    try:
        r = repr(value)
    except Exception:
        r = "<%s>" % type(value).__name__
    if len(r) > limit:
        r = r[: limit - 3] + "..."
    return r


def is_shared_value(value):
    """Worth showing in a trace: a plain value, or a container of them."""
    if isinstance(value, SIMPLE):
        return True
    if isinstance(value, dict):
        items = itertools.islice(value.items(), 8)
        return all(isinstance(k, SIMPLE) and isinstance(v, SIMPLE) for k, v in items)
    if isinstance(value, CONTAINERS):
        return all(isinstance(v, SIMPLE) for v in itertools.islice(value, 8))
    return False


IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
KEYWORDS = set(
    "False None True and as assert async await break class continue def del elif else "
    "except finally for from global if import in is lambda nonlocal not or pass raise "
    "return try while with yield print range len".split()
)


class MThread(object):
    """The scheduler's record of one thread."""

    __slots__ = (
        "tid", "name", "daemon", "obj", "baton", "state", "ready", "deadline",
        "desc", "line", "real_ident", "exited", "main",
    )

    def __init__(self, tid, obj, main=False):
        self.tid = tid
        self.obj = obj
        self.main = main
        self.name = obj.name if obj is not None else "MainThread"
        self.daemon = False
        self.baton = _thread.allocate_lock()
        self.baton.acquire()
        self.state = NEW
        self.ready = None
        self.deadline = None
        self.desc = None
        self.line = 0
        self.real_ident = None
        self.exited = _thread.allocate_lock()
        self.exited.acquire()


class Scheduler(object):
    """One run of the learner's program under one schedule.

    A schedule is decided by `forced` ({decision: tid}: at that decision run
    that thread) and, when `pct` is set, by PCT priorities and change points.
    Elsewhere the running thread keeps running; when it blocks or ends the
    next runnable thread (round robin by thread number) runs. Every actual
    switch is recorded in `switches`, which replays the run exactly.
    """

    def __init__(self, cfg, learner_file, forced=None, pct=None, record_alts=False,
                 trace=False, source_lines=None):
        self.cfg = cfg
        self.learner_file = learner_file
        self.forced = forced or {}
        self.alts_from = max(self.forced) if self.forced else 0
        self.pct = pct  # None or (rng, change_points set)
        self.prio = {}
        self.rec_alts = [] if record_alts else None
        self.alts_overflow = False
        self.tracing = trace
        self.steps = []
        self.source_lines = source_lines or []
        self.names_by_line = {}
        self.threads = []
        self.decision = 0
        self.now = 0.0
        self.switches = []
        self.dirty = False
        self.failure = None
        self.aborted = False
        self.finished = False
        self.version = 0
        self.alive = 0
        self.max_alive = 0
        self.alive_nondaemon = 0
        self.exiting = False
        self.stop_exit = False
        self.max_steps = int(cfg.get("max_steps", 20000))
        self.allow_busy = bool(cfg.get("busy_wait", False))
        self.allow_exceptions = bool(cfg.get("exceptions", False))
        self.allow_deadlock = bool(cfg.get("deadlock", False))
        self.allow_leftover = bool(cfg.get("leftover_threads", False))
        self.ended_blocked = False
        self.exceptions = []
        self.streak_tid = -1
        self.streak = 0
        self.busy_fp = None
        self.busy_same = 0
        self.globals = None
        self.thread_numbers = itertools.count(1)
        self.pool_numbers = itertools.count(0)
        self.done_seq = itertools.count(1)
        self.atexit = []
        main = MThread(0, None, main=True)
        main.state = RUNNABLE
        main.real_ident = _thread.get_ident()
        self.threads.append(main)
        self.main = main
        self.cur = main
        self.alive_threads_objs = []
        if pct is not None:
            self.prio[0] = pct[0].random() + 10.0

    # ----- tracing ---------------------------------------------------------

    def global_trace(self, frame, event, arg):
        if frame.f_code.co_filename == self.learner_file:
            return self.local_trace
        return None

    def local_trace(self, frame, event, arg):
        if event == "line":
            if self.aborted:
                raise Abort()
            me = self.cur
            me.line = frame.f_lineno
            if self.tracing:
                self.record_line(me, frame)
            self.point(frame)
        return self.local_trace

    def line_names(self, lineno):
        names = self.names_by_line.get(lineno)
        if names is None:
            text = ""
            if 0 < lineno <= len(self.source_lines):
                text = self.source_lines[lineno - 1]
                text = text.split("#", 1)[0]
            seen = []
            for n in IDENT.findall(text):
                if n not in KEYWORDS and n not in seen:
                    seen.append(n)
            names = tuple(seen)
            self.names_by_line[lineno] = names
        return names

    def shared_values(self, names):
        g = self.globals
        out = []
        if g is None:
            return out
        for n in names:
            if n in g:
                v = g[n]
                if is_shared_value(v):
                    out.append("%s = %s" % (n, short_repr(v)))
        return out

    def record_line(self, me, frame):
        lineno = frame.f_lineno
        code = ""
        if 0 < lineno <= len(self.source_lines):
            code = self.source_lines[lineno - 1].strip()
        self.steps.append({
            "step": self.decision + 1,
            "thread": me.name,
            "line": lineno,
            "code": code,
            "values": self.shared_values(self.line_names(lineno)),
            "ops": [],
        })

    def record_op(self, what):
        if not self.steps:
            return
        me = self.cur
        last = self.steps[-1]
        if last["thread"] == me.name and last["line"] == me.line:
            last["ops"].append(what)
        else:
            code = ""
            if 0 < me.line <= len(self.source_lines):
                code = self.source_lines[me.line - 1].strip()
            self.steps.append({
                "step": self.decision + 1,
                "thread": me.name,
                "line": me.line,
                "code": code,
                "values": [],
                "ops": [what],
            })

    # ----- names for messages ---------------------------------------------

    def name_of(self, obj, kind):
        g = self.globals
        if g is not None:
            for k, v in list(g.items()):
                if v is obj:
                    return "%s `%s`" % (kind, k)
        return "a %s" % kind

    def where(self, t):
        return " (line %d)" % t.line if t.line else ""

    # ----- the core --------------------------------------------------------

    def check_caller(self):
        if self.aborted:
            raise Abort()
        if _thread.get_ident() != self.cur.real_ident:
            # A thread left over from an earlier run: stop it.
            raise Abort()

    def op(self, verb=None, obj=None, kind=None):
        """A scheduling point before an operation on a shared object: `verb`
        and the object (named in the trace as `kind` `name`)."""
        if self.finished:
            return
        if self.aborted or _thread.get_ident() != self.cur.real_ident:
            # The run is over, or a thread left over from an earlier run.
            raise Abort()
        self.dirty = True
        self.version += 1
        if self.tracing and verb:
            if obj is not None:
                verb = verb + " " + self.name_of(obj, kind)
            elif kind:
                verb = verb + " " + kind
            self.record_op(verb)
        self.point(None)

    def changed(self):
        self.dirty = True
        self.version += 1

    def runnable(self):
        now = self.now
        out = []
        for t in self.threads:
            s = t.state
            if s == RUNNABLE:
                out.append(t)
            elif s == BLOCKED:
                if t.ready():
                    out.append(t)
                elif t.deadline is not None and now >= t.deadline:
                    out.append(t)
        return out

    def best_pct(self, cands):
        best = None
        for t in cands:
            if best is None or self.prio.get(t.tid, 0) > self.prio.get(best.tid, 0):
                best = t
        return best

    def point(self, frame):
        self.decision += 1
        n = self.decision
        if n > self.max_steps:
            self.fail("step_limit",
                      "the program ran more than %d steps (is there a loop that never ends?)"
                      % self.max_steps)
        me = self.cur
        # Busy waiting: many steps of one thread with nothing shared changing.
        if me.tid == self.streak_tid:
            self.streak += 1
            if self.streak % BUSY_EVERY == 0:
                target = self.busy_check(me, frame)
                if target is not None:
                    self.switch_to(target, n)
                    return
        else:
            self.streak_tid = me.tid
            self.streak = 0
            self.busy_fp = None
            self.busy_same = 0
        target = None
        if self.exiting and me is not self.main and self.alive_nondaemon == 0:
            # Only daemon threads are left: the program ends now.
            self.switch_to(self.main, n)
            return
        if self.forced:
            f = self.forced.get(n)
            if f is not None and f != me.tid:
                for t in self.runnable():
                    if t.tid == f:
                        target = t
                        break
        elif self.pct is not None:
            if n in self.pct[1]:
                self.prio[me.tid] = -float(n)
                self.dirty = True
            if self.dirty:
                self.dirty = False
                target = self.best_pct(self.runnable())
        if self.rec_alts is not None and n > self.alts_from:
            others = [t.tid for t in self.runnable() if t is not me]
            if others:
                if len(self.rec_alts) < 5000:
                    self.rec_alts.append((n, others))
                else:
                    self.alts_overflow = True
        if target is not None and target is not me:
            self.switch_to(target, n)

    def busy_check(self, me, frame):
        fp = [self.version]
        g = self.globals
        if g is not None:
            for k, v in list(g.items()):
                if isinstance(v, SIMPLE):
                    fp.append((k, v))
                elif isinstance(v, CONTAINERS):
                    fp.append((k, short_repr(v, 200)))
        if frame is not None:
            for k, v in list(frame.f_locals.items()):
                if isinstance(v, SIMPLE):
                    fp.append((k, v))
                elif isinstance(v, CONTAINERS):
                    fp.append((k, short_repr(v, 200)))
        if fp == self.busy_fp:
            self.busy_same += 1
        else:
            self.busy_fp = fp
            self.busy_same = 0
            return None
        if self.busy_same < BUSY_CHECKS:
            return None
        others = [t for t in self.runnable() if t is not me]
        if not others:
            return None
        if not self.allow_busy:
            self.fail("busy_wait",
                      "%s keeps running (line %d) without anything shared changing while "
                      "another thread could run: that is busy waiting; block on a "
                      "synchronisation object instead" % (me.name, me.line))
        # Allowed: let someone else run (round robin), like a preemption.
        self.busy_same = 0
        return self.round_robin(others, me)

    def round_robin(self, cands, me):
        best = None
        for t in cands:
            if t.tid > me.tid and (best is None or t.tid < best.tid):
                best = t
        if best is None:
            for t in cands:
                if best is None or t.tid < best.tid:
                    best = t
        return best

    def switch_to(self, target, n):
        me = self.cur
        self.switches.append((n, target.tid))
        self.cur = target
        target.baton.release()
        me.baton.acquire()
        if self.aborted:
            raise Abort()

    def choose_next(self, me):
        """`me` cannot go on (it blocked or ended): pick who runs next."""
        self.decision += 1
        n = self.decision
        if n > self.max_steps:
            self.fail("step_limit",
                      "the program ran more than %d steps (is there a loop that never ends?)"
                      % self.max_steps)
        cands = self.runnable()
        if not cands:
            deadlines = [t.deadline for t in self.threads
                         if t.state == BLOCKED and t.deadline is not None]
            if deadlines:
                self.now = max(self.now, min(deadlines))
                self.changed()
                cands = self.runnable()
        if not cands:
            self.stuck()
            cands = self.runnable()
            if not cands:
                raise Abort()
        if self.exiting and self.main in cands:
            return self.main, n
        f = self.forced.get(n) if self.forced else None
        if f is not None:
            for t in cands:
                if t.tid == f:
                    return t, n
        if me in cands:
            return me, n
        if self.pct is not None and not self.forced:
            self.dirty = False
            return self.best_pct(cands), n
        return self.round_robin(cands, me), n

    def stuck(self):
        """No thread can run and none is sleeping: deadlock, or threads left
        blocked when the program ends."""
        blocked = [t for t in self.threads if t.state == BLOCKED and not t.main]
        lines = []
        for t in self.threads:
            if t.state == BLOCKED and not (t.main and self.exiting):
                d = t.desc() if callable(t.desc) else (t.desc or "waiting")
                lines.append("%s waits: %s%s" % (t.name, d, self.where(t)))
        detail = "; ".join(lines)
        if self.exiting:
            nondaemon = [t for t in blocked if not t.daemon]
            if nondaemon and not self.allow_leftover:
                self.fail("leftover_threads",
                          "the main program ended but %s never finish%s, so Python would "
                          "wait for %s forever at exit: %s" % (
                              ", ".join(t.name for t in nondaemon),
                              "es" if len(nondaemon) == 1 else "",
                              "it" if len(nondaemon) == 1 else "them",
                              detail))
            self.stop_exit = True
            self.ended_blocked = True
            return
        if not self.allow_deadlock:
            self.fail("deadlock",
                      "deadlock: every unfinished thread is blocked and none can go on. "
                      + detail)
        self.ended_blocked = True
        self.fail(None, None)

    def fail(self, check, message):
        if self.failure is None and check is not None:
            self.failure = Failure(check, message)
        self.abort_all()
        raise Abort()

    def abort_all(self):
        if self.aborted:
            return
        self.aborted = True
        me_ident = _thread.get_ident()
        for t in self.threads:
            if t.state != DONE and t.real_ident != me_ident:
                try:
                    t.baton.release()
                except RuntimeError:
                    pass

    def block(self, ready, deadline=None, desc=None):
        """Wait until `ready()` (True) or virtual time reaches `deadline`
        (False). Other threads run meanwhile."""
        if self.finished:
            return bool(ready())
        me = self.cur
        if ready():
            return True
        if deadline is not None and self.now >= deadline:
            return False
        me.state = BLOCKED
        me.ready = ready
        me.deadline = deadline
        me.desc = desc
        try:
            while True:
                target, n = self.choose_next(me)
                if target is not me:
                    self.switch_to(target, n)
                if ready():
                    return True
                if deadline is not None and self.now >= deadline:
                    return False
        finally:
            me.state = RUNNABLE
            me.ready = None
            me.deadline = None
            me.desc = None

    # ----- threads ---------------------------------------------------------

    def spawn(self, obj):
        t = MThread(len(self.threads), obj)
        t.daemon = bool(obj._daemonic)
        t.state = RUNNABLE
        obj._rec = t
        self.threads.append(t)
        if self.pct is not None:
            self.prio[t.tid] = self.pct[0].random() + 10.0
        self.alive += 1
        self.max_alive = max(self.max_alive, self.alive)
        if not t.daemon:
            self.alive_nondaemon += 1
        self.changed()
        _thread.start_new_thread(self.bootstrap, (t,))
        return t

    def bootstrap(self, t):
        t.real_ident = _thread.get_ident()
        t.baton.acquire()
        try:
            if self.aborted:
                return
            sys.settrace(self.global_trace)
            try:
                t.obj.run()
            except Abort:
                pass
            except SystemExit:
                pass
            except BaseException:
                exc = sys.exc_info()
                try:
                    self.thread_exception(t, exc)
                except Abort:
                    pass
            finally:
                sys.settrace(None)
            if not self.aborted:
                try:
                    self.thread_done(t)
                except Abort:
                    pass
        finally:
            sys.settrace(None)
            t.exited.release()

    def thread_done(self, t):
        t.state = DONE
        self.alive -= 1
        if not t.daemon:
            self.alive_nondaemon -= 1
        self.changed()
        target, n = self.choose_next(t)
        self.switches.append((n, target.tid))
        self.cur = target
        target.baton.release()

    def learner_line(self, tb):
        line = 0
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.learner_file:
                line = tb.tb_lineno
            tb = tb.tb_next
        return line

    def format_exception(self, exc):
        etype, value, tb = exc
        frames = [f for f in traceback.extract_tb(tb) if f.filename == self.learner_file]
        lines = ["Traceback (most recent call last):\n"]
        lines.extend(traceback.format_list(frames))
        lines.extend(traceback.format_exception_only(etype, value))
        return "".join(lines)

    def thread_exception(self, t, exc):
        etype, value, tb = exc
        hook = FAKE_THREADING.excepthook
        try:
            hook(_real_threading.ExceptHookArgs((etype, value, tb, t.obj)))
        except Abort:
            raise
        except BaseException:
            sys.stderr.write("Exception in threading.excepthook:\n")
            sys.stderr.write(self.format_exception(sys.exc_info()))
        self.uncaught(t, exc)

    def uncaught(self, t, exc):
        etype, value, tb = exc
        line = self.learner_line(tb)
        what = "".join(traceback.format_exception_only(etype, value)).strip()
        self.exceptions.append((t.name, what, line))
        if not self.allow_exceptions:
            self.fail("exceptions", "%s stopped with an uncaught exception%s: %s" % (
                t.name, " at line %d" % line if line else "", what))

    def main_exit(self):
        """The main program's code has ended: what Python does at exit."""
        self.check_caller()
        for fn in list(self.atexit):
            fn()
        self.exiting = True
        self.block(lambda: self.alive_nondaemon == 0 or self.stop_exit, None,
                   "the end of the program")

    def finish(self, real_timeout=2.0):
        """End the run: stop every thread still parked, wait for them."""
        self.abort_all()
        self.finished = True
        stuck = []
        for t in self.threads[1:]:
            if t.state == NEW:
                continue
            if not t.exited.acquire(True, real_timeout):
                stuck.append(t.name)
        return stuck


# ----------------------------------------------------------------------------
# The fakes. They find the current run through the module global SCHED.

SCHED = None


def _sched():
    s = SCHED
    if s is None:
        raise RuntimeError("threadtutor harness: no run in progress")
    return s


def _deadline(s, timeout):
    if timeout is None:
        return None
    return s.now + max(0.0, float(timeout))


class Lock(object):
    _kind = "Lock"

    def __init__(self):
        self._locked = False
        self._holder = None

    def _held_by(self):
        return " (held by %s)" % self._holder.name if self._holder is not None else ""

    def acquire(self, blocking=True, timeout=-1):
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be positive")
        s = _sched()
        s.op("acquire", self, self._kind)
        if not self._locked:
            self._locked = True
            self._holder = s.cur
            return True
        if not blocking:
            return False
        ok = s.block(lambda: not self._locked,
                     None if timeout == -1 else s.now + timeout,
                     lambda: "acquire %s%s" % (s.name_of(self, self._kind), self._held_by()))
        if ok:
            self._locked = True
            self._holder = s.cur
            return True
        return False

    def release(self):
        s = _sched()
        s.op("release", self, self._kind)
        if not self._locked:
            raise RuntimeError("release unlocked lock")
        self._locked = False
        self._holder = None
        s.changed()

    def locked(self):
        return self._locked

    acquire_lock = acquire
    release_lock = release
    locked_lock = locked

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def __repr__(self):
        return "<%s _thread.lock object at 0x%x>" % (
            "locked" if self._locked else "unlocked", id(self))


class RLock(object):
    _kind = "RLock"

    def __init__(self):
        self._owner = None
        self._count = 0

    def acquire(self, blocking=True, timeout=-1):
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be positive")
        s = _sched()
        s.op("acquire", self, self._kind)
        me = s.cur
        if self._owner is me:
            self._count += 1
            return True
        if self._owner is None:
            self._owner = me
            self._count = 1
            return True
        if not blocking:
            return False
        ok = s.block(lambda: self._owner is None,
                     None if timeout == -1 else s.now + timeout,
                     lambda: "acquire %s%s" % (
                         s.name_of(self, self._kind),
                         " (held by %s)" % self._owner.name if self._owner else ""))
        if ok:
            self._owner = s.cur
            self._count = 1
            return True
        return False

    def release(self):
        s = _sched()
        s.op("release", self, self._kind)
        if self._owner is not s.cur:
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if self._count == 0:
            self._owner = None
            s.changed()

    def _is_owned(self):
        return self._owner is _sched().cur

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def __repr__(self):
        return "<%s _thread.RLock object owner=%d count=%d at 0x%x>" % (
            "locked" if self._owner else "unlocked",
            self._owner.tid + 1 if self._owner else 0, self._count, id(self))


class Condition(object):
    def __init__(self, lock=None):
        if lock is None:
            lock = RLock()
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        self._waiters = collections.deque()

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def __repr__(self):
        return "<Condition(%s, %d)>" % (self._lock, len(self._waiters))

    def _is_owned(self):
        lock = self._lock
        if isinstance(lock, RLock):
            return lock._owner is _sched().cur
        if isinstance(lock, Lock):
            return lock._locked
        if lock.acquire(False):
            lock.release()
            return False
        return True

    def _release_save(self):
        lock = self._lock
        s = _sched()
        if isinstance(lock, RLock):
            saved = lock._count
            lock._owner = None
            lock._count = 0
            s.changed()
            return saved
        lock.release()
        return None

    def _acquire_restore(self, saved):
        lock = self._lock
        if isinstance(lock, RLock):
            s = _sched()
            s.block(lambda: lock._owner is None, None,
                    lambda: "re-acquire the lock of %s after wait()" % s.name_of(self, "Condition"))
            lock._owner = s.cur
            lock._count = saved
            return
        lock.acquire()

    def wait(self, timeout=None):
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        s = _sched()
        s.op("wait on", self, "Condition")
        token = [False]
        self._waiters.append(token)
        saved = self._release_save()
        got = False
        try:
            got = s.block(lambda: token[0], _deadline(s, timeout),
                          lambda: "wait on %s (nobody notified it)" % s.name_of(self, "Condition"))
            return got
        finally:
            if not got:
                try:
                    self._waiters.remove(token)
                except ValueError:
                    pass
            self._acquire_restore(saved)

    def wait_for(self, predicate, timeout=None):
        s = _sched()
        endtime = None
        waittime = timeout
        result = predicate()
        while not result:
            if waittime is not None:
                if endtime is None:
                    endtime = s.now + waittime
                else:
                    waittime = endtime - s.now
                    if waittime <= 0:
                        break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n=1):
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        s = _sched()
        s.op("notify", self, "Condition")
        while n > 0 and self._waiters:
            token = self._waiters.popleft()
            token[0] = True
            n -= 1
        s.changed()

    def notify_all(self):
        self.notify(len(self._waiters))

    notifyAll = notify_all


class Semaphore(object):
    _kind = "Semaphore"

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._value = value

    def __repr__(self):
        return "<threading.%s at 0x%x: value=%d>" % (self._kind, id(self), self._value)

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        s = _sched()
        s.op("acquire", self, self._kind)
        if self._value > 0:
            self._value -= 1
            return True
        if not blocking:
            return False
        ok = s.block(lambda: self._value > 0, _deadline(s, timeout),
                     lambda: "acquire %s (its value is 0)" % s.name_of(self, self._kind))
        if ok:
            self._value -= 1
        return ok

    __enter__ = acquire

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        s = _sched()
        s.op("release", self, self._kind)
        self._value += n
        s.changed()

    def __exit__(self, t, v, tb):
        self.release()


class BoundedSemaphore(Semaphore):
    _kind = "BoundedSemaphore"

    def __init__(self, value=1):
        Semaphore.__init__(self, value)
        self._initial_value = value

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        s = _sched()
        s.op("release", self, self._kind)
        if self._value + n > self._initial_value:
            raise ValueError("Semaphore released too many times")
        self._value += n
        s.changed()


class Event(object):
    def __init__(self):
        self._flag = False
        self._gen = 0

    def __repr__(self):
        return "<threading.Event at 0x%x: %s>" % (id(self), "set" if self._flag else "unset")

    def is_set(self):
        return self._flag

    isSet = is_set

    def set(self):
        s = _sched()
        s.op("set", self, "Event")
        self._flag = True
        self._gen += 1
        s.changed()

    def clear(self):
        s = _sched()
        s.op("clear", self, "Event")
        self._flag = False
        s.changed()

    def wait(self, timeout=None):
        s = _sched()
        s.op("wait on", self, "Event")
        if self._flag:
            return True
        gen = self._gen
        return s.block(lambda: self._flag or self._gen != gen, _deadline(s, timeout),
                       lambda: "wait for %s to be set" % s.name_of(self, "Event"))


BrokenBarrierError = _real_threading.BrokenBarrierError


class Barrier(object):
    def __init__(self, parties, action=None, timeout=None):
        if sys.version_info >= (3, 13) and parties < 1:
            raise ValueError("parties must be >= 1")
        self._cond = Condition(Lock())
        self._action = action
        self._timeout = timeout
        self._parties = parties
        self._state = 0
        self._count = 0

    def __repr__(self):
        if self.broken:
            return "<threading.Barrier at 0x%x: broken>" % id(self)
        return "<threading.Barrier at 0x%x: waiters=%d/%d>" % (
            id(self), self.n_waiting, self.parties)

    def wait(self, timeout=None):
        if timeout is None:
            timeout = self._timeout
        with self._cond:
            self._enter()
            index = self._count
            self._count += 1
            try:
                if index + 1 == self._parties:
                    self._release()
                else:
                    self._wait(timeout)
                return index
            finally:
                self._count -= 1
                self._exit()

    def _enter(self):
        while self._state in (-1, 1):
            self._cond.wait()
        if self._state < 0:
            raise BrokenBarrierError
        assert self._state == 0

    def _release(self):
        try:
            if self._action:
                self._action()
            self._state = 1
            self._cond.notify_all()
        except BaseException:
            self._break()
            raise

    def _wait(self, timeout):
        if not self._cond.wait_for(lambda: self._state != 0, timeout):
            self._break()
            raise BrokenBarrierError
        if self._state < 0:
            raise BrokenBarrierError
        assert self._state == 1

    def _exit(self):
        if self._count == 0:
            if self._state in (-1, 1):
                self._state = 0
                self._cond.notify_all()

    def reset(self):
        with self._cond:
            if self._count > 0:
                if self._state == 0:
                    self._state = -1
                elif self._state == -2:
                    self._state = -1
            else:
                self._state = 0
            self._cond.notify_all()

    def abort(self):
        with self._cond:
            self._break()

    def _break(self):
        self._state = -2
        self._cond.notify_all()

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        if self._state == 0:
            return self._count
        return 0

    @property
    def broken(self):
        return self._state == -2


class Thread(object):
    _initialized = False

    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        assert group is None, "group argument must be None for now"
        s = _sched()
        if kwargs is None:
            kwargs = {}
        if name:
            name = str(name)
        else:
            name = "Thread-%d" % next(s.thread_numbers)
            if target is not None and PY310:
                try:
                    name += " (%s)" % target.__name__
                except AttributeError:
                    pass
        self._target = target
        self._name = name
        self._args = args
        self._kwargs = kwargs
        if daemon is not None:
            self._daemonic = bool(daemon)
        else:
            self._daemonic = current_thread().daemon
        self._started = False
        self._rec = None
        self._initialized = True

    def __repr__(self):
        status = "initial"
        if self._started:
            status = "started"
        if self._rec is not None and self._rec.state == DONE:
            status = "stopped"
        if self._daemonic:
            status += " daemon"
        if self._rec is not None:
            status += " %d" % self.ident
        return "<%s(%s, %s)>" % (self.__class__.__name__, self._name, status)

    def start(self):
        if not self._initialized:
            raise RuntimeError("thread.__init__() not called")
        if self._started:
            raise RuntimeError("threads can only be started once")
        s = _sched()
        s.op("start " + self._name)
        self._started = True
        s.spawn(self)

    def run(self):
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            del self._target, self._args, self._kwargs

    def join(self, timeout=None):
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
        s = _sched()
        s.op("join " + self._name)
        rec = self._rec
        s.block(lambda: rec.state == DONE, _deadline(s, timeout),
                lambda: "join %s, which has not finished" % self._name)

    def is_alive(self):
        return self._started and self._rec is not None and self._rec.state != DONE

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, name):
        self._name = str(name)
        if self._rec is not None:
            self._rec.name = self._name

    @property
    def ident(self):
        if self._rec is None:
            return None
        return 0x7F0000001000 + self._rec.tid * 0x1000

    @property
    def native_id(self):
        if self._rec is None:
            return None
        return 1000 + self._rec.tid

    @property
    def daemon(self):
        return self._daemonic

    @daemon.setter
    def daemon(self, daemonic):
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if self._started:
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemonic = bool(daemonic)

    def isDaemon(self):
        return self.daemon

    def setDaemon(self, daemonic):
        self.daemon = daemonic

    def getName(self):
        return self.name

    def setName(self, name):
        self.name = name


class _MainThread(Thread):
    def __init__(self, rec):
        self._target = None
        self._name = "MainThread"
        self._args = ()
        self._kwargs = {}
        self._daemonic = False
        self._started = True
        self._rec = rec
        self._initialized = True


class Timer(Thread):
    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


def current_thread():
    s = _sched()
    t = s.cur
    if t.obj is None:
        t.obj = _MainThread(t)
    return t.obj


def main_thread():
    s = _sched()
    if s.main.obj is None:
        s.main.obj = _MainThread(s.main)
    return s.main.obj


def enumerate_threads():
    s = _sched()
    main_thread()
    return [t.obj for t in s.threads if t.state in (RUNNABLE, BLOCKED)]


def active_count():
    return len(enumerate_threads())


def get_ident():
    return current_thread().ident


def get_native_id():
    return current_thread().native_id


def _default_excepthook(args):
    if args.exc_type == SystemExit:
        return
    name = args.thread.name if args.thread is not None else _thread.get_ident()
    sys.stderr.write("Exception in thread %s:\n" % name)
    sys.stderr.write(_sched().format_exception((args.exc_type, args.exc_value, args.exc_traceback)))
    sys.stderr.flush()


def _register_atexit(func, *arg, **kwargs):
    _sched().atexit.append(lambda: func(*arg, **kwargs))


def settrace(func):
    pass


def setprofile(func):
    pass


def stack_size(size=0):
    return 0


# --- queue --------------------------------------------------------------------

Empty = _real_queue.Empty
Full = _real_queue.Full


class Queue(object):
    _kind = "Queue"

    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        self._init(maxsize)
        self.unfinished_tasks = 0

    def _init(self, maxsize):
        self.queue = collections.deque()

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.popleft()

    def _name(self):
        return _sched().name_of(self, self._kind)

    def task_done(self):
        s = _sched()
        s.op("task_done on", self, self._kind)
        unfinished = self.unfinished_tasks - 1
        if unfinished <= 0:
            if unfinished < 0:
                raise ValueError("task_done() called too many times")
        self.unfinished_tasks = unfinished
        s.changed()

    def join(self):
        s = _sched()
        s.op("join", self, self._kind)
        s.block(lambda: self.unfinished_tasks == 0, None,
                lambda: "join %s (%d item%s not marked task_done)" % (
                    self._name(), self.unfinished_tasks,
                    "" if self.unfinished_tasks == 1 else "s"))

    def qsize(self):
        _sched().op()
        return self._qsize()

    def empty(self):
        _sched().op()
        return not self._qsize()

    def full(self):
        _sched().op()
        return 0 < self.maxsize <= self._qsize()

    def put(self, item, block=True, timeout=None):
        s = _sched()
        s.op(("put %s on" % short_repr(item, 20)) if s.tracing else "put", self, self._kind)
        if self.maxsize > 0:
            if not block:
                if self._qsize() >= self.maxsize:
                    raise Full
            elif timeout is None:
                s.block(lambda: self._qsize() < self.maxsize, None,
                        lambda: "put on %s, which is full" % self._name())
            elif timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            else:
                if not s.block(lambda: self._qsize() < self.maxsize, s.now + timeout,
                               lambda: "put on %s, which is full" % self._name()):
                    raise Full
        self._put(item)
        self.unfinished_tasks += 1
        s.changed()

    def get(self, block=True, timeout=None):
        s = _sched()
        s.op("get from", self, self._kind)
        if not block:
            if not self._qsize():
                raise Empty
        elif timeout is None:
            s.block(lambda: self._qsize() > 0, None,
                    lambda: "get from %s, which is empty" % self._name())
        elif timeout < 0:
            raise ValueError("'timeout' must be a non-negative number")
        else:
            if not s.block(lambda: self._qsize() > 0, s.now + timeout,
                           lambda: "get from %s, which is empty" % self._name()):
                raise Empty
        item = self._get()
        s.changed()
        if s.tracing:
            s.record_op("got %s" % short_repr(item, 20))
        return item

    def put_nowait(self, item):
        return self.put(item, block=False)

    def get_nowait(self):
        return self.get(block=False)


class PriorityQueue(Queue):
    _kind = "PriorityQueue"

    def _init(self, maxsize):
        self.queue = []

    def _put(self, item):
        heapq.heappush(self.queue, item)

    def _get(self):
        return heapq.heappop(self.queue)


class LifoQueue(Queue):
    _kind = "LifoQueue"

    def _init(self, maxsize):
        self.queue = []

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.pop()


class SimpleQueue(object):
    _kind = "SimpleQueue"

    def __init__(self):
        self._queue = collections.deque()

    def _name(self):
        return _sched().name_of(self, "SimpleQueue")

    def put(self, item, block=True, timeout=None):
        s = _sched()
        s.op(("put %s on" % short_repr(item, 20)) if s.tracing else "put", self, self._kind)
        self._queue.append(item)
        s.changed()

    def get(self, block=True, timeout=None):
        s = _sched()
        s.op("get from", self, self._kind)
        if timeout is not None and timeout < 0:
            raise ValueError("'timeout' must be a non-negative number")
        if not block:
            if not self._queue:
                raise Empty
        elif not s.block(lambda: len(self._queue) > 0, _deadline(s, timeout),
                         lambda: "get from %s, which is empty" % self._name()):
            raise Empty
        s.changed()
        return self._queue.popleft()

    def put_nowait(self, item):
        return self.put(item, block=False)

    def get_nowait(self):
        return self.get(False)

    def empty(self):
        _sched().op()
        return len(self._queue) == 0

    def qsize(self):
        _sched().op()
        return len(self._queue)


# --- concurrent.futures -------------------------------------------------------

PENDING, RUNNING, CANCELLED, FINISHED = "PENDING", "RUNNING", "CANCELLED", "FINISHED"
CancelledError = _real_cf.CancelledError
FuturesTimeoutError = _real_cf.TimeoutError


class Future(object):
    def __init__(self):
        self._state = PENDING
        self._result = None
        self._exception = None
        self._callbacks = []
        self._seq = 0

    def __repr__(self):
        return "<Future at 0x%x state=%s>" % (id(self), self._state.lower())

    def _invoke_callbacks(self):
        for cb in self._callbacks:
            try:
                cb(self)
            except Abort:
                raise
            except Exception:
                sys.stderr.write("exception calling callback for %r\n" % self)

    def cancel(self):
        s = _sched()
        s.op("cancel a Future")
        if self._state in (RUNNING, FINISHED):
            return False
        if self._state == CANCELLED:
            return True
        self._state = CANCELLED
        self._seq = next(s.done_seq)
        s.changed()
        self._invoke_callbacks()
        return True

    def cancelled(self):
        return self._state == CANCELLED

    def running(self):
        return self._state == RUNNING

    def done(self):
        return self._state in (CANCELLED, FINISHED)

    def _wait(self, timeout):
        s = _sched()
        s.op("wait for a Future")
        if not s.block(lambda: self._state in (CANCELLED, FINISHED), _deadline(s, timeout),
                       lambda: "wait for a Future's result"):
            raise FuturesTimeoutError()
        if self._state == CANCELLED:
            raise CancelledError()

    def result(self, timeout=None):
        self._wait(timeout)
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self, timeout=None):
        self._wait(timeout)
        return self._exception

    def add_done_callback(self, fn):
        if self._state not in (CANCELLED, FINISHED):
            self._callbacks.append(fn)
            return
        try:
            fn(self)
        except Abort:
            raise
        except Exception:
            sys.stderr.write("exception calling callback for %r\n" % self)

    def set_running_or_notify_cancel(self):
        if self._state == CANCELLED:
            return False
        self._state = RUNNING
        return True

    def _finish(self):
        s = _sched()
        self._state = FINISHED
        self._seq = next(s.done_seq)
        s.changed()
        self._invoke_callbacks()

    def set_result(self, result):
        self._result = result
        self._finish()

    def set_exception(self, exception):
        self._exception = exception
        self._finish()


class Executor(object):
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.shutdown(wait=True)
        return False


class ThreadPoolExecutor(Executor):
    def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
        s = _sched()
        if max_workers is None:
            max_workers = min(32, (os.cpu_count() or 1) + 4)
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._max_workers = max_workers
        self._work = collections.deque()
        self._threads = []
        self._idle = 0
        self._shutdown = False
        self._prefix = thread_name_prefix or ("ThreadPoolExecutor-%d" % next(s.pool_numbers))
        self._initializer = initializer
        self._initargs = initargs
        s.atexit.append(self._at_exit)

    def _at_exit(self):
        self._shutdown = True
        _sched().changed()

    def submit(*args, **kwargs):
        self, fn = args[0], args[1]
        args = args[2:]
        s = _sched()
        s.op("submit to a ThreadPoolExecutor")
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        f = Future()
        self._work.append((f, fn, args, kwargs))
        s.changed()
        self._adjust_thread_count()
        return f

    def _adjust_thread_count(self):
        if self._idle > 0:
            self._idle -= 1
            return
        if len(self._threads) < self._max_workers:
            t = Thread(name="%s_%d" % (self._prefix, len(self._threads)), target=self._worker)
            t._daemonic = False
            t.start()
            self._threads.append(t)

    def _worker(self):
        s = _sched()
        if self._initializer is not None:
            self._initializer(*self._initargs)
        while True:
            s.op()
            s.block(lambda: bool(self._work) or self._shutdown, None,
                    "wait for work in a ThreadPoolExecutor")
            if self._work:
                f, fn, args, kwargs = self._work.popleft()
                if f.set_running_or_notify_cancel():
                    try:
                        result = fn(*args, **kwargs)
                    except Abort:
                        raise
                    except BaseException as e:
                        f.set_exception(e)
                    else:
                        f.set_result(result)
                self._idle += 1
                continue
            if self._shutdown:
                return

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        s = _sched()
        end_time = None if timeout is None else s.now + timeout
        fs = [self.submit(fn, *args) for args in zip(*iterables)]

        def result_iterator():
            try:
                fs.reverse()
                while fs:
                    if end_time is None:
                        yield fs.pop().result()
                    else:
                        yield fs.pop().result(end_time - s.now)
            finally:
                for f in fs:
                    f.cancel()

        return result_iterator()

    def shutdown(self, wait=True, *, cancel_futures=False):
        s = _sched()
        s.op("shut down a ThreadPoolExecutor")
        self._shutdown = True
        if cancel_futures:
            while self._work:
                f = self._work.popleft()[0]
                f.cancel()
        s.changed()
        if wait:
            for t in list(self._threads):
                t.join()


FIRST_COMPLETED = "FIRST_COMPLETED"
FIRST_EXCEPTION = "FIRST_EXCEPTION"
ALL_COMPLETED = "ALL_COMPLETED"


def as_completed(fs, timeout=None):
    s = _sched()
    end = _deadline(s, timeout)
    fs = list(dict.fromkeys(fs))
    total = len(fs)
    pending = list(fs)
    while pending:
        done = [f for f in pending if f.done()]
        if not done:
            if not s.block(lambda: any(f.done() for f in pending), end,
                           "wait in as_completed()"):
                raise FuturesTimeoutError("%d (of %d) futures unfinished" % (len(pending), total))
            continue
        done.sort(key=lambda f: f._seq)
        for f in done:
            pending.remove(f)
            yield f


def wait(fs, timeout=None, return_when=ALL_COMPLETED):
    s = _sched()
    fs = set(fs)

    def ready():
        done = [f for f in fs if f.done()]
        if return_when == FIRST_COMPLETED:
            return bool(done)
        if return_when == FIRST_EXCEPTION:
            if any(f._exception is not None for f in done):
                return True
        return len(done) == len(fs)

    if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
        raise ValueError("Invalid return condition: %r" % return_when)
    s.op("wait for Futures")
    s.block(ready, _deadline(s, timeout), "wait for Futures")
    done = set(f for f in fs if f.done())
    return _real_cf._base.DoneAndNotDoneFutures(done, fs - done)


# --- time -----------------------------------------------------------------------

EPOCH = 1700000000.0
MONO_BASE = 1000.0


def sleep(secs):
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    s = _sched()
    s.op("sleep %g s" % secs)
    s.block(lambda: False, s.now + secs, lambda: "sleep")


def monotonic():
    return MONO_BASE + _sched().now


def monotonic_ns():
    return int(monotonic() * 1e9)


def vtime():
    return EPOCH + _sched().now


def vtime_ns():
    return int(vtime() * 1e9)


# --- installing the fakes -------------------------------------------------------

def _module(name, attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    return m


FAKE_THREADING = _module("threading", {
    "Lock": Lock, "RLock": RLock, "Condition": Condition, "Semaphore": Semaphore,
    "BoundedSemaphore": BoundedSemaphore, "Event": Event, "Barrier": Barrier,
    "BrokenBarrierError": BrokenBarrierError, "Thread": Thread, "Timer": Timer,
    "current_thread": current_thread, "currentThread": current_thread,
    "main_thread": main_thread, "enumerate": enumerate_threads,
    "active_count": active_count, "activeCount": active_count,
    "get_ident": get_ident, "get_native_id": get_native_id,
    "local": _thread._local, "excepthook": _default_excepthook,
    "__excepthook__": _default_excepthook,
    "ExceptHookArgs": _real_threading.ExceptHookArgs,
    "TIMEOUT_MAX": _real_threading.TIMEOUT_MAX, "ThreadError": _thread.error,
    "settrace": settrace, "setprofile": setprofile, "stack_size": stack_size,
    "_register_atexit": _register_atexit, "_shutdown": lambda: None,
})
FAKE_QUEUE = _module("queue", {
    "Queue": Queue, "LifoQueue": LifoQueue, "PriorityQueue": PriorityQueue,
    "SimpleQueue": SimpleQueue, "Empty": Empty, "Full": Full,
})
FAKE_FUTURES = _module("concurrent.futures", {
    "Future": Future, "Executor": Executor, "ThreadPoolExecutor": ThreadPoolExecutor,
    "ProcessPoolExecutor": _real_cf.ProcessPoolExecutor,
    "as_completed": as_completed, "wait": wait,
    "FIRST_COMPLETED": FIRST_COMPLETED, "FIRST_EXCEPTION": FIRST_EXCEPTION,
    "ALL_COMPLETED": ALL_COMPLETED, "CancelledError": CancelledError,
    "TimeoutError": FuturesTimeoutError, "BrokenExecutor": _real_cf.BrokenExecutor,
    "InvalidStateError": getattr(_real_cf, "InvalidStateError", RuntimeError),
})
FAKE_TIME = _module("time", dict(_real_time.__dict__))
FAKE_TIME.__dict__.update({
    "sleep": sleep, "monotonic": monotonic, "monotonic_ns": monotonic_ns,
    "perf_counter": monotonic, "perf_counter_ns": monotonic_ns,
    "time": vtime, "time_ns": vtime_ns,
})


def install():
    """Replace the modules the learner imports by the fakes."""
    import concurrent
    sys.modules["threading"] = FAKE_THREADING
    sys.modules["queue"] = FAKE_QUEUE
    sys.modules["concurrent.futures"] = FAKE_FUTURES
    concurrent.futures = FAKE_FUTURES
    sys.modules["time"] = FAKE_TIME


def source_lines(path):
    return linecache.getlines(path)
