//! Speedup proofs for CPU-bound work: does the code really use the cores?
//!
//! A speedup only means something against what the machine can give *right
//! now*. So every measurement is a three-way comparison in the same run, in
//! interleaved rounds, each keeping its best time:
//! - **baseline**: the work on one thread, by the check (not by student code,
//!   which could make its own one-thread case slow);
//! - **control**: the same work split over the same number of threads by the
//!   check's own known-good parallel code: the speedup this machine, with its
//!   current load, can give;
//! - **candidate**: the student's code.
//!
//! The load of a shared machine changes from one moment to the next, so each
//! round runs the three back to back (in rotating order) and is judged on its
//! own too: a round counts only if the control showed in it that the machine
//! could run the threads in parallel (`machine_floor` speedup with
//! `busy_floor` cores busy). Without such a round (one usable core, a CPU
//! quota, other processes using the cores) the check is skipped with that
//! reason: a correct answer must never fail because the machine is busy.
//! Otherwise the candidate must reach, in one such round or best against
//! best, `share` of the control's gain over one thread, and keep
//! `busy_floor` cores busy, or `share` of the control's busy cores beyond
//! one where that is less (at least 1.1 in a counted round: a serialized
//! answer never keeps more than one busy, whatever the timing noise); it
//! fails only after `rounds_to_fail` rounds in which it never did and the
//! control kept `decisive_busy` cores busy: clearly more than the candidate
//! must (see [`Speedup::decisive_rounds`]), else the trial skips.

use std::time::{Duration, Instant};

use super::cores::{Cores, cores, process_cpu_time};
use threadlings_schema::report::{KitFailure, KitSkip};

use super::latency::{in_ms, ms};
use crate::{Failure, Stop};

/// How to measure and judge a speedup.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedupTrial {
    /// Rounds at most (each runs baseline, control and candidate once).
    pub max_rounds: usize,
    /// Rounds at least before stopping on the budget (a pass stops at once:
    /// no later round can undo it).
    pub min_rounds: usize,
    /// No new round starts after this much time.
    pub budget: Duration,
    /// The control must beat one thread by this factor, else skip.
    pub machine_floor: f64,
    /// ...and keep this many cores busy on average, else the round does not
    /// count. The candidate must keep as many, or `share` of the control's
    /// busy cores beyond one where that is less.
    pub busy_floor: f64,
    /// Rounds that must count before a candidate can fail (fewer: skip).
    pub rounds_to_fail: usize,
    /// A round can count against the candidate only if the control kept
    /// this many cores busy in it: clearly more than the candidate must
    /// keep (at most `busy_floor`), so that a correct answer, measured a
    /// moment later under the same load, could not have missed by chance.
    pub decisive_busy: f64,
    /// The candidate must get this share of the control's gain:
    /// `required = 1 + share × (control speedup − 1)`.
    pub share: f64,
}

impl Default for SpeedupTrial {
    fn default() -> Self {
        SpeedupTrial {
            max_rounds: 12,
            min_rounds: 3,
            budget: Duration::from_secs(12),
            machine_floor: 1.5,
            busy_floor: 1.2,
            rounds_to_fail: 3,
            decisive_busy: 1.4,
            share: 0.5,
        }
    }
}

/// One round: the three runs, back to back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    pub baseline: Duration,
    pub control: Duration,
    pub candidate: Duration,
    /// Cores the control kept busy on average (process CPU time over the
    /// time it measured).
    pub control_busy: f64,
    /// Cores the candidate kept busy on average.
    pub candidate_busy: f64,
}

/// The rounds of one speedup trial, and how to judge them.
///
/// The machine's load can change from one moment to the next, so the
/// candidate is compared with the baseline and control of its *own* round
/// (run back to back, in rotating order) as well as best against best. A
/// round counts only if the control showed in it that the machine could run
/// the threads in parallel (speedup ≥ `machine_floor`, ≥ `busy_floor` cores
/// busy). The candidate passes if it reached the required speedup in any
/// such round, or best against best; it fails only if there were such rounds
/// and it reached it in none of them; with none, the trial skips.
#[derive(Debug, Clone, PartialEq)]
pub struct Speedup {
    pub cores: Cores,
    pub threads: usize,
    pub rounds: Vec<Round>,
    trial: SpeedupTrial,
}

