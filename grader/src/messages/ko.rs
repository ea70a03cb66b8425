//! The Korean catalog: every explanation and sandbox finding of the English
//! catalog (`en.rs`), phrased in Korean from the same data. Values the
//! grader did not choose (a panic message, a check's reason for skipping,
//! an OS error) are quoted as they are.
//!
//! Each function is an exhaustive `match`, like the English one: an
//! explanation added to the report model does not compile until it is
//! worded here too.

use threadlings_schema::report::{
    Crash, DeadlockSummary, Explanation, ExplorationAt, ExplorationScheduler, KitFailure, KitSkip,
    LitmusRun, LitmusTool, LockAccess, MachineCores, OutcomeClass, OutcomeRow, OutcomeTable,
    OutcomeVerdict, RaceBuild, RaceDeadlock, RaceFailure, RaceHint, RaceLock, RacePanic,
    RaceReplay, RaceThread, RaceThreadState, SandboxFinding, Scenario, ScenarioNote, ScenarioOp,
    ScenarioPart, ScenarioWhy, ShuttleSchedule, ThreadWait, TraceCause, TraceExecution,
    TraceObjectWhat, WatchedRun,
};

/// An explanation in Korean.
pub fn explanation(e: &Explanation) -> String {
    match e {
        Explanation::ChecksDoNotCompile => {
            "숨겨진 검사가 여러분의 코드와 함께 컴파일되지 않습니다: 공개 함수의 이름이나 \
             시그니처를 바꾸지 않았나요? src/lib.rs에 주어진 API를 그대로 유지하세요."
                .to_string()
        }
        Explanation::DoesNotCompile { package } => format!(
            "코드가 컴파일되지 않습니다. 아래 오류를 고치세요(`cargo build -p {package}`를 \
             실행하면 색으로 구분해 보여 줍니다)"
        ),
        Explanation::NoSources => {
            "채점하는 디렉터리에 이 연습 문제의 소스가 없습니다(NN-topic/src/가 있어야 합니다)"
                .to_string()
        }
        Explanation::VariantDoesNotCompile { variant } => format!(
            "검사의 `{variant}` 빌드가 여러분의 코드와 함께 컴파일되지 않습니다. 이 방식으로 \
             검사하는 연습 문제에서는 `std::sync`와 `std::thread` 대신 코스의 \
             `threadlings::sync`와 `threadlings::thread`를 써야 하고, 락과 원자적 변수를 \
             `static`에 두면 안 됩니다(모델 검사는 탐색하는 인터리빙마다 이것들을 새로 \
             만듭니다)."
        ),
        Explanation::Timeout { limit_ms, check } => format!(
            "{}초 안에 끝나지 않았습니다: `{check}`에서 교착 상태나 무한 루프가 \
             의심됩니다(서로를 기다리는 스레드, 놓친 깨우기 신호, 끝나지 않는 루프)",
            super::whole_seconds(*limit_ms)
        ),
        Explanation::Crashed {
            crash,
            after_finish,
        } => {
            let after = if *after_finish {
                " (검사가 끝난 뒤: 실행 중으로 남겨 둔 스레드가 프로세스를 비정상 \
                 종료시켰습니다)"
            } else {
                ""
            };
            format!("비정상 종료: {}{after}", self::crash(*crash))
        }
        Explanation::ExitedEarly { code } => format!(
            "검사가 끝나기 전에 프로세스가 종료되었습니다(종료 코드 {code}): 코드가 \
             std::process::exit를 호출하거나, 패닉을 처리하는 중에 다시 패닉을 일으키지 \
             않나요?"
        ),
        Explanation::NotRun { error } => format!("검사 프로그램을 시작할 수 없습니다: {error}"),
        Explanation::PassedLeavingProcesses => {
            "검사는 통과했지만, 검사한 코드가 프로세스를 실행 중인 채로 남겼습니다".to_string()
        }
        Explanation::SeveralVerdicts => "결과 채널에 판정이 둘 이상 도착했습니다: 검사 하네스가 \
                                         아닌 무언가가 채널에 썼으므로 어느 판정도 인정하지 \
                                         않습니다"
            .to_string(),
        Explanation::SupervisorLost => "검사의 감독 프로세스가 보고하기 전에 (검사한 코드에 \
                                        의해?) 종료되어 검사를 판정할 수 없습니다"
            .to_string(),
        Explanation::ProtocolMismatch { lines } => format!(
            "검사 프로그램이 이 채점기가 모르는 프로토콜로 보고했습니다(이번 실행의 비밀 값이 \
             붙은 {lines}줄을 해석하지 못했습니다): 채점기와 검사 프로그램이 서로 다른 소스로 \
             빌드되었습니다. 둘 다 다시 빌드되도록 `cargo run -p grader`로 채점기를 실행하세요"
        ),
        Explanation::PassedBesideForgedLines => "검사 결과를 믿을 수 없습니다: 검사한 코드가 \
                                                 채점기 대신 결과를 보냈습니다"
            .to_string(),
        Explanation::NotStarted { detail } => format!(
            "아직 시작하지 않았습니다: 이 검사가 쓰는 과제가 아직 todo!()를 호출합니다({detail})"
        ),
        Explanation::StubsUntouched => {
            "아직 시작하지 않았습니다: 이 검사가 쓰는 과제가 아직 todo!()를 호출합니다(소스가 \
             아직 코스의 스텁 그대로입니다. 소스를 바꾸면 검사가 실행됩니다)"
                .to_string()
        }
        Explanation::Panicked {
            location: Some(location),
            message,
        } => format!("{location}에서 패닉: {message}"),
        Explanation::Panicked {
            location: None,
            message,
        } => format!("패닉: {message}"),
        Explanation::Skipped { kit: Some(kit), .. } => format!("건너뜀: {}", kit_skip(kit)),
        Explanation::Skipped { reason, kit: None } => format!("건너뜀: {reason}"),
        Explanation::KitFailed { failure } => kit_failure(failure, true),
        Explanation::OffFacade { uses, more } => {
            let shown: Vec<String> = uses
                .iter()
                .map(|u| format!("{}:{}에서 {} 사용", u.file, u.line, u.what))
                .collect();
            let more = match more {
                0 => String::new(),
                n => format!(" (그 밖에 {n}곳)"),
            };
            format!(
                "채점하지 않음: 이 경쟁 상태 검사는 코스 퍼사드를 통해 여러분의 락, 원자적 \
                 변수, 스레드를 지켜보는데, 코드가 퍼사드를 거치지 않습니다: {}{more}. \
                 이것들을 threadlings::sync와 threadlings::thread에서 가져오고(이름과 \
                 메서드는 std와 같습니다), 연습 문제가 요구하지 않는 한 `unsafe` 없이 \
                 작성하세요. 그러면 이 검사가 답을 채점합니다.",
                shown.join("; ")
            )
        }
    }
}

