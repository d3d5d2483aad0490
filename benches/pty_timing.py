#!/usr/bin/env python3
"""Time threadtutor (and, for comparison, presenterm) as a person meets them.

In a 120x40 pseudo-terminal, for each program:
  first frame  - process start until the first screen is fully drawn
  key -> frame - a key press until the redraw it causes has been written
                 (slides: → and ← in turn on a lesson; home: ↓ and ↑ in turn)
  peak memory  - VmHWM after paging through every slide

Runs of the two programs alternate, so both meet the same machine load.
With --floor, a C program that answers each key with a frame of the same
size and does nothing else is timed too (needs cc): the part of the
figure that is the pseudo-terminal and this script, not the program.

Usage: benches/pty_timing.py [--runs N] [--keys K] [--presenterm PATH] [--floor]
Builds nothing: run `cargo build --release` first. Prints a Markdown table.
"""
import argparse, json, os, pty, re, select, shutil, signal, statistics, subprocess, sys, tempfile, time

COLS, ROWS = 120, 40


def spawn(argv, env):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    return pid, fd


# Queries a terminal answers at once; a pseudo-terminal with nobody on the
# other side would leave a program waiting for its own time-out (presenterm
# waits a second for the answer to "who are you?").
ANSWERS = [
    (b"\x1b[c", b"\x1b[?62;22c"),
    (b"\x1b[0c", b"\x1b[?62;22c"),
    (b"\x1b[5n", b"\x1b[0n"),
    (b"\x1b[6n", b"\x1b[1;1R"),
    (b"\x1b[14t", b"\x1b[4;800;1200t"),
    (b"\x1b[16t", b"\x1b[6;20;10t"),
    (b"\x1b[18t", b"\x1b[8;40;120t"),
]


def answer_queries(fd, chunk):
    for q, a in ANSWERS:
        for _ in range(chunk.count(q)):
            os.write(fd, a)


def read_until(fd, pred, timeout=10.0, quiet=0.0):
    """Read until pred(buffer) holds, then until the output is quiet for `quiet` s.
    Returns (buffer, time the last byte arrived)."""
    buf, last = b"", time.perf_counter()
    end = time.perf_counter() + timeout
    done = False
    while time.perf_counter() < end:
        wait = quiet if done else max(0.0, end - time.perf_counter())
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            if done:
                break
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        answer_queries(fd, chunk)
        buf += chunk
        last = time.perf_counter()
        if not done and pred(buf):
            done = True
            if quiet == 0.0:
                break
    return buf, last


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def key_latencies(fd, key, n):
    """Each key's redraw, from the write to the last byte (ms)."""
    lat = []
    for i in range(n):
        k = key if i % 2 == 0 else key_back(key)
        t = time.perf_counter()
        os.write(fd, k)
        _, t_end = read_until(fd, lambda b: len(b) > 0, timeout=2.0, quiet=0.02)
        lat.append((t_end - t) * 1000)
    return lat


def measure(name, argv, env, first_marker, key, pages, settle_marker=None, keys=60, before=()):
    log(f"measuring {name} ...")
    t0 = time.perf_counter()
    pid, fd = spawn(argv, env)
    buf, t_first = read_until(fd, lambda b: first_marker in b, quiet=0.05)
    first_ms = (t_first - t0) * 1000
    if settle_marker:
        read_until(fd, lambda b: settle_marker in b, quiet=0.05)
    for k in before:
        os.write(fd, k)
        read_until(fd, lambda b: True, quiet=0.1)
    lat = key_latencies(fd, key, keys)
    # Page through everything.
    for _ in range(pages):
        os.write(fd, key)
        read_until(fd, lambda b: len(b) > 0, timeout=2.0, quiet=0.005)
    peak = vm_hwm_kb(pid)
    log(f"  {name}: first frame {first_ms:.1f} ms, key {statistics.median(lat):.2f} ms, peak {peak} kB")
    os.kill(pid, signal.SIGTERM)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)
    return {"name": name, "first_frame_ms": first_ms, "keys": lat, "peak_kb": peak}


def key_back(key):
    return {b"\x1b[C": b"\x1b[D", b"\x1b[B": b"\x1b[A", b"l": b"h", b"n": b"p"}.get(key, key)


FLOOR_C = r"""
#include <string.h>
#include <termios.h>
#include <unistd.h>
int main(void) {
    struct termios t; tcgetattr(0, &t); cfmakeraw(&t); tcsetattr(0, TCSANOW, &t);
    static char frame[1800]; memset(frame, 'x', sizeof frame);
    write(1, "ready\r\n", 7);
    char b[64];
    for (;;) { if (read(0, b, sizeof b) <= 0) break; write(1, frame, sizeof frame); }
    return 0;
}
"""


