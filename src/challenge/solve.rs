//! The exhaustive solver: breadth-first search over every schedule, with
//! each distinct state explored once (states are told apart by a 128-bit
//! fingerprint of their full contents). It returns a shortest winning
//! schedule, or proves that none exists, with the number of states
//! explored.
//!
//! Livelock goals need cycles, not single states: the solver builds the
//! whole reachable state graph, finds its strongly connected components,
//! and for each state (nearest first) the shortest cycle back to it that
//! gives a step to every thread runnable there.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

use super::compile::Program;
use super::game::{Goal, MAX_STEPS, Move, Outcome, evaluate, format_schedule, legal_moves};
use super::machine::{Life, Machine, State, weight};

/// Bounds on a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most distinct states explored.
    pub max_states: usize,
    /// Longest schedule considered.
    pub max_steps: usize,
    /// Most bytes (roughly) of states waiting to be explored at once.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_states: 2_000_000,
            max_steps: MAX_STEPS,
            max_bytes: 512 * 1024 * 1024,
        }
    }
}

/// What the search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    pub winnable: bool,
    /// A shortest winning schedule, when winnable.
    pub schedule: Option<String>,
    /// Its moves.
    pub moves: Vec<Move>,
    /// Distinct states explored.
    pub states: usize,
    /// Every reachable state was explored (false when a limit was hit).
    pub exhaustive: bool,
    /// Which limit stopped the search, in words.
    pub limit_hit: Option<String>,
}