/// What a crash was, after `비정상 종료: `.
fn crash(crash: Crash) -> String {
    match crash {
        Crash::StackOverflow => "스택 오버플로(끝없는 재귀, 또는 스택에 놓인 거대한 값)",
        Crash::Abort => {
            "중단됨(SIGABRT): std::process::abort, 되감을 수 없는 패닉, 또는 메모리 할당 실패"
        }
        Crash::SegmentationFault => "세그멘테이션 오류(SIGSEGV): unsafe 코드의 잘못된 메모리 접근",
        Crash::BusError => "버스 오류(SIGBUS): 잘못된 메모리 접근",
        Crash::Killed => "강제 종료됨(SIGKILL): 메모리 부족, 또는 자원 한도",
        Crash::ArithmeticError => "산술 오류(SIGFPE)",
        Crash::IllegalInstruction => "잘못된 명령어(SIGILL)",
        Crash::CpuTimeLimit => "CPU 시간 한도 초과(SIGXCPU)",
        Crash::BrokenPipe => "끊어진 파이프(SIGPIPE)",
        Crash::FileSizeLimit => "파일 크기 한도 초과(SIGXFSZ)",
        Crash::Signal(signal) => return format!("시그널 {signal}로 종료됨"),
    }
    .to_string()
}

/// One sandbox finding in Korean.
pub fn finding(f: &SandboxFinding) -> String {
    const FLAGGED: &str = "검사는 실패로 처리되고, 제출물은 강사가 확인하도록 표시됩니다";
    match f {
        SandboxFinding::OutOfMemory { limit_mb, peak_mb } => format!(
            "메모리 부족: 검사의 메모리 한도 {limit_mb} MB에서 할당이 실패했습니다(최대 상주 \
             메모리 {peak_mb} MB). 끝없이 커지는 데이터나, 한 번도 비우지 않는 컬렉션이 있지 \
             않나요?"
        ),
        SandboxFinding::TaskLimit { limit } => format!(
            "작업 한도에 도달했습니다: 스레드와 프로세스는 동시에 최대 {limit}개까지 실행할 수 \
             있습니다. 스레드나 프로세스를 제한 없이 시작하지 않았나요?"
        ),
        SandboxFinding::FileSize { limit_mb } => {
            format!("파일이 검사의 파일 크기 한도 {limit_mb} MB를 넘었습니다")
        }
        SandboxFinding::OutputTruncated {
            total_bytes,
            kept_kb,
        } => format!(
            "출력이 {}에 이릅니다. 보고서에는 처음과 마지막 {kept_kb} KB만 남깁니다",
            super::human_bytes(*total_bytes)
        ),
        SandboxFinding::LeftoverProcesses { count } => format!(
            "검사한 코드가 시작한 프로세스 {count}개가 검사가 끝난 뒤에도 실행 중이어서 강제 \
             종료되었습니다: 함수가 반환하기 전에, 시작한 모든 프로세스가 끝나야(그리고 \
             wait로 회수되어야) 합니다"
        ),
        SandboxFinding::ResultChannelForged { lines } => format!(
            "검사한 코드가 채점기 전용 결과 채널에 {lines}줄을 썼습니다. 이 채널에는 검사 \
             하네스만 쓸 수 있습니다. {FLAGGED}"
        ),
        SandboxFinding::ForbiddenOpen => format!(
            "검사한 코드가 검사 프로세스의 메모리나 채점기 전용 파일 디스크립터(/proc/self/mem, \
             /proc/self/fd/3 또는 4)를 열려고 했습니다. {FLAGGED}"
        ),
        SandboxFinding::VerdictShapedOutput => {
            format!("검사한 코드가 채점기의 판정처럼 생긴 줄을 출력했습니다. {FLAGGED}")
        }
    }
}

// ---------------------------------------------------------------------------
// A failed race check's interleaving (`Trace`), from its data.

/// Which execution a trace shows: `shuttle 스케줄 2/1000`.
pub fn trace_execution(e: &TraceExecution) -> String {
    match *e {
        TraceExecution::Stress { round, rounds } => format!("스트레스 라운드 {round}/{rounds}"),
        TraceExecution::Exploration {
            schedule,
            schedules,
        } => format!("shuttle 스케줄 {schedule}/{schedules}"),
        TraceExecution::Model { execution } => format!("loom 실행 {execution}"),
    }
}

