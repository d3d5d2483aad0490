# threadtutor's exercise checker: runs a learner's file under the controlled
# scheduler (tt_sched) over many schedules and writes the verdict as JSON.
#
#   python3 tt_main.py --config CFG.json --file LEARNER.py --out RESULT.json
#                      --seed N [--schedule S]
#
# CFG.json: {"id": "...", "checks": {...}} (the exercise's [checks] table).
# The learner's output never reaches this process's stdout: it is captured
# per run and reported inside RESULT.json.

import builtins
import json
import os
import platform
import random
import re
import sys
import traceback

# The checker starts Python with -S: the machine's site customisation
# (.pth files in site-packages, sitecustomize) does not run, so a check is
# the same on every machine, and starts sooner (one machine's .pth files
# cost each check about 30 ms). Of what `site` adds, a learner's program
# may call exit() or quit(): they are put back, as `site` makes them.
if not hasattr(builtins, "exit"):
    class _Quitter(object):
        def __init__(self, name):
            self.name = name

        def __repr__(self):
            eof = "Ctrl-Z plus Return" if os.sep == "\\" else "Ctrl-D (i.e. EOF)"
            return "Use %s() or %s to exit" % (self.name, eof)

        def __call__(self, code=None):
            try:
                sys.stdin.close()
            except Exception:
                pass
            raise SystemExit(code)

    builtins.exit = _Quitter("exit")
    builtins.quit = _Quitter("quit")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The checker runs with -B (nothing of the learner's is ever cached), but
# the scheduler's own bytecode may be kept beside it in the harness folder:
# compiling tt_sched.py costs about 11 ms of every check.
sys.dont_write_bytecode = False
import tt_sched as S  # noqa: E402
sys.dont_write_bytecode = True

MAX_SOURCE = 256 * 1024
MAX_OUTPUT = 64 * 1024
SHOWN_OUTPUT = 8000
TRACE_LIMIT = 40
# Exhaustive exploration runs only when the first run offers at most this
# many preemption points, and stops after this many schedules.
EXHAUSTIVE_CAP = 200


class Capture(object):
    encoding = "utf-8"
    errors = "strict"

    def __init__(self):
        self.parts = []
        self.size = 0
        self.truncated = False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        room = MAX_OUTPUT - self.size
        if room <= 0:
            self.truncated = True
        else:
            part = s[:room]
            self.parts.append(part)
            self.size += len(part)
            if len(part) < len(s):
                self.truncated = True
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def getvalue(self):
        return "".join(self.parts)


class Run(object):
    def __init__(self, sched, out, err):
        self.failure = sched.failure
        self.switches = sched.switches
        self.decisions = sched.decision
        self.alts = sched.rec_alts or []
        self.alts_overflow = sched.alts_overflow
        self.steps = sched.steps
        self.out = out.getvalue()
        self.err = err.getvalue()
        self.now = sched.now
        self.max_alive = sched.max_alive


def names_in(expr):
    return [n for n in dict.fromkeys(S.IDENT.findall(expr)) if n not in S.KEYWORDS]


def final_checks(sched, g, out, checks, first_run):
    for expr in checks.get("final", []):
        try:
            ok = eval(expr, g)
        except S.Abort:
            ok = False
        except Exception as e:
            raise S.Failure("final", "`%s` could not be evaluated at the end: %s: %s" % (
                expr, type(e).__name__, e))
        if not ok:
            values = sched.shared_values(names_in(expr))
            raise S.Failure("final", "`%s` is false at the end%s" % (
                expr, " (%s)" % ", ".join(values) if values else ""))
    pattern = checks.get("output_pattern")
    if pattern is not None:
        if re.fullmatch(pattern, out, re.DOTALL) is None:
            raise S.Failure("output_pattern",
                            "the printed output does not have the expected form "
                            "(it must match the pattern %s)" % S.short_repr(pattern, 80))
    allowed = checks.get("output_lines")
    if allowed is not None:
        allowed_set = set(allowed)
        for i, line in enumerate(out.splitlines()):
            if line not in allowed_set:
                raise S.Failure("output_lines",
                                "line %d of the output, %s, is not one of the expected lines "
                                "(a line printed by two threads at once, or a wrong value?)"
                                % (i + 1, S.short_repr(line, 60)))
    need = checks.get("min_threads")
    if need is not None and first_run and sched.max_alive < int(need):
        raise S.Failure("min_threads",
                        "at most %d thread%s besides the main one ran at the same time; the "
                        "exercise needs at least %d (the work must really be done by threads)"
                        % (sched.max_alive, "" if sched.max_alive == 1 else "s", int(need)))
    budget = checks.get("time_budget")
    if budget is not None and sched.now > float(budget) + 1e-9:
        raise S.Failure("time_budget",
                        "the program took %g s of (virtual) time; the budget is %g s: waiting "
                        "with sleep() is not synchronisation" % (sched.now, float(budget)))


def run_once(code, cfg, path, lines, seed, index, forced=None, pct=None,
             record_alts=False, trace=False):
    checks = cfg.get("checks", {})
    sched = S.Scheduler(checks, path, forced=forced, pct=pct, record_alts=record_alts,
                        trace=trace, source_lines=lines)
    S.reset_aborts(True)
    S.SCHED = sched
    out = S_out = Capture()
    err = Capture()
    saved = sys.stdout, sys.stderr, sys.argv
    sys.stdout, sys.stderr, sys.argv = out, err, [path]
    random.seed(seed * 7919 + index)
    g = {"__name__": "__main__", "__file__": path, "__builtins__": builtins,
         "__doc__": None, "__package__": None, "__spec__": None, "__loader__": None}
    sched.globals = g
    try:
        try:
            sys.settrace(sched.global_trace)
            try:
                exec(code, g)
            finally:
                sys.settrace(None)
        except S.Abort:
            pass
        except SystemExit:
            pass
        except BaseException:
            exc = sys.exc_info()
            err.write(sched.format_exception(exc))
            try:
                sched.uncaught(sched.main, exc)
            except S.Abort:
                pass
        if not sched.aborted:
            try:
                sched.main_exit()
            except S.Abort:
                pass
        sched.finish()
        if sched.failure is None:
            try:
                final_checks(sched, g, S_out.getvalue(), checks, index == 0)
            except S.Failure as f:
                sched.failure = f
    finally:
        sys.stdout, sys.stderr, sys.argv = saved
    return Run(sched, out, err)


def schedule_text(index, switches):
    """`RUN;DECISION:THREAD,...`: the run's number (it seeds the learner's
    `random`) and every switch of thread, which replays the run exactly."""
    return "%d;%s" % (index, ",".join("%d:%d" % (n, t) for n, t in switches))


def parse_schedule(text):
    """The inverse of schedule_text: (run number, {decision: thread})."""
    index = 0
    if ";" in text:
        head, _, text = text.partition(";")
        index = int(head or "0")
    forced = {}
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        n, _, t = part.partition(":")
        forced[int(n)] = int(t)
    return index, forced


def trim(steps):
    steps = [s for s in steps if s["line"] > 0]
    if len(steps) <= TRACE_LIMIT:
        return steps
    keep = set()
    for i in range(1, len(steps)):
        if steps[i]["thread"] != steps[i - 1]["thread"]:
            for j in range(i - 3, i + 3):
                if 0 <= j < len(steps):
                    keep.add(j)
    for j in range(len(steps) - 6, len(steps)):
        keep.add(j)
    idx = sorted(keep)
    if len(idx) > TRACE_LIMIT:
        idx = idx[-TRACE_LIMIT:]
    return [steps[i] for i in idx]


def trace_json(steps):
    out = []
    for s in trim(steps):
        out.append({
            "thread": s["thread"],
            "line": s["line"],
            "code": s["code"],
            "values": ", ".join(s["values"]),
            "event": "; ".join(s["ops"]),
            "step": s["step"],
        })
    return out


def shown_output(run):
    text = run.out + run.err
    if len(text) > SHOWN_OUTPUT:
        text = "..." + text[-SHOWN_OUTPUT:]
    return text


def failure_json(code, cfg, path, lines, seed, run, index):
    """Replay the failing schedule with tracing on, for the trace."""
    forced = dict(run.switches)
    replay = run_once(code, cfg, path, lines, seed, index, forced=forced, trace=True)
    use = run
    steps = []
    if replay.failure is not None and replay.failure.check == run.failure.check:
        use = replay
        steps = replay.steps
    return {
        "check": use.failure.check,
        "message": use.failure.message,
        "schedule": schedule_text(index, run.switches),
        "trace": trace_json(steps),
        "output": shown_output(use),
    }


FIRST_RUN = []


def explore(code, cfg, path, lines, seed):
    checks = cfg.get("checks", {})
    bound = int(checks.get("preemptions", 2))
    randoms = int(checks.get("random_schedules", 300))
    runs = 0
    first = run_once(code, cfg, path, lines, seed, 0, record_alts=bound > 0)
    FIRST_RUN[:] = [first]
    runs += 1
    if first.failure is not None:
        return first, runs, "skipped", 0
    points = sum(len(o) for _, o in first.alts)
    exhaustive = "skipped"
    if bound > 0 and not first.alts_overflow and points <= EXHAUSTIVE_CAP:
        exhaustive = "complete"
        level = [({}, first.alts)]
        done = 0
        for b in range(1, bound + 1):
            nxt = []
            for forced, alts in level:
                for n, others in alts:
                    for t in others:
                        if done >= EXHAUSTIVE_CAP:
                            exhaustive = "partial"
                            break
                        f2 = dict(forced)
                        f2[n] = t
                        r = run_once(code, cfg, path, lines, seed, runs, forced=f2,
                                     record_alts=b < bound)
                        runs += 1
                        done += 1
                        if r.failure is not None:
                            return r, runs, exhaustive, runs - 1
                        if b < bound:
                            nxt.append((f2, r.alts))
            level = nxt
            if exhaustive == "partial":
                break
    rng = random.Random(seed)
    k = max(1, first.decisions)
    for _ in range(randoms):
        changes = set(rng.randint(1, k) for _ in range(max(1, bound)))
        r = run_once(code, cfg, path, lines, seed, runs, pct=(rng, changes))
        runs += 1
        if r.failure is not None:
            return r, runs, exhaustive, runs - 1
    return None, runs, exhaustive, runs


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def main(argv):
    args = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--") and i + 1 < len(argv):
            args[a[2:]] = argv[i + 1]
            i += 2
        else:
            raise SystemExit("tt_main: bad argument %r" % a)
    with open(args["config"], encoding="utf-8") as f:
        cfg = json.load(f)
    path = args["file"]
    out_path = args["out"]
    seed = int(args.get("seed", "0"))
    result = {
        "id": cfg.get("id", ""),
        "passed": False,
        "python": platform.python_version(),
        "schedules": 0,
        "seed": seed,
        "exhaustive": "skipped",
        "failure": None,
    }
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SOURCE + 1)
        if len(data) > MAX_SOURCE:
            raise OSError("the file is larger than %d bytes" % MAX_SOURCE)
        source = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        result["error"] = "cannot read %s: %s" % (path, e)
        write_json(out_path, result)
        return 2
    try:
        code = compile(source, path, "exec")
    except SyntaxError as e:
        result["failure"] = {
            "check": "syntax",
            "message": "the file is not valid Python: %s (line %s)" % (e.msg, e.lineno),
            "schedule": "",
            "trace": [],
            "output": "",
        }
        write_json(out_path, result)
        return 0
    lines = source.splitlines()
    S.install()
    if "schedule" in args:
        try:
            index, forced = parse_schedule(args["schedule"])
        except ValueError:
            raise SystemExit("tt_main: bad schedule %r" % args["schedule"])
        run = run_once(code, cfg, path, lines, seed, index, forced=forced, trace=True)
        result["schedules"] = 1
        if run.failure is not None:
            result["failure"] = {
                "check": run.failure.check,
                "message": run.failure.message,
                "schedule": schedule_text(index, run.switches),
                "trace": trace_json(run.steps),
                "output": shown_output(run),
            }
        else:
            result["passed"] = True
            result["output"] = shown_output(run)
        write_json(out_path, result)
        return 0
    failing, runs, exhaustive, index = explore(code, cfg, path, lines, seed)
    result["schedules"] = runs
    result["exhaustive"] = exhaustive
    if failing is None:
        result["passed"] = True
        result["output"] = shown_output(FIRST_RUN[0]) if FIRST_RUN else ""
    else:
        result["failure"] = failure_json(code, cfg, path, lines, seed, failing, index)
    write_json(out_path, result)
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except SystemExit:
        raise
    except BaseException:
        sys.__stderr__.write("threadtutor harness error:\n" + traceback.format_exc())
        code = 3
    sys.stdout.flush()
    os._exit(code)