fn fingerprint(st: &State) -> u128 {
    let mut a = std::hash::DefaultHasher::new();
    st.hash(&mut a);
    let mut b = std::hash::DefaultHasher::new();
    0x9e37_79b9_7f4a_7c15u64.hash(&mut b);
    st.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

struct Node {
    parent: u32,
    mv: Option<Move>,
    depth: u32,
}

fn path(nodes: &[Node], mut i: usize) -> Vec<Move> {
    let mut out = Vec::new();
    while let Some(mv) = nodes[i].mv {
        out.push(mv);
        i = nodes[i].parent as usize;
    }
    out.reverse();
    out
}

/// Search every schedule of `prog` for one that reaches `goal`.
pub fn solve_program(prog: &Program, goal: &Goal, limits: Limits) -> Result<Solution, String> {
    let m = Machine { prog };
    let start = m.initial()?;
    if *goal == Goal::Livelock {
        return solve_livelock(prog, start, limits);
    }
    let mut seen: HashMap<u128, u32> = HashMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut queue: VecDeque<(State, u32)> = VecDeque::new();
    seen.insert(fingerprint(&start), 0);
    nodes.push(Node {
        parent: 0,
        mv: None,
        depth: 0,
    });
    let mut bytes = weight(&start);
    queue.push_back((start, 0));
    let mut limit_hit = None;
    while let Some((st, idx)) = queue.pop_front() {
        bytes = bytes.saturating_sub(weight(&st));
        match evaluate(prog, goal, &st) {
            Outcome::Win { .. } => {
                let moves = path(&nodes, idx as usize);
                return Ok(Solution {
                    winnable: true,
                    schedule: Some(format_schedule(&moves)),
                    moves,
                    states: nodes.len(),
                    exhaustive: true,
                    limit_hit: None,
                });
            }
            Outcome::Loss { .. } => continue,
            Outcome::Running => {}
        }
        let depth = nodes[idx as usize].depth;
        if depth as usize >= limits.max_steps {
            limit_hit.get_or_insert_with(|| {
                format!(
                    "schedules longer than {} steps were not explored",
                    limits.max_steps
                )
            });
            continue;
        }
        for mv in legal_moves(prog, &st) {
            let mut next = st.clone();
            m.run(&mut next, mv.thread as u16, mv.expand);
            let fp = fingerprint(&next);
            if seen.contains_key(&fp) {
                continue;
            }
            if nodes.len() >= limits.max_states {
                limit_hit
                    .get_or_insert_with(|| format!("stopped after {} states", limits.max_states));
                break;
            }
            let id = nodes.len() as u32;
            seen.insert(fp, id);
            nodes.push(Node {
                parent: idx,
                mv: Some(mv),
                depth: depth + 1,
            });
            queue.push_back((next, id));
        }
        if nodes.len() >= limits.max_states && limit_hit.is_some() {
            break;
        }
    }
    Ok(Solution {
        winnable: false,
        schedule: None,
        moves: Vec::new(),
        states: nodes.len(),
        exhaustive: limit_hit.is_none(),
        limit_hit,
    })
}

/// Livelock: the whole graph, then the cheapest (path + covering cycle).
fn solve_livelock(prog: &Program, start: State, limits: Limits) -> Result<Solution, String> {
    let m = Machine { prog };
    let mut seen: HashMap<u128, u32> = HashMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut edges: Vec<Vec<(u32, Move)>> = Vec::new();
    let mut need: Vec<u64> = Vec::new();
    let mut queue: VecDeque<(State, u32)> = VecDeque::new();
    seen.insert(fingerprint(&start), 0);
    nodes.push(Node {
        parent: 0,
        mv: None,
        depth: 0,
    });
    edges.push(Vec::new());
    need.push(0);
    let mut bytes = weight(&start);
    queue.push_back((start, 0));
    let mut limit_hit = None;
    while let Some((st, idx)) = queue.pop_front() {
        bytes = bytes.saturating_sub(weight(&st));
        if evaluate(prog, &Goal::Livelock, &st) != Outcome::Running {
            continue;
        }
        let mut mask = 0u64;
        for (i, t) in st.threads.iter().enumerate() {
            if t.life == Life::Alive && m.blocked(&st, i as u16).is_none() {
                mask |= 1 << i.min(63);
            }
        }
        need[idx as usize] = mask;
        let depth = nodes[idx as usize].depth;
        if depth as usize >= limits.max_steps {
            limit_hit.get_or_insert_with(|| {
                format!(
                    "schedules longer than {} steps were not explored",
                    limits.max_steps
                )
            });
            continue;
        }
        for mv in legal_moves(prog, &st) {
            let mut next = st.clone();
            m.run(&mut next, mv.thread as u16, mv.expand);
            let fp = fingerprint(&next);
            let id = match seen.get(&fp) {
                Some(id) => *id,
                None => {
                    if nodes.len() >= limits.max_states || bytes > limits.max_bytes {
                        limit_hit.get_or_insert_with(|| {
                            format!(
                                "stopped after {} states ({} MB waiting)",
                                nodes.len(),
                                bytes / (1024 * 1024)
                            )
                        });
                        continue;
                    }
                    let id = nodes.len() as u32;
                    seen.insert(fp, id);
                    nodes.push(Node {
                        parent: idx,
                        mv: Some(mv),
                        depth: depth + 1,
                    });
                    edges.push(Vec::new());
                    need.push(0);
                    bytes += weight(&next);
                    queue.push_back((next, id));
                    id
                }
            };
            edges[idx as usize].push((id, mv));
        }
    }
    let n = nodes.len();
    let comp = scc(&edges);
    // Threads stepped on edges inside each component.
    let ncomp = comp.iter().copied().max().map_or(0, |c| c + 1);
    let mut inside = vec![0u64; ncomp];
    for (u, es) in edges.iter().enumerate() {
        for (v, mv) in es {
            if comp[u] == comp[*v as usize] {
                inside[comp[u]] |= 1 << mv.thread.min(63);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|i| nodes[*i].depth);
    let mut best: Option<(usize, Vec<Move>)> = None;
    for s in order {
        let d = nodes[s].depth as usize;
        if best.as_ref().is_some_and(|(len, _)| d + 1 >= *len) {
            break;
        }
        let req = need[s];
        if req == 0 || inside[comp[s]] & req != req {
            continue;
        }
        if let Some(cycle) = covering_cycle(&edges, &comp, s, req) {
            let total = d + cycle.len();
            if best.as_ref().is_none_or(|(len, _)| total < *len) {
                let mut moves = path(&nodes, s);
                moves.extend(cycle);
                best = Some((total, moves));
            }
        }
    }
    Ok(match best {
        Some((_, moves)) => Solution {
            winnable: true,
            schedule: Some(format_schedule(&moves)),
            moves,
            states: n,
            exhaustive: true,
            limit_hit: None,
        },
        None => Solution {
            winnable: false,
            schedule: None,
            moves: Vec::new(),
            states: n,
            exhaustive: limit_hit.is_none(),
            limit_hit,
        },
    })
}

/// Shortest cycle from `s` back to `s` within its component whose moves
/// include every thread in `req`.
fn covering_cycle(
    edges: &[Vec<(u32, Move)>],
    comp: &[usize],
    s: usize,
    req: u64,
) -> Option<Vec<Move>> {
    let c = comp[s];
    // Only the bits of `req` matter: index them densely.
    let bits: Vec<usize> = (0..64).filter(|b| req & (1 << b) != 0).collect();
    let full = (1usize << bits.len()) - 1;
    let dense = |thread: usize| -> usize {
        bits.iter()
            .position(|b| *b == thread.min(63))
            .map_or(0, |p| 1 << p)
    };
    let mut prev: HashMap<(usize, usize), (usize, usize, Move)> = HashMap::new();
    let mut q = VecDeque::new();
    q.push_back((s, 0usize));
    let mut visited: HashMap<(usize, usize), ()> = HashMap::new();
    visited.insert((s, 0), ());
    while let Some((u, mask)) = q.pop_front() {
        for (v, mv) in &edges[u] {
            let v = *v as usize;
            if comp[v] != c {
                continue;
            }
            let nm = mask | dense(mv.thread);
            if v == s && nm == full {
                let mut moves = vec![*mv];
                let mut cur = (u, mask);
                while cur != (s, 0) {
                    let (pu, pm, pmv) = prev[&cur];
                    moves.push(pmv);
                    cur = (pu, pm);
                }
                moves.reverse();
                return Some(moves);
            }
            if visited.insert((v, nm), ()).is_none() {
                prev.insert((v, nm), (u, mask, *mv));
                q.push_back((v, nm));
            }
        }
    }
    None
}

/// Strongly connected components (iterative Tarjan): a component id per node.
fn scc(edges: &[Vec<(u32, Move)>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut next = 0;
    let mut ncomp = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on[root] = true;
        while let Some(&mut (u, ref mut ei)) = call.last_mut() {
            if *ei < edges[u].len() {
                let v = edges[u][*ei].0 as usize;
                *ei += 1;
                if index[v] == usize::MAX {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on[v] = true;
                    call.push((v, 0));
                } else if on[v] {
                    low[u] = low[u].min(index[v]);
                }
            } else {
                call.pop();
                if let Some(&(p, _)) = call.last() {
                    low[p] = low[p].min(low[u]);
                }
                if low[u] == index[u] {
                    while let Some(w) = stack.pop() {
                        on[w] = false;
                        comp[w] = ncomp;
                        if w == u {
                            break;
                        }
                    }
                    ncomp += 1;
                }
            }
        }
    }
    comp
}