/// What went wrong in a trace, in one sentence. Thread and object names
/// are the trace's own.
pub fn trace_cause(c: &TraceCause) -> String {
    match c {
        TraceCause::LostUpdate {
            object,
            reader,
            read,
            writer,
            overwritten,
            stored,
            stale_read: false,
        } => format!(
            "스레드 {reader}이(가) {object}에서 {read}을(를) 읽은 뒤 스레드 {writer}이(가) \
             {overwritten}을(를) 저장했고, {reader}이(가) 다시 읽지 않고 저장한 {stored}이(가) \
             {writer}의 {overwritten}을(를) 덮어썼습니다: 갱신 하나가 사라졌습니다."
        ),
        TraceCause::LostUpdate {
            object,
            reader,
            read,
            writer,
            overwritten,
            stored,
            stale_read: true,
        } => format!(
            "스레드 {writer}이(가) {object}에 {overwritten}을(를) 이미 저장했는데도 스레드 \
             {reader}은(는) {read}을(를) 읽었고(그 저장을 읽기보다 앞에 두는 순서가 없었습니다), \
             {reader}이(가) 저장한 {stored}이(가) {writer}의 {overwritten}을(를) \
             덮어썼습니다: 갱신 하나가 사라졌습니다."
        ),
        TraceCause::StaleRead {
            object,
            reader,
            read,
            writer,
            stored,
        } => format!(
            "스레드 {writer}이(가) {object}에 {stored}을(를) 먼저 저장했는데도 스레드 {reader}은(는) \
             {read}을(를) 읽었습니다: 그 저장을 이 읽기보다 앞에 두는 순서가 없어서 더 오래된 \
             값을 읽을 수 있었고, 실제로 그랬습니다."
        ),
        TraceCause::LostWakeup {
            condvar,
            waiters,
            last_notify: Some(notifier),
        } => format!(
            "{}이(가) {condvar}에서 기다리는데(→ 표시) 그 뒤로 {condvar}에 대한 notify가 없었습니다: \
             마지막 notify는 {notifier}이(가) 기다림이 시작되기 전에 보냈으므로 이 기다림을 \
             끝낼 수 없습니다. 깨워 줄 스레드가 남아 있지 않습니다: 깨우기 신호를 잃어버렸습니다.",
            waiters.join(", ")
        ),
        TraceCause::LostWakeup {
            condvar,
            waiters,
            last_notify: None,
        } => format!(
            "{}이(가) {condvar}에서 기다리는데(→ 표시) 어떤 스레드도 {condvar}에 notify하지 \
             않았습니다. 깨워 줄 스레드가 남아 있지 않습니다: 깨우기 신호를 잃어버렸습니다.",
            waiters.join(", ")
        ),
        TraceCause::Deadlock { threads } => format!(
            "어떤 스레드도 진행할 수 없습니다: {}이(가) 각자 마지막 요청(→ 표시)에서, 막혀 있는 \
             다른 스레드가 쥐고 있거나 아직 하지 않은 일을 기다립니다.",
            threads.join(", ")
        ),
        TraceCause::Failed => "실패한 실행을 단계별로 보여 줍니다(길면 중요한 부분만).".to_string(),
    }
}

/// What a lock or atomic is: `u64을(를) 보호하는 mutex, src/lib.rs:61:20에서
/// 생성`. The facade's type names (`mutex`, `AtomicBool`) stay as they are.
pub fn trace_object(w: &TraceObjectWhat) -> String {
    match w {
        TraceObjectWhat::Lock {
            lock,
            protects: Some(protects),
            created_at,
        } => format!(
            "{protects}을(를) 보호하는 {}, {created_at}에서 생성",
            lock.as_str()
        ),
        TraceObjectWhat::Lock {
            lock,
            protects: None,
            created_at,
        } => format!("{}, {created_at}에서 생성", lock.as_str()),
        TraceObjectWhat::Atomic { type_name } => type_name.clone(),
    }
}

// ---------------------------------------------------------------------------
// A failed race check's message (`RaceFailure`), from its data. The check
// author's words (the scenario, the invariant, expected and seen values,
// what a thread was doing) and the code's panic messages are quoted as they
// are; so are thread and lock names, which are the code's or the facade's.

/// A failed race check's message in Korean, with its expected and actual
/// values. `replay`: whether to keep the check program's own replay
/// command and shuttle's encoded schedule (the human report shows them
/// only with `--verbose`, where the grader's `replay` line does not do).
pub fn race_failure(r: &RaceFailure, replay: bool) -> String {
    let tail = |seed: &RaceReplay| match replay {
        true => format!(" ({})", race_replay(seed)),
        false => String::new(),
    };
    let mut out = match r {
        RaceFailure::ModelFailed {
            what,
            execution,
            preemption_bound,
            panic,
            replay: seed,
        } => format!(
            "모델 검사기가 “{what}”에서 실패하는 인터리빙을 찾았습니다(실행 {execution}, 선점 \
             한도 {preemption_bound}):\n  {}\n이 실패는 결정적입니다: 같은 인터리빙이 매번 \
             실패합니다{}",
            race_panic(panic),
            tail(seed)
        ),
        RaceFailure::ModelDeadlock {
            what,
            execution,
            deadlock,
            replay: seed,
        } => format!(
            "{}\n모델 검사기가 “{what}”에서 찾았습니다(실행 {execution}). 모든 스레드가 막혀 \
             있었습니다:\n{}이 교착 상태는 결정적입니다: 같은 인터리빙이 매번 교착 상태에 \
             빠집니다{}",
            deadlock_summary(&deadlock.summary),
            race_deadlock_threads(deadlock),
            tail(seed)
        ),
        RaceFailure::ExplorationViolation {
            what,
            at,
            violation,
            schedule,
            replay: seed,
        } => format!(
            "“{what}”의 한 인터리빙에서 불변식이 깨졌습니다({}):\n  {}\n{}",
            exploration_at(at),
            violation.invariant,
            exploration_tail(schedule, seed, replay)
        ),
        RaceFailure::ExplorationDeadlock {
            what,
            at,
            deadlock,
            schedule,
            replay: seed,
        } => format!(
            "{}\n“{what}”의 스케줄 탐색에서 찾았습니다({}). 모든 스레드가 막혀 있었습니다:\n{}{}",
            deadlock_summary(&deadlock.summary),
            exploration_at(at),
            race_deadlock_threads(deadlock),
            exploration_tail(schedule, seed, replay)
        ),
        RaceFailure::ExplorationFailed {
            what,
            at,
            panic,
            schedule,
            replay: seed,
        } => format!(
            "스케줄 탐색이 “{what}”에서 실패하는 인터리빙을 찾았습니다({}):\n  {}\n{}",
            exploration_at(at),
            race_panic(panic),
            exploration_tail(schedule, seed, replay)
        ),
        RaceFailure::StressViolation {
            what,
            round,
            rounds,
            threads,
            operations,
            violation,
            replay: seed,
        } => {
            let mut out = format!(
                "“{what}”의 라운드 {round}/{rounds} 직후 불변식이 깨졌습니다(스레드 \
                 {threads}개 × 연산 {operations}개, 모든 lock, unlock, wait, 원자적 연산에서 \
                 무작위로 멈춤):\n  {}",
                violation.invariant
            );
            if replay {
                out.push('\n');
                out.push_str(&race_replay(seed));
            }
            out
        }
        RaceFailure::StressPanic {
            thread,
            doing,
            round,
            rounds,
            what,
            panic,
            replay: seed,
        } => {
            let doing = doing
                .as_ref()
                .map(|d| format!("({d} 중)"))
                .unwrap_or_default();
            let mut out = format!(
                "“{what}”의 라운드 {round}/{rounds}에서 {thread}{doing}이(가) 패닉을 \
                 일으켰습니다:\n  {}",
                race_panic(panic)
            );
            if replay {
                out.push('\n');
                out.push_str(&race_replay(seed));
            }
            out
        }
        RaceFailure::Deadlock {
            run,
            deadlock,
            stall_ms,
        } => watched(
            run,
            format!(
                "{}\n{} 모든 스레드가 막혔고 {:.1}초 동안 아무것도 진행되지 \
                 않았습니다:\n{}",
                deadlock_summary(&deadlock.summary),
                watched_during(run),
                *stall_ms as f64 / 1000.0,
                race_deadlock_threads(deadlock)
            ),
            replay,
        ),
        RaceFailure::Hang {
            run,
            limit_ms,
            threads,
        } => {
            let mut message = format!(
                "{}이(가) {}초 안에 끝나지 않았습니다: 끝나지 않은 스레드가 있습니다(끝없는 \
                 루프, 기다리는 플래그를 끝내 보지 못하는 스핀, 또는 코스 퍼사드가 볼 수 없는 \
                 방식으로 기다리는 스레드)",
                watched_what(run),
                super::whole_seconds(*limit_ms)
            );
            if !threads.is_empty() {
                message.push_str("\n그 순간의 스레드:\n");
                message.push_str(&thread_states(threads));
            }
            watched(run, message, replay)
        }
    };
    if let Some(violation) = r.violation() {
        if let Some(expected) = &violation.expected {
            out.push_str("\n  기대한 값: ");
            out.push_str(expected);
        }
        out.push_str("\n  실제 값:   ");
        out.push_str(&violation.seen);
    }
    out
}