fn best(times: impl Iterator<Item = Duration>) -> Duration {
    times.min().unwrap_or_default()
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(1e-9)
}

/// Runs `f`, returning its measured time and the cores busy meanwhile.
///
/// Busy cores are the process's CPU time over the time `f` measured (its
/// work, set-up excluded), not over the wall time of the whole call. The
/// candidate's call also hands the work to a watchdog thread (`within`) and
/// waits for its answer; on a loaded machine each of those hand-offs waits
/// for a core, and counting that wait as idle made a correct answer look
/// serialized (1.0–1.1 cores busy where the control, called directly,
/// showed 1.2–1.3 in the same rounds: a loaded full-course run lost
/// `09-parallel-compute::sum_speeds_up` that way). The CPU of the set-up
/// itself (a thread start, an `Arc` clone) is microseconds against work
/// sized to tens of milliseconds, so a serialized answer still shows one
/// core.
fn busy(f: &mut dyn FnMut() -> Result<Duration, Stop>) -> Result<(Duration, f64), Stop> {
    let cpu = process_cpu_time();
    let took = f()?;
    let cores =
        (process_cpu_time().saturating_sub(cpu)).as_secs_f64() / took.as_secs_f64().max(1e-9);
    Ok((took, cores))
}

impl SpeedupTrial {
    /// Measures. Each closure runs the same work once and returns the time
    /// the work took (set-up excluded). `threads` is the worker count the
    /// control and the candidate use. Skips right away with fewer than two
    /// usable cores.
    pub fn run(
        &self,
        threads: usize,
        mut baseline: impl FnMut() -> Result<Duration, Stop>,
        mut control: impl FnMut() -> Result<Duration, Stop>,
        mut candidate: impl FnMut() -> Result<Duration, Stop>,
    ) -> Result<Speedup, Stop> {
        let cores = require_cores(2)?;
        let started = Instant::now();
        let mut s = Speedup {
            cores,
            threads,
            rounds: Vec::new(),
            trial: self.clone(),
        };
        for round in 0..self.max_rounds.max(1) {
            let mut r = Round {
                baseline: Duration::ZERO,
                control: Duration::ZERO,
                candidate: Duration::ZERO,
                control_busy: 0.0,
                candidate_busy: 0.0,
            };
            // Rotate the order so a drift in load favours no one.
            for step in 0..3 {
                match (step + round) % 3 {
                    0 => r.baseline = baseline()?,
                    1 => (r.control, r.control_busy) = busy(&mut control)?,
                    _ => (r.candidate, r.candidate_busy) = busy(&mut candidate)?,
                }
            }
            s.rounds.push(r);
            // Stop at the first pass: the pass criterion is the same
            // whatever the number of rounds, and a round that passed keeps
            // passing whatever follows, so more rounds would only give more
            // chances to pass, at a cost in time. Failing and skipping still
            // need `min_rounds` rounds (and `rounds_to_fail` counted ones).
            if self.done(&s, started.elapsed()) {
                break;
            }
        }
        Ok(s)
    }
}

impl SpeedupTrial {
    /// Whether to stop measuring after the rounds in `s`, `elapsed` in.
    fn done(&self, s: &Speedup, elapsed: Duration) -> bool {
        s.passes() || (s.rounds.len() >= self.min_rounds && elapsed >= self.budget)
    }
}

/// Skips the check (with the reason) unless `n` cores are usable.
pub fn require_cores(n: usize) -> Result<Cores, Stop> {
    // Every speed measurement starts here, the check's own ones included.
    super::claim_machine("require_cores");
    let cores = cores();
    if cores.usable() < n {
        return Err(Stop::KitSkip(KitSkip::TooFewCores {
            needed: n,
            cores: cores.to_data(),
        }));
    }
    Ok(cores)
}