def build_floor():
    d = tempfile.mkdtemp()
    src, exe = os.path.join(d, "floor.c"), os.path.join(d, "floor")
    with open(src, "w") as f:
        f.write(FLOOR_C)
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc or subprocess.call([cc, "-O2", "-o", exe, src]) != 0:
        sys.exit("--floor needs a C compiler")
    return exe


def q(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p))]


def presenterm_deck(tt, path):
    """A Markdown deck with the same slides and code as threadtutor's lessons."""
    lessons = json.loads(subprocess.check_output([tt, "lessons", "--json"]))
    out = []
    for lesson in lessons:
        text = subprocess.check_output([tt, "show", lesson["id"]]).decode()
        for chunk in re.split(r"\nSlide \d+/\d+: ", text)[1:]:
            title, _, body = chunk.partition("\n")
            body = body.split("\n", 1)[1] if body.startswith("-") else body
            lines, code = [], []
            for l in body.splitlines():
                if l.startswith("    "):
                    code.append(l[4:])
                else:
                    if code:
                        lines += ["```python", *code, "```"]
                        code = []
                    lines.append(l)
            if code:
                lines += ["```python", *code, "```"]
            out.append(f"{title}\n===\n\n" + "\n".join(lines) + "\n\n<!-- end_slide -->\n")
    with open(path, "w") as f:
        f.write("\n".join(out))
    return sum(len(l["slides"]) for l in lessons)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keys", type=int, default=60, help="key presses per run")
    ap.add_argument("--presenterm", default=shutil.which("presenterm") or "/opt/presenterm/bin/presenterm")
    ap.add_argument("--floor", action="store_true")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tt = os.path.join(root, "target", "release", "threadtutor")
    if not os.path.exists(tt):
        sys.exit("build first: cargo build --release")
    data = tempfile.mkdtemp()
    env = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "THREADTUTOR_DATA_DIR": data}
    slides = len(sum((l["slides"] for l in json.loads(subprocess.check_output([tt, "lessons", "--json"]))), []))
    have_pt = a.presenterm and os.path.exists(a.presenterm)
    if have_pt:
        deck = os.path.join(tempfile.mkdtemp(), "deck.md")
        presenterm_deck(tt, deck)
    floor = build_floor() if a.floor else None
    rows = {}
    def add(name, r):
        rows.setdefault(name, []).append(r)
    for _ in range(a.runs):
        # A fresh data folder each run: "continue" state does not build up.
        shutil.rmtree(data, ignore_errors=True)
        os.makedirs(data)
        add("threadtutor, slides", measure("threadtutor", [tt], env, b"quit", b"\x1b[C", 0, keys=a.keys, before=[b"\r"]))
        add("threadtutor, home", measure("threadtutor", [tt], env, b"quit", b"\x1b[B", 0, keys=a.keys))
        if have_pt:
            add("presenterm, slides", measure("presenterm", [a.presenterm, deck], env, b"Threads", b"\x1b[C", 0, keys=a.keys))
        if floor:
            add("floor (C: read a key, write 1800 bytes)", measure("floor", [floor], env, b"ready", b"x", 0, keys=a.keys))
    # Peak memory after paging through every lesson (separate runs).
    pid, fd = spawn([tt], env)
    read_until(fd, lambda b: b"quit" in b, quiet=0.05)
    os.write(fd, b"\r")
    read_until(fd, lambda b: True, quiet=0.05)
    for _ in range(slides * 3):
        os.write(fd, b"\x1b[C")
        read_until(fd, lambda b: True, timeout=2.0, quiet=0.003)
    peaks = {"threadtutor, slides": vm_hwm_kb(pid)}
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    if have_pt:
        r = measure("presenterm", [a.presenterm, deck], env, b"Threads", b"\x1b[C", slides + 5, keys=2)
        peaks["presenterm, slides"] = r["peak_kb"]
    print(f"| program | first frame (ms, median of {a.runs}) | key -> frame (ms): median | p10 | p90 | p99 | peak RSS after paging all (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, rs in rows.items():
        ff = statistics.median(r["first_frame_ms"] for r in rs)
        keys = sum((r["keys"] for r in rs), [])
        peak = peaks.get(name)
        peak = f"{peak / 1024:.1f}" if peak else "-"
        print(f"| {name} | {ff:.1f} | {statistics.median(keys):.3f} | {q(keys, 0.1):.3f} | {q(keys, 0.9):.3f} | {q(keys, 0.99):.3f} | {peak} |")


if __name__ == "__main__":
    main()