/// `시드 7; 재현: cargo run -p check-... -- NAME --seed 7`.
fn race_replay(r: &RaceReplay) -> String {
    format!("시드 {}; 재현: {}", r.seed, r.command)
}

/// The end of an exploration's failure: the schedule and why the seed
/// replays it.
fn exploration_tail(schedule: &ShuttleSchedule, seed: &RaceReplay, replay: bool) -> String {
    let why = "스케줄은 시드로 정해집니다: 같은 시드는 같은 스케줄을 같은 순서로 탐색하고 매번 \
               이 스케줄에서 실패합니다";
    match replay {
        false => why.to_string(),
        true => {
            let schedule = match schedule {
                ShuttleSchedule::Encoded { schedule } => schedule.clone(),
                ShuttleSchedule::TooLong { steps, chars } => format!(
                    "{steps}단계, shuttle 인코딩으로 {chars}자(보여 주기에 너무 깁니다. 시드로 \
                     재현됩니다)"
                ),
            };
            format!("shuttle 스케줄: {schedule}\n{why} ({})", race_replay(seed))
        }
    }
}

/// `PCT 스케줄러(깊이 3), 스케줄 2/1000, shuttle 시드 42`.
fn exploration_at(at: &ExplorationAt) -> String {
    let scheduler = match at.scheduler {
        ExplorationScheduler::Pct { depth } => format!("PCT 스케줄러(깊이 {depth})"),
        ExplorationScheduler::Random => "무작위 스케줄러".to_string(),
    };
    format!(
        "{scheduler}, 스케줄 {}/{}, shuttle 시드 {}",
        at.schedule, at.schedules, at.shuttle_seed
    )
}

/// A panic's message as it is, where it happened, and what the kit
/// recognised in it.
fn race_panic(p: &RacePanic) -> String {
    let message = p.message.trim_end();
    let mut out = match &p.location {
        Some(location) => format!("{message} ({location}에서)"),
        None => message.to_string(),
    };
    if let Some(hint) = p.hint {
        out.push_str("\n  ");
        out.push_str(&race_hint(hint));
    }
    out
}

fn race_hint(h: RaceHint) -> String {
    match h {
        RaceHint::Unsynchronized => {
            "두 스레드가 둘 사이에 happens-before 관계 없이 같은 데이터를 건드렸습니다: 읽는 \
             쪽이 쓰는 쪽과 동기화하지 않았습니다. 데이터를 공개하는 플래그나 락은 저장에 \
             Release, 읽기에 Acquire가 필요합니다(Relaxed는 아무 순서도 정하지 않습니다)."
        }
        RaceHint::SpinsWithoutEnd => {
            "끝없이 도는 스레드가 있습니다: 바쁜 대기 루프는 threadlings::hint::spin_loop()(또는 \
             thread::yield_now())를 호출해야 하고, 기다리는 값을 볼 수 있어야 합니다."
        }
    }
    .to_string()
}

/// What ran while the kit watched: the check's words, or a stress run.
fn watched_what(run: &WatchedRun) -> String {
    match run {
        WatchedRun::Run { what } => format!("“{what}”"),
        WatchedRun::Stress { what, .. } => format!("“{what}”의 스트레스 실행"),
    }
}

/// `“...”을(를) 실행하는 중에`, `“...”의 스트레스 실행 중에`.
fn watched_during(run: &WatchedRun) -> String {
    match run {
        WatchedRun::Run { what } => format!("“{what}”을(를) 실행하는 중에"),
        WatchedRun::Stress { what, .. } => format!("“{what}”의 스트레스 실행 중에"),
    }
}

/// A stress run adds the round and, with `replay`, how to see it again.
fn watched(run: &WatchedRun, message: String, replay: bool) -> String {
    match run {
        WatchedRun::Run { .. } => message,
        WatchedRun::Stress {
            round,
            rounds,
            replay: seed,
            ..
        } => {
            let seed = match replay {
                true => format!("; {}", race_replay(seed)),
                false => String::new(),
            };
            format!("{}\n(라운드 {round}/{rounds}{seed})", message.trim_end())
        }
    }
}