impl Speedup {
    fn best_baseline(&self) -> Duration {
        best(self.rounds.iter().map(|r| r.baseline))
    }

    fn best_control(&self) -> Duration {
        best(self.rounds.iter().map(|r| r.control))
    }

    fn best_candidate(&self) -> Duration {
        best(self.rounds.iter().map(|r| r.candidate))
    }

    /// One thread's best time over the control's best: what the machine gives.
    pub fn machine_speedup(&self) -> f64 {
        ratio(self.best_baseline(), self.best_control())
    }

    /// One thread's best time over the candidate's best.
    pub fn candidate_speedup(&self) -> f64 {
        ratio(self.best_baseline(), self.best_candidate())
    }

    /// The speedup the candidate must reach, best against best.
    pub fn required(&self) -> f64 {
        self.required_for(self.machine_speedup())
    }

    fn required_for(&self, machine: f64) -> f64 {
        1.0 + self.trial.share * (machine - 1.0)
    }

    /// Whether the control showed in round `r` that the machine could run
    /// the threads in parallel.
    fn informative(&self, r: &Round) -> bool {
        ratio(r.baseline, r.control) >= self.trial.machine_floor
            && r.control_busy >= self.trial.busy_floor
    }

    /// The cores the candidate must keep busy where the control kept
    /// `control_busy`: `busy_floor` (1.2), or half of the control's cores
    /// beyond one (`share` of its gain, as for the speed) where that is less.
    /// A round counts only with the control at `busy_floor` or more, so this
    /// is at least 1.1, which a serialized answer (one core at most) never
    /// reaches; on an idle machine (control near 2) it is 1.2 as before.
    ///
    /// It is relative, not `busy_floor` again, because a round counts only
    /// when the control happened to reach the floor: on a loaded machine the
    /// busy cores a process gets hover around it (two `yes` loops leave four
    /// threads about 1.33 cores), so the candidate, measured a moment later,
    /// fell short of 1.2 in every counted round about once in seven trials
    /// while reaching 2.5x the speed of one thread in the same trial.
    fn busy_required(&self, control_busy: f64) -> f64 {
        (1.0 + self.trial.share * (control_busy - 1.0)).min(self.trial.busy_floor)
    }

    /// The candidate passes a round by reaching the required speedup there
    /// while keeping more than one core busy (see [`Self::busy_required`]): a
    /// serialized answer cannot do the latter, however the load favours its
    /// timing.
    fn round_passes(&self, r: &Round) -> bool {
        self.informative(r)
            && r.candidate_busy >= self.busy_required(r.control_busy)
            && ratio(r.baseline, r.candidate) >= self.required_for(ratio(r.baseline, r.control))
    }

    /// Rounds in which the machine showed parallel capacity.
    pub fn informative_rounds(&self) -> usize {
        self.rounds.iter().filter(|r| self.informative(r)).count()
    }

    /// Rounds that count against a candidate that did not pass them: the
    /// control showed parallel capacity *clearly* (`decisive_busy` cores).
    ///
    /// Busy cores are the work's CPU time over its wall time, so in one
    /// round they follow the speed: under two `yes` loops four threads get
    /// about 1.33 cores, a round counted when the control happened to reach
    /// 1.2, and a correct candidate measured a moment later missed its 1.1
    /// to 1.2 about as often as not: three such rounds in a row lost a
    /// correct `09-parallel-compute` answer about once in six full-course
    /// runs. With a margin between what the control showed and what the
    /// candidate must show, a machine that busy gives no decisive round and
    /// the trial skips; an idle one (control near 1.9) gives one every round.
    pub fn decisive_rounds(&self) -> usize {
        self.rounds
            .iter()
            .filter(|r| self.informative(r) && r.control_busy >= self.trial.decisive_busy)
            .count()
    }