/// Why no thread can go on, in one line.
fn deadlock_summary(s: &DeadlockSummary) -> String {
    const NONE_LEFT: &str =
        "교착 상태: 모든 스레드가 막혀 있고 다른 스레드를 깨워 줄 스레드가 남아 있지 않습니다";
    match s {
        DeadlockSummary::HoldsItself { thread, lock } => format!(
            "교착 상태: {}이(가) 자신이 이미 쥐고 있는 {}을(를) 기다립니다. 코스의 락은(std의 \
             락도) 재진입할 수 없습니다: 스레드가 이미 쥔 Mutex를 다시 잠그거나, 같은 스레드의 \
             읽기 가드가 살아 있는 동안 RwLock에 쓰기 접근을 요청하면 영원히 기다립니다",
            race_thread(thread),
            race_lock(lock)
        ),
        DeadlockSummary::Cycle { links } => {
            let said: Vec<String> = links
                .iter()
                .enumerate()
                .map(|(i, link)| {
                    let next = race_thread(&links[(i + 1) % links.len()].thread);
                    let waits = match i + 1 == links.len() {
                        true => "기다립니다",
                        false => "기다리고",
                    };
                    match &link.lock {
                        None => format!(
                            "{}은(는) {next}이(가) 끝나기를 {waits}",
                            race_thread(&link.thread)
                        ),
                        Some(lock) => format!(
                            "{}은(는) {next}이(가) 쥔 {}을(를) {waits}",
                            race_thread(&link.thread),
                            race_lock(lock)
                        ),
                    }
                })
                .collect();
            format!("교착 상태: {}", said.join(", "))
        }
        DeadlockSummary::LostWakeup => format!(
            "{NONE_LEFT}: 깨우기 신호를 잃어버렸습니다. 조건 변수에서 기다리는 스레드는 기다리기 \
             시작한 뒤에 온 notify로만 깨어납니다. 모든 대기자가 깨어나야 하는 곳의 notify_one, \
             알리려는 상태 변경보다 먼저 보낸 notify, notify 없는 상태 변경이 있는지 찾아보세요"
        ),
        DeadlockSummary::NoneLeft => NONE_LEFT.to_string(),
        DeadlockSummary::NoThreadCanRun => {
            "교착 상태: 실행할 수 있는 스레드가 없습니다".to_string()
        }
    }
}

/// A deadlock's threads, one per line, or the checker's own words.
fn race_deadlock_threads(d: &RaceDeadlock) -> String {
    match (&d.checker, d.threads.is_empty()) {
        (Some(checker), true) => format!("  {}\n", checker.trim_end()),
        _ => thread_states(&d.threads),
    }
}

/// `  consumer-2: ...을(를) 기다림; 쥐고 있는 락: mutex #2(...)`, one line
/// per thread.
fn thread_states(threads: &[RaceThreadState]) -> String {
    let mut out = String::new();
    for t in threads {
        out.push_str(&format!(
            "  {}: {}",
            race_thread(&t.thread),
            thread_wait(&t.state)
        ));
        if !t.holds.is_empty() {
            let holds: Vec<String> = t.holds.iter().map(race_lock).collect();
            out.push_str(&format!("; 쥐고 있는 락: {}", holds.join(", ")));
        }
        out.push('\n');
    }
    out
}

fn thread_wait(w: &ThreadWait) -> String {
    match w {
        ThreadWait::Running => {
            "실행 중(또는 잠자는 중, 또는 시간 제한을 두고 기다리는 중)".to_string()
        }
        ThreadWait::Lock { lock, held_by } if held_by.is_empty() => {
            format!("{}을(를) 기다림", race_lock(lock))
        }
        ThreadWait::Lock { lock, held_by } => {
            let holders: Vec<String> = held_by.iter().map(race_thread).collect();
            format!(
                "{}이(가) 쥔 {}을(를) 기다림",
                holders.join(", "),
                race_lock(lock)
            )
        }
        ThreadWait::Condvar { condvar, mutex } => format!(
            "{}을(를) 놓고 {}에서 notify를 기다림",
            race_lock(mutex),
            race_lock(condvar)
        ),
        ThreadWait::Join { thread } => format!("{}이(가) 끝나기를 기다림", race_thread(thread)),
        ThreadWait::Barrier { barrier } => {
            format!("{}에서 다른 스레드들을 기다림", race_lock(barrier))
        }
        ThreadWait::Scope => "자신의 범위 스레드(scoped thread)들이 끝나기를 기다림".to_string(),
    }
}

/// `worker-1 (transfer 3 → 1)`, `main`, `스레드 #4(끝남)`.
fn race_thread(t: &RaceThread) -> String {
    match t {
        RaceThread::Live {
            name,
            doing: Some(doing),
        } => format!("{name} ({doing})"),
        RaceThread::Live { name, doing: None } => name.clone(),
        RaceThread::Finished { id } => format!("스레드 #{id}(끝남)"),
    }
}

/// `fork-1`, `mutex #2(u64을(를) 보호, src/lib.rs:9:5에서 생성)`,
/// `rwlock #3(src/lib.rs:4:1에서 생성) (쓰기)`.
fn race_lock(l: &RaceLock) -> String {
    let mut out = l.label.clone();
    match &l.what {
        Some(TraceObjectWhat::Lock {
            protects: Some(protects),
            created_at,
            ..
        }) => out.push_str(&format!("({protects}을(를) 보호, {created_at}에서 생성)")),
        Some(TraceObjectWhat::Lock {
            protects: None,
            created_at,
            ..
        }) => out.push_str(&format!("({created_at}에서 생성)")),
        Some(TraceObjectWhat::Atomic { .. }) | None => {}
    }
    match l.access {
        Some(LockAccess::Read) => out.push_str(" (읽기)"),
        Some(LockAccess::Write) => out.push_str(" (쓰기)"),
        None => {}
    }
    out
}

// ---------------------------------------------------------------------------
// The kit's own skips and its timing and linearizability verdicts
// (`KitSkip`, `KitFailure`), from their data. The check's words (what was
// measured, the object's label, a panic) are quoted as they are.

/// `사용 가능한 코어 2개(affinity CPU 2개, CPU 할당량 없음,
/// available_parallelism 2)`.
fn machine_cores(c: &MachineCores) -> String {
    let affinity = match c.affinity {
        Some(n) => format!("affinity CPU {n}개"),
        None => "affinity 알 수 없음".to_string(),
    };
    let quota = match c.quota {
        Some(q) => format!("cgroup CPU 할당량 {q:.2}코어"),
        None => "CPU 할당량 없음".to_string(),
    };
    format!(
        "사용 가능한 코어 {}개({affinity}, {quota}, available_parallelism {})",
        c.usable, c.available
    )
}

/// Why the kit skipped a check, after `건너뜀: `.
pub fn kit_skip(k: &KitSkip) -> String {
    const STRUCTURAL: &str =
        "구조 검사(동시에 살아 있는 작업, 스레드 수)는 여전히 이 연습 문제를 채점합니다";
    match k {
        KitSkip::OtherBuild {
            build: RaceBuild::Loom,
            what,
        } => {
            format!("“{what}”의 모델 검사는 `loom` 빌드에서만 실행됩니다(RUSTFLAGS=\"--cfg loom\")")
        }
        KitSkip::OtherBuild {
            build: RaceBuild::Shuttle,
            what,
        } => format!(
            "“{what}”의 스케줄 탐색은 `shuttle` 빌드에서만 실행됩니다(RUSTFLAGS=\"--cfg \
             shuttle\")"
        ),
        KitSkip::TooFewCores { needed, cores } => format!(
            "속도 향상을 재려면 코어가 {needed}개 필요한데 이 컴퓨터에서는 {}입니다. \
             {STRUCTURAL}",
            machine_cores(cores)
        ),
        KitSkip::BusyMachine {
            threads,
            machine_floor,
            decisive_busy,
            decisive_rounds,
            rounds,
            rounds_to_fail,
            cores,
        } => format!(
            "이 검사 동안 컴퓨터가 스레드 {threads}개를 병렬로 실행하지 못했습니다: 코스 자체의 \
             병렬 루프가 그것을 분명히 보여 준(스레드 하나보다 {machine_floor:.1}배 이상 빠르고 \
             코어 {decisive_busy:.1}개가 바쁨) 라운드는 {rounds}개 중 {decisive_rounds}개로, \
             판정에 필요한 {rounds_to_fail}개에 못 미쳤습니다({}; 다른 프로세스가 코어를 쓰고 \
             있을 수 있습니다). {STRUCTURAL}",
            machine_cores(cores)
        ),
    }
}

/// `123 ms`: the kit's durations are written the same in every language.
fn ms(ms: f64) -> String {
    format!("{ms:.0} ms")
}

/// A failed timing or linearizability check's message in Korean, with its
/// expected and actual values. `replay`: whether to keep the check
/// program's own replay command (as for a race failure).
pub fn kit_failure(k: &KitFailure, replay: bool) -> String {
    let tail = |seed: &RaceReplay| match replay {
        true => format!("\n{}", race_replay(seed)),
        false => String::new(),
    };
    let (mut out, expected, actual) = match k {
        KitFailure::Speedup {
            what,
            threads,
            decisive_rounds,
            most_busy,
            required,
            machine,
            candidate,
            candidate_ms,
            baseline_ms,
            rounds,
        } => {
            let hint = if *most_busy < 1.2 {
                format!(
                    " 바쁜 코어는 많아야 {most_busy:.1}개였습니다: 작업이 한 번에 한 스레드씩 \
                     실행되었습니다(뜨거운 루프 전체를 감싼 락, 또는 스레드를 아예 만들지 \
                     않았나요?)."
                )
            } else {
                " 코어는 바빴지만 작업이 빨라지지 않았습니다: 항목마다 드는 부담이 큽니다(항목마다 \
                 스레드, 락, 할당을 하나씩 쓰지 않나요?)."
                    .to_string()
            };
            (
                format!(
                    "“{what}”은(는) 코스 자체의 병렬 루프가 분명히 빨랐던 라운드 \
                     {decisive_rounds}개 중 어디에서도 스레드 {threads}개로 코스의 스레드 하나짜리 \
                     루프보다 빠르지 않았습니다.{hint}"
                ),
                Some(format!(
                    "스레드 하나보다 {required:.2}배 이상 빠름(같은 실행에서 코스의 병렬 루프는 \
                     {machine:.2}배)"
                )),
                Some(format!(
                    "{candidate:.2}배(스레드 하나일 때 {} 대비 {}, {rounds}라운드 중 최고)",
                    ms(*baseline_ms),
                    ms(*candidate_ms)
                )),
            )
        }
        KitFailure::Latency {
            what,
            concurrent_ms,
            limit_ms,
            best_ms,
            tries,
            sequential_ms,
        } => (
            format!(
                "“{what}”은(는) 작업을 하나씩 차례로 실행한 만큼 오래 걸렸습니다: 작업들이 \
                 동시에 진행되지 않았습니다"
            ),
            Some(format!(
                "약 {}(작업이 겹칠 때), 최대 {}",
                ms(*concurrent_ms),
                ms(*limit_ms)
            )),
            Some(format!(
                "{tries}번 시도 중 가장 빠른 것이 {}(하나씩 실행하면 적어도 {})",
                ms(*best_ms),
                ms(*sequential_ms)
            )),
        ),
        KitFailure::NotLinearizable {
            label,
            scenario,
            replay: seed,
        } => (
            format!(
                "“{label}”의 결과는 선형화 가능하지 않습니다: 연산을 한 번에 하나씩 실행하는 어떤 \
                 순서로도 스레드들이 본 결과가 나오지 않습니다(init이 먼저, 그다음 스레드들이 \
                 동시에, 마지막으로 post가 실행됩니다. `!`는 어떤 순서로도 설명되지 않는 결과를 \
                 표시합니다){}{}",
                match scenario.is_empty() {
                    true => String::new(),
                    false => format!(":\n{}", scenario.trim_end()),
                },
                tail(seed)
            ),
            None,
            None,
        ),
        KitFailure::LinPanic {
            panic,
            label,
            replay: seed,
        } => (
            format!(
                "{}\n(“{label}”의 시나리오를 실행하는 중){}",
                panic.trim_end(),
                tail(seed)
            ),
            None,
            None,
        ),
        KitFailure::LinUnfinished {
            label,
            race,
            scenario,
            replay: seed,
        } => {
            // The watcher's `what` is the kit's English about the object:
            // the object's label says it.
            let mut race = race.clone();
            if let RaceFailure::Deadlock { run, .. } | RaceFailure::Hang { run, .. } = &mut *race
                && let WatchedRun::Run { what } = run
                && *what == KitFailure::lin_stress_run_english(label)
            {
                *what = label.clone();
            }
            let mut out = race_failure(&race, replay).trim_end().to_string();
            if let Some(text) = scenario {
                out.push_str("\n이 시나리오에서:");
                if !text.is_empty() {
                    out.push('\n');
                    out.push_str(text.trim_end());
                }
            }
            out.push_str(&tail(seed));
            (out, None, None)
        }
        KitFailure::LitmusForbidden {
            tool,
            label,
            outcomes,
            table,
            replay: seed,
        } => {
            let outcomes: Vec<String> = outcomes.iter().map(|o| format!("“{o}”")).collect();
            let mut out = match tool {
                LitmusTool::Model => format!(
                    "여러분의 메모리 순서 지정은 “{label}”에서 금지된 결과를 허용합니다: {}",
                    outcomes.join("; ")
                ),
                LitmusTool::Stress => format!(
                    "이 컴퓨터에서 “{label}”의 금지된 결과가 나왔습니다: {}",
                    outcomes.join("; ")
                ),
            };
            if !table.is_empty() {
                out.push('\n');
                out.push_str(table.trim_end());
            }
            out.push_str(&tail(seed));
            (out, None, None)
        }
    };
    if let Some(expected) = expected {
        out.push_str("\n  기대한 값: ");
        out.push_str(&expected);
    }
    if let Some(actual) = actual {
        out.push_str("\n  실제 값:   ");
        out.push_str(&actual);
    }
    out
}