    fn best_passes(&self) -> bool {
        // The busy cores of the round that gave `best` for `pick`'s run.
        let busy_at = |pick: fn(&Round) -> (Duration, f64), best: Duration| {
            self.rounds
                .iter()
                .map(pick)
                .filter(|(time, _)| *time == best)
                .map(|(_, busy)| busy)
                .fold(None, |most: Option<f64>, busy| {
                    Some(most.map_or(busy, |m| m.max(busy)))
                })
        };
        let control_busy = busy_at(|r| (r.control, r.control_busy), self.best_control());
        let candidate_busy = busy_at(|r| (r.candidate, r.candidate_busy), self.best_candidate());
        let (Some(control_busy), Some(candidate_busy)) = (control_busy, candidate_busy) else {
            return false;
        };
        self.machine_speedup() >= self.trial.machine_floor
            && control_busy >= self.trial.busy_floor
            && candidate_busy >= self.busy_required(control_busy)
            && self.candidate_speedup() >= self.required()
    }

    fn passes(&self) -> bool {
        self.best_passes() || self.rounds.iter().any(|r| self.round_passes(r))
    }

    /// Lines for the evidence notes.
    pub fn notes(&self) -> Vec<String> {
        let (rounds, threads) = (self.rounds.len(), self.threads);
        let (baseline, control, candidate) = (
            ms(self.best_baseline()),
            ms(self.best_control()),
            ms(self.best_candidate()),
        );
        let (machine, yours, required) = (
            self.machine_speedup(),
            self.candidate_speedup(),
            self.required(),
        );
        let (machine_floor, busy_floor, decisive_busy) = (
            self.trial.machine_floor,
            self.trial.busy_floor,
            self.trial.decisive_busy,
        );
        let (informative, decisive) = (self.informative_rounds(), self.decisive_rounds());
        let (cores, cores_ko) = (self.cores.describe(), self.cores.describe_ko());
        let mut notes = vec![
            crate::t!(
                "best of {rounds} rounds: one thread (course's loop) {baseline}; course's parallel \
                 loop on {threads} threads {control} ({machine:.2}x); yours {candidate} \
                 ({yours:.2}x); required {required:.2}x (half the course loop's gain)",
                "라운드 {rounds}개 중 최고: 스레드 하나(코스의 루프) {baseline}; 스레드 \
                 {threads}개로 도는 코스의 병렬 루프 {control}({machine:.2}배); 여러분의 코드 \
                 {candidate}({yours:.2}배); 필요한 값 {required:.2}배(코스 루프가 얻은 향상의 \
                 절반)"
            ),
            crate::t!(
                "rounds where the machine showed parallelism (course's loop >= {machine_floor:.1}x \
                 and >= {busy_floor:.1} cores busy): {informative}, clearly (>= \
                 {decisive_busy:.1} cores busy, needed to fail an answer): {decisive}; machine: \
                 {cores}",
                "컴퓨터가 병렬 실행을 보여 준 라운드(코스의 루프 >= {machine_floor:.1}배, 바쁜 \
                 코어 >= {busy_floor:.1}개): {informative}개, 분명히 보여 준 라운드(바쁜 코어 >= \
                 {decisive_busy:.1}개, 답을 실패로 판정하려면 필요): {decisive}개; 컴퓨터: \
                 {cores_ko}"
            ),
        ];
        for (i, r) in self.rounds.iter().enumerate() {
            let (round, one, course, mine) =
                (i + 1, ms(r.baseline), ms(r.control), ms(r.candidate));
            let (course_x, course_busy, mine_x, mine_busy) = (
                ratio(r.baseline, r.control),
                r.control_busy,
                ratio(r.baseline, r.candidate),
                r.candidate_busy,
            );
            let passed = self.round_passes(r);
            let (ok, ok_ko) = if passed { (" ok", " 통과") } else { ("", "") };
            notes.push(crate::t!(
                "round {round}: one thread {one}, course {course} ({course_x:.2}x, \
                 {course_busy:.1} cores busy), yours {mine} ({mine_x:.2}x, {mine_busy:.1} cores \
                 busy){ok}",
                "라운드 {round}: 스레드 하나 {one}, 코스 {course}({course_x:.2}배, 바쁜 코어 \
                 {course_busy:.1}개), 여러분의 코드 {mine}({mine_x:.2}배, 바쁜 코어 \
                 {mine_busy:.1}개){ok_ko}"
            ));
        }
        notes
    }