// ---------------------------------------------------------------------------
// The litmus kit's outcome table and the linearizability kit's scenario, in
// Korean: the kit's words (headers, classes, verdicts, notes, the reasons a
// result is unexplained) from their data; the instructor's words (the
// program's label, result names, an outcome's meaning, operations and
// values) as they are. A table or scenario whose English lines are not its
// data's (older than the data, or made by hand) keeps those lines.

/// Columns in a terminal: a Hangul syllable or jamo takes two.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\u{1100}'..='\u{115f}' | '\u{3130}'..='\u{318f}' | '\u{ac00}'..='\u{d7a3}' => 2,
            _ => 1,
        })
        .sum()
}

/// `text` padded with spaces to `width` columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(columns(text))))
}

/// `text` right-aligned in `width` columns.
fn pad_left(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(columns(text))))
}

fn outcome_class(c: OutcomeClass) -> &'static str {
    match c {
        OutcomeClass::Acceptable => "허용",
        OutcomeClass::Interesting => "흥미로움",
        OutcomeClass::Forbidden => "금지",
    }
}

fn outcome_verdict(v: OutcomeVerdict) -> &'static str {
    match v {
        OutcomeVerdict::Ok => "정상",
        OutcomeVerdict::Interesting => "흥미로움",
        OutcomeVerdict::Forbidden => "금지된 결과!",
    }
}

/// How a litmus check filled its table, one note a line.
pub fn litmus_notes(run: &LitmusRun) -> Vec<String> {
    match run {
        LitmusRun::Model { interleavings } => vec![
            format!(
                "모델 허용: 여러분의 메모리 순서 지정으로 loom이 인터리빙 {interleavings}개에서 \
                 만든 결과입니다(loom은 Relaxed와 Acquire 읽기가 돌려줄 수 있는 오래된 값을 \
                 모델링하지만 Relaxed의 모든 동작을 모델링하지는 않으며, SeqCst를 AcqRel처럼 \
                 다룹니다)"
            ),
            "여기서 본 횟수: 같은 프로그램의 스트레스 검사가 셉니다".to_string(),
        ],
        LitmusRun::Stress { runs, arch, cores } => vec![
            format!(
                "여기서 본 횟수: 이 컴퓨터({arch}, 코어 {cores}개)에서 {runs}번 실행, 원자적 \
                 연산에서 무작위로 멈춤"
            ),
            "모델 허용: 같은 프로그램의 모델 검사(loom)가 판정합니다".to_string(),
        ],
    }
}

/// The column headings of an outcome table.
pub const OUTCOME_HEADINGS: [&str; 5] = ["결과", "분류", "모델 허용", "여기서 본 횟수", "판정"];

/// What an outcome table is of: `“label”의 결과(r_flag, r_data)`.
pub fn outcome_caption(t: &OutcomeTable) -> String {
    format!("“{}”의 결과({})", t.label, t.results.join(", "))
}

/// One row of an outcome table after its outcome: class, whether the
/// model allows it, how often it was seen here, verdict (a verdict word
/// the kit does not write stays as it is).
pub fn outcome_cells(row: &OutcomeRow) -> [String; 4] {
    [
        outcome_class(row.class).to_string(),
        match row.allowed {
            Some(true) => "예",
            Some(false) => "아니요",
            None => "실행 안 함",
        }
        .to_string(),
        row.seen.map_or("실행 안 함".to_string(), |n| n.to_string()),
        row.verdict_kind()
            .map_or(row.verdict.clone(), |v| outcome_verdict(v).to_string()),
    ]
}

/// The notes under an outcome table: worded from its data, or its own
/// lines when they are not the data's.
pub fn outcome_notes(t: &OutcomeTable) -> Vec<String> {
    match t.run_data() {
        Some(run) => litmus_notes(run),
        None => t.notes.clone(),
    }
}

/// A litmus check's outcome table in Korean (the layout of
/// `OutcomeTable::to_text`).
pub fn outcome_table(t: &OutcomeTable) -> String {
    let headers = OUTCOME_HEADINGS;
    let rows: Vec<[String; 5]> = t
        .rows
        .iter()
        .map(|row| {
            let [class, allowed, seen, verdict] = outcome_cells(row);
            [row.outcome.clone(), class, allowed, seen, verdict]
        })
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|r| columns(&r[i]))
            .chain([columns(headers[i])])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..4).map(width).collect();
    let line = |cells: [&str; 5]| {
        format!(
            "  {}  {}  {}  {}  {}\n",
            pad(cells[0], widths[0]),
            pad(cells[1], widths[1]),
            pad(cells[2], widths[2]),
            pad_left(cells[3], widths[3]),
            cells[4]
        )
    };
    let mut out = format!("{}:\n", outcome_caption(t));
    out.push_str(&line(headers));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    for note in outcome_notes(t) {
        out.push_str(&format!("  {note}\n"));
    }
    out
}

fn scenario_part(p: ScenarioPart) -> String {
    match p {
        ScenarioPart::Init => "init".to_string(),
        ScenarioPart::Thread { index } => scenario_thread(index),
        ScenarioPart::Post => "post".to_string(),
    }
}

/// The heading of a scenario's thread column: `스레드 1`.
pub fn scenario_thread(index: usize) -> String {
    format!("스레드 {index}")
}

/// What an operation returned, or that it did not return.
pub fn scenario_result(op: &ScenarioOp) -> &str {
    op.result.as_deref().unwrap_or("(반환하지 않음)")
}

/// What a scenario is of: `“BoundedQueue::new(2)”의 시나리오`.
pub fn scenario_caption(s: &Scenario) -> String {
    format!("“{}”의 시나리오", s.label)
}