    /// Passes, skips (the machine cannot show a speedup now), or fails.
    pub fn judge(&self, what: impl AsRef<str>) -> Result<(), Stop> {
        let what = what.as_ref();
        if self.passes() {
            return Ok(());
        }
        let machine = self.machine_speedup();
        if self.decisive_rounds() < self.trial.rounds_to_fail {
            return Err(Stop::KitSkip(KitSkip::BusyMachine {
                threads: self.threads,
                machine_floor: self.trial.machine_floor,
                decisive_busy: self.trial.decisive_busy,
                decisive_rounds: self.decisive_rounds(),
                rounds: self.rounds.len(),
                rounds_to_fail: self.trial.rounds_to_fail,
                cores: self.cores.to_data(),
            }));
        }
        let most_busy = self
            .rounds
            .iter()
            .map(|r| r.candidate_busy)
            .fold(0.0, f64::max);
        Err(Stop::Fail(Failure::kit(KitFailure::Speedup {
            what: what.to_string(),
            threads: self.threads,
            decisive_rounds: self.decisive_rounds(),
            most_busy,
            required: self.required(),
            machine,
            candidate: self.candidate_speedup(),
            candidate_ms: in_ms(self.best_candidate()),
            baseline_ms: in_ms(self.best_baseline()),
            rounds: self.rounds.len(),
        })))
    }
}