/// The heading of a scenario's operation-level interleaving.
pub const SCENARIO_INTERLEAVING: &str = "인터리빙:";

/// Why no order explains a scenario's results and how it was found, one
/// line each: worded from its data, or its own lines when they are not
/// the data's.
pub fn scenario_lines(s: &Scenario) -> Vec<String> {
    let mut lines = match s.why_data() {
        Some(why) => scenario_why(why),
        None => s.unexplained.clone(),
    };
    match s.about_data() {
        Some(about) => lines.extend(about.iter().map(scenario_note)),
        None => lines.extend(s.notes.iter().cloned()),
    }
    lines
}

/// Why no order explains the results, one line each (as
/// `ScenarioWhy::to_english`).
pub fn scenario_why(w: &ScenarioWhy) -> Vec<String> {
    let mut lines = vec![format!(
        "이 연산들을 어떤 순차 순서로 실행해도(다른 연산이 호출되기 전에 반환한 연산은 그 앞에 \
         두고) 이 결과가 나오지 않습니다: 설명할 수 있는 가장 긴 앞부분은 연산 {}개 중 {}개이고, \
         그 뒤에 올 수 있는 연산이 하나도 없습니다:",
        w.operations, w.explained
    )];
    for c in &w.candidates {
        let model = match &c.model {
            Some(ret) => format!("순차 실행이라면 여기서 {ret}을(를) 반환합니다"),
            None => "순차 실행이라면 여기서 막힙니다".to_string(),
        };
        lines.push(format!(
            "  {} {}이(가) {}을(를) 반환했지만, {model}",
            scenario_part(c.part),
            c.op,
            c.returned
        ));
    }
    lines
}

/// A note of the linearizability kit on a scenario.
pub fn scenario_note(n: &ScenarioNote) -> String {
    let sizes = |s: &threadlings_schema::report::LinSizes| {
        format!(
            "시나리오: init {}개, 스레드 {}개 × 연산 {}개, post {}개; 시나리오마다 {}번 실행, 모든 \
             lock, wait, notify, 원자적 연산에서 무작위로 멈춤",
            s.init, s.threads, s.ops, s.post, s.runs
        )
    };
    match n {
        ScenarioNote::Sizes { sizes: s } => sizes(s),
        ScenarioNote::Found {
            execution,
            executions,
            sizes: s,
            original,
            operations,
            steps,
        } => format!(
            "실행 {executions}번 중 {execution}번째에서 찾았습니다({}). 연산 {original}개에서 \
             {operations}개로 {steps}단계에 걸쳐 줄였습니다(더 작은 시나리오마다 다시 실패할 \
             때까지 실행)",
            sizes(s)
        ),
        ScenarioNote::DidNotFinish { sizes: s } => format!(
            "이 시나리오는 끝나지 않았습니다({}). 모델에서는 이 시나리오의 모든 인터리빙이 \
             끝나므로, 오지 않는 깨우기 신호를 기다리는 스레드가 있습니다",
            sizes(s)
        ),
    }
}

/// A linearizability check's scenario in Korean (the layout of
/// `Scenario::to_text`).
pub fn scenario(s: &Scenario) -> String {
    let cell = |op: &ScenarioOp| {
        let mark = if op.unexplained { " !" } else { "" };
        format!("{}: {}{mark}", op.op, scenario_result(op))
    };
    let mut out = String::new();
    if !s.init.is_empty() {
        let ops: Vec<String> = s.init.iter().map(cell).collect();
        out.push_str(&format!("init:  {}\n", ops.join(", ")));
    }
    let heads: Vec<String> = (0..s.threads.len()).map(scenario_thread).collect();
    let cells: Vec<Vec<String>> = s
        .threads
        .iter()
        .map(|ops| ops.iter().map(cell).collect())
        .collect();
    let widths: Vec<usize> = cells
        .iter()
        .zip(&heads)
        .map(|(col, head)| {
            col.iter()
                .map(|c| columns(c))
                .chain([columns(head)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let row = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(t, c)| pad(c, widths[t]))
            .collect();
        format!("       {}\n", padded.join(" | ").trim_end())
    };
    out.push_str(&row(heads.clone()));
    for r in 0..cells.iter().map(Vec::len).max().unwrap_or(0) {
        out.push_str(&row(cells
            .iter()
            .map(|col| col.get(r).cloned().unwrap_or_default())
            .collect()));
    }
    if !s.post.is_empty() {
        let ops: Vec<String> = s.post.iter().map(cell).collect();
        out.push_str(&format!("post:  {}\n", ops.join(", ")));
    }
    for line in scenario_lines(s) {
        out.push_str(&line);
        out.push('\n');
    }
    if !s.trace.is_empty() {
        out.push_str(SCENARIO_INTERLEAVING);
        out.push('\n');
        for step in &s.trace {
            out.push_str(&format!("  {step}\n"));
        }
    }
    out
}

/// The linearizability kit's invariant inside a race failure (a model
/// check or exploration of a `Lin` check), when it is still exactly the
/// English the kit writes for `label`: the same failure with the sentence
/// (and the "in the report" placeholder) in Korean.
pub fn lin_race(r: &RaceFailure, label: &str) -> Option<RaceFailure> {
    let invariant = Scenario::not_linearizable_english(label);
    let korean = format!(
        "“{label}”의 결과는 선형화 가능하지 않습니다: 연산을 한 번에 하나씩 실행하는 어떤 순서로도 \
         그 결과가 나오지 않습니다"
    );
    let seen_ko = |seen: &str| match seen {
        Scenario::IN_THE_REPORT_ENGLISH => "보고서의 시나리오 참고".to_string(),
        other => other.to_string(),
    };
    let mut r = r.clone();
    match &mut r {
        RaceFailure::ExplorationViolation { violation, .. }
        | RaceFailure::StressViolation { violation, .. }
            if violation.invariant == invariant =>
        {
            violation.invariant = korean;
            violation.seen = seen_ko(&violation.seen);
        }
        RaceFailure::ModelFailed { panic, .. }
        | RaceFailure::ExplorationFailed { panic, .. }
        | RaceFailure::StressPanic { panic, .. } => {
            let seen = panic.message.strip_prefix(&format!("{invariant}\n"))?;
            panic.message = format!("{korean}\n{}", seen_ko(seen));
        }
        _ => return None,
    }
    Some(r)
}