/// Finds a problem size whose run takes at least `target`: doubles `n` from
/// `start` until `run(n)` does (at most `max_n`). Use it to make a speedup
/// measurement long enough that spawn costs and timer resolution vanish.
pub fn scale_to(
    target: Duration,
    start: usize,
    max_n: usize,
    mut run: impl FnMut(usize) -> Duration,
) -> usize {
    let mut n = start.max(1);
    while n < max_n {
        let took = run(n);
        if took >= target {
            break;
        }
        // Jump close to the target when the time is measurable, else double.
        let factor = if took > Duration::from_millis(2) {
            (target.as_secs_f64() / took.as_secs_f64()).clamp(1.2, 8.0)
        } else {
            2.0
        };
        n = ((n as f64 * factor) as usize).min(max_n);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(baseline: u64, control: u64, candidate: u64, candidate_busy: f64) -> Round {
        Round {
            baseline: Duration::from_millis(baseline),
            control: Duration::from_millis(control),
            candidate: Duration::from_millis(candidate),
            control_busy: 1.9,
            candidate_busy,
        }
    }

    fn speedup(rounds: Vec<Round>) -> Speedup {
        Speedup {
            cores: Cores {
                available: 2,
                affinity: Some(2),
                quota: None,
            },
            threads: 2,
            rounds,
            trial: SpeedupTrial::default(),
        }
    }

    /// A passing first round ends the trial (the verdict cannot change);
    /// an answer that has not passed is measured on until the budget, and
    /// a serialized one is judged only after enough counted rounds.
    #[test]
    fn the_first_pass_stops_the_trial_but_a_fail_needs_its_rounds() {
        let trial = SpeedupTrial::default();
        let short = Duration::from_millis(10);
        let passing = speedup(vec![round(1000, 520, 560, 1.9)]);
        assert!(trial.done(&passing, short));
        assert!(passing.judge("x").is_ok());

        let serialized = round(1000, 520, 1000, 1.0);
        let one = speedup(vec![serialized]);
        assert!(!trial.done(&one, short));
        assert!(
            !trial.done(&one, trial.budget),
            "min_rounds before the budget stops"
        );
        assert!(matches!(one.judge("x"), Err(Stop::KitSkip(_))));
        let three = speedup(vec![serialized; 3]);
        assert!(!trial.done(&three, short));
        assert!(trial.done(&three, trial.budget));
        assert!(matches!(three.judge("x"), Err(Stop::Fail(_))));
    }

    /// Burns `cpu` of this process's CPU time (however long that takes on
    /// a loaded machine) and returns the CPU time burnt.
    fn burn(cpu: Duration) -> Duration {
        let start = process_cpu_time();
        while process_cpu_time().saturating_sub(start) < cpu {
            std::hint::black_box(0u64);
        }
        process_cpu_time().saturating_sub(start)
    }

    /// Busy cores are judged over the measured work only: waiting for a
    /// watchdog thread's hand-off around it (idle on a loaded machine) does
    /// not make one fully busy core look like less than one. The work here
    /// reports its own CPU time as its measured time, so the expected answer
    /// (one core) does not depend on the machine's load.
    #[test]
    fn busy_cores_count_the_measured_work_not_the_waits_around_it() {
        let (took, cores) = busy(&mut || {
            std::thread::sleep(Duration::from_millis(60));
            let took = burn(Duration::from_millis(30));
            std::thread::sleep(Duration::from_millis(60));
            Ok(took)
        })
        .unwrap();
        assert!(took >= Duration::from_millis(30));
        // Only a lower bound: the process's CPU clock also counts the other
        // tests running beside this one, which can only add.
        assert!(cores > 0.9, "one core's work is one core busy: {cores:.2}");
    }

    /// Under load the busy cores hover around the floor: a candidate at
    /// 1.15 where the control, counted at 1.3, passes on speed passes the
    /// round; a serialized one (1.0 busy) does not, whatever its time; on
    /// an idle machine the floor is unchanged.
    #[test]
    fn the_candidate_keeps_half_the_controls_extra_cores_busy() {
        let loaded = |candidate_busy: f64| Round {
            baseline: Duration::from_millis(200),
            control: Duration::from_millis(100),
            candidate: Duration::from_millis(110),
            control_busy: 1.3,
            candidate_busy,
        };
        let passing = speedup(vec![loaded(1.15)]);
        assert!(passing.round_passes(&passing.rounds[0]));
        let serialized = speedup(vec![loaded(1.0); 3]);
        assert!(!serialized.round_passes(&serialized.rounds[0]));
        // Rounds this loaded cannot fail an answer (the control was not
        // clearly parallel): the trial skips.
        assert!(matches!(serialized.judge("x"), Err(Stop::KitSkip(_))));
        // On an idle machine (control ~1.9) the floor stays 1.2.
        let idle = speedup(vec![round(1000, 520, 560, 1.2)]);
        assert!(idle.round_passes(&idle.rounds[0]));
        let idle = speedup(vec![round(1000, 520, 560, 1.15)]);
        assert!(!idle.round_passes(&idle.rounds[0]));
    }

    /// A candidate that missed only rounds where the control itself was
    /// near the floor (a machine loaded by two `yes` loops) is not failed:
    /// the trial skips. Rounds where the control clearly ran in parallel
    /// (idle machine) still fail a serialized answer.
    #[test]
    fn only_rounds_with_clear_parallelism_can_fail_an_answer() {
        let loaded = Round {
            baseline: Duration::from_millis(200),
            control: Duration::from_millis(100),
            candidate: Duration::from_millis(120),
            control_busy: 1.3,
            candidate_busy: 1.05,
        };
        let trial = speedup(vec![loaded; 6]);
        assert_eq!(trial.informative_rounds(), 6);
        assert_eq!(trial.decisive_rounds(), 0);
        assert!(matches!(trial.judge("x"), Err(Stop::KitSkip(_))));
        let idle = speedup(vec![round(1000, 520, 1000, 1.0); 3]);
        assert_eq!(idle.decisive_rounds(), 3);
        assert!(matches!(idle.judge("x"), Err(Stop::Fail(_))));
    }
}
