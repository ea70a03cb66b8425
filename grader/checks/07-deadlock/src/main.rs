//! Hidden checks of exercise 07-deadlock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use deadlock::{dine, lock_both, move_all};
use rand::Rng;
use threadlings::instrument;
use threadlings::sync::Mutex;
use threadlings_kit::probe::Rendezvous;
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, t, within};

threadlings_kit::checks![
    dine_basics,
    lock_both_basics,
    dine_stress,
    dine_explore,
    dine_model,
    move_stress,
    move_explore,
    move_model,
    non_neighbours_eat_together,
];

const LIMIT: Duration = Duration::from_secs(15);

/// `n` forks named `fork-0` ... for deadlock reports.
fn forks(n: usize) -> Vec<Mutex<u64>> {
    let forks: Vec<Mutex<u64>> = (0..n).map(|_| Mutex::new(0)).collect();
    for (i, fork) in forks.iter().enumerate() {
        instrument::name(fork, format!("fork-{i}"));
    }
    forks
}

fn uses(forks: &[Mutex<u64>]) -> Vec<u64> {
    forks.iter().map(|f| *f.lock().unwrap()).collect()
}

fn dine_basics(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..=6);
    let meals = ctx.rng().random_range(1..=5);
    let what = t!(
        "dine, one philosopher at a time",
        "dine, 한 번에 철학자 한 명씩"
    );
    within(LIMIT, what, move || {
        let table = forks(n);
        for p in 0..n {
            let mut eaten = Vec::new();
            dine(&table, p, meals, |meal| eaten.push(meal));
            ensure_eq!(
                eaten,
                (0..meals).collect::<Vec<_>>(),
                t!(
                    "philosopher {p} calls eat(meal) for meal 0, 1, ...",
                    "철학자 {p}은(는) 식사 0, 1, ...마다 차례로 eat(meal)을 호출합니다"
                )
            );
        }
        ensure_eq!(
            uses(&table),
            vec![2 * meals as u64; n],
            t!(
                "each fork is used once per meal by each of its two neighbours ({n} philosophers, \
                 {meals} meals each)",
                "각 포크는 양옆의 두 이웃이 식사할 때마다 한 번씩 쓰입니다(철학자 {n}명, 각자 \
                 {meals}번 식사)"
            )
        );
        let pair = forks(2);
        dine(&pair, 1, 1, |_| {});
        ensure_eq!(
            uses(&pair),
            vec![1, 1],
            t!(
                "with 2 forks, philosopher 1 uses fork 1 and fork 0",
                "포크가 2개이면 철학자 1은 포크 1과 포크 0을 씁니다"
            )
        );
        Ok(())
    })?
}

fn lock_both_basics(_ctx: &mut Ctx) -> CheckResult {
    let what = t!("lock_both and move_all", "lock_both와 move_all");
    within(LIMIT, what, || {
        let boxes: Vec<Mutex<Vec<u32>>> = (0..3).map(|i| Mutex::new(vec![i])).collect();
        for (x, y) in [(0, 1), (1, 0), (2, 0), (0, 2)] {
            let (mut gx, mut gy) = lock_both(&boxes[x], &boxes[y]);
            ensure_eq!(
                (gx[0], gy[0]),
                (x as u32, y as u32),
                t!(
                    "lock_both(a, b) returns (guard of a, guard of b)",
                    "lock_both(a, b)는 (a의 가드, b의 가드)를 돌려줍니다"
                )
            );
            gx.push(100);
            gy.push(200);
            gx.pop();
            gy.pop();
        }
        move_all(&boxes[0], &boxes[2]);
        move_all(&boxes[1], &boxes[2]);
        move_all(&boxes[2], &boxes[2]);
        let contents: Vec<Vec<u32>> = boxes.iter().map(|b| b.lock().unwrap().clone()).collect();
        ensure_eq!(
            contents,
            vec![vec![], vec![], vec![2, 0, 1]],
            t!(
                "move_all appends every item in order; a box moved into itself is unchanged",
                "move_all은 모든 항목을 순서대로 끝에 붙입니다. 자기 자신으로 옮긴 상자는 바뀌지 \
                 않습니다"
            )
        );
        Ok(())
    })?
}

fn dine_stress(ctx: &mut Ctx) -> CheckResult {
    const PHILOSOPHERS: usize = 5;
    const MEALS: usize = 8;
    let what = t!(
        "5 philosophers dining at once",
        "동시에 식사하는 철학자 5명"
    );
    Stress::new(ctx, what)
        .threads(PHILOSOPHERS)
        .ops(MEALS)
        .rounds(60)
        .thread_names("philosopher")
        .run(
            |_rng| {
                let eating: Vec<AtomicBool> =
                    (0..PHILOSOPHERS).map(|_| AtomicBool::new(false)).collect();
                (forks(PHILOSOPHERS), eating, AtomicUsize::new(0))
            },
            |(table, eating, clashes), p, meal, _rng| {
                race::doing(|| t!("meal {meal}", "식사 {meal}"));
                dine(table, p, 1, |_| {
                    eating[p].store(true, Ordering::SeqCst);
                    let left = (p + PHILOSOPHERS - 1) % PHILOSOPHERS;
                    let right = (p + 1) % PHILOSOPHERS;
                    // A synchronization point mid-meal: under stress a
                    // neighbour gets every chance to grab a shared fork.
                    threadlings::hint::spin_loop();
                    if eating[left].load(Ordering::SeqCst) || eating[right].load(Ordering::SeqCst) {
                        clashes.fetch_add(1, Ordering::SeqCst);
                    }
                    eating[p].store(false, Ordering::SeqCst);
                });
            },
            |(table, _, clashes), _log| {
                let clashes = clashes.load(Ordering::SeqCst);
                if clashes != 0 {
                    return Err(Violation::new(
                        t!(
                            "neighbours share a fork, so they never eat at the same time",
                            "이웃은 포크를 공유하므로 결코 동시에 먹지 않습니다"
                        ),
                        t!(
                            "a philosopher ate while a neighbour was eating, {clashes} times",
                            "이웃이 먹는 동안 철학자가 먹은 일이 {clashes}번 있었습니다"
                        ),
                    )
                    .expected(t!("0 times", "0번")));
                }
                Violation::ensure_eq(
                    &t!(
                        "every fork is used once per meal of each of its two neighbours",
                        "모든 포크는 양옆의 두 이웃이 식사할 때마다 한 번씩 쓰입니다"
                    ),
                    uses(table),
                    vec![2 * MEALS as u64; PHILOSOPHERS],
                )
            },
        )
}

fn dine_explore(ctx: &mut Ctx) -> CheckResult {
    const PHILOSOPHERS: usize = 4;
    const MEALS: usize = 2;
    // A four-way cycle needs three preemptions in the right places: PCT depth
    // 4 finds it in about one schedule in 75 (depth 3: one in 140), so 3000
    // schedules leave a wrong answer no real chance to slip through.
    let what = t!(
        "4 philosophers eating 2 meals each",
        "각자 2번 식사하는 철학자 4명"
    );
    Explore::new(what).depth(4).iterations(3000).check(ctx, || {
        let table = Arc::new(forks(PHILOSOPHERS));
        let eating: Arc<Vec<threadlings::sync::atomic::AtomicBool>> = Arc::new(
            (0..PHILOSOPHERS)
                .map(|_| threadlings::sync::atomic::AtomicBool::new(false))
                .collect(),
        );
        let handles: Vec<_> = (0..PHILOSOPHERS)
            .map(|p| {
                let (table, eating) = (table.clone(), eating.clone());
                threadlings::thread::Builder::new()
                    .name(format!("philosopher-{p}"))
                    .spawn(move || {
                        let mut clashes = 0;
                        for meal in 0..MEALS {
                            race::doing(|| t!("meal {meal}", "식사 {meal}"));
                            dine(&table, p, 1, |_| {
                                eating[p].store(true, Ordering::SeqCst);
                                let left = (p + PHILOSOPHERS - 1) % PHILOSOPHERS;
                                let right = (p + 1) % PHILOSOPHERS;
                                if eating[left].load(Ordering::SeqCst)
                                    || eating[right].load(Ordering::SeqCst)
                                {
                                    clashes += 1;
                                }
                                eating[p].store(false, Ordering::SeqCst);
                            });
                        }
                        clashes
                    })
                    .unwrap()
            })
            .collect();
        let clashes: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        Violation::ensure_eq(
            &t!(
                "neighbours share a fork, so they never eat at the same time (times a \
                 philosopher saw a neighbour eating)",
                "이웃은 포크를 공유하므로 결코 동시에 먹지 않습니다(철학자가 먹고 있는 \
                 이웃을 본 횟수)"
            ),
            clashes,
            0,
        )?;
        Violation::ensure_eq(
            &t!(
                "every fork is used once per meal of each of its two neighbours",
                "모든 포크는 양옆의 두 이웃이 식사할 때마다 한 번씩 쓰입니다"
            ),
            uses(&table),
            vec![2 * MEALS as u64; PHILOSOPHERS],
        )
    })
}

fn dine_model(ctx: &mut Ctx) -> CheckResult {
    let what = t!(
        "three philosophers eating one meal each",
        "각자 한 번 식사하는 철학자 세 명"
    );
    Model::new(what).check(ctx, || {
        let table = Arc::new(forks(3));
        let handles: Vec<_> = (0..3)
            .map(|p| {
                let table = table.clone();
                threadlings::thread::Builder::new()
                    .name(format!("philosopher-{p}"))
                    .spawn(move || dine(&table, p, 1, |_| {}))
                    .unwrap()
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(
            uses(&table),
            vec![2, 2, 2],
            "{}",
            t!("every fork used twice", "모든 포크가 두 번씩 쓰임")
        );
    })
}

fn move_stress(ctx: &mut Ctx) -> CheckResult {
    const BOXES: usize = 3;
    let what = t!(
        "move_all between 3 boxes in every direction",
        "상자 3개 사이에서 모든 방향으로 move_all"
    );
    Stress::new(ctx, what).threads(4).ops(20).rounds(60).run(
        |rng| {
            let boxes: Vec<Mutex<Vec<u32>>> = (0..BOXES)
                .map(|b| {
                    let items = rng.random_range(0..4);
                    Mutex::new((0..items).map(|i| (b * 10 + i) as u32).collect())
                })
                .collect();
            for (i, b) in boxes.iter().enumerate() {
                instrument::name(b, format!("box-{i}"));
            }
            let mut all: Vec<u32> = boxes
                .iter()
                .flat_map(|b| b.lock().unwrap().clone())
                .collect();
            all.sort_unstable();
            (boxes, all)
        },
        |(boxes, _), _thread, _step, rng| {
            let from = rng.random_range(0..BOXES);
            let mut to = rng.random_range(0..BOXES - 1);
            if to >= from {
                to += 1;
            }
            race::doing(|| format!("move_all(box-{from}, box-{to})"));
            move_all(&boxes[from], &boxes[to]);
        },
        |(boxes, all), _log| {
            let mut now: Vec<u32> = boxes
                .iter()
                .flat_map(|b| b.lock().unwrap().clone())
                .collect();
            now.sort_unstable();
            Violation::ensure_eq(
                &t!(
                    "move_all only moves items: every item is in exactly one box",
                    "move_all은 항목을 옮기기만 합니다: 모든 항목은 정확히 한 상자에 있습니다"
                ),
                now,
                all.clone(),
            )
        },
    )
}

fn move_explore(ctx: &mut Ctx) -> CheckResult {
    // Each thread's moves between boxes 0, 1 and 2, as (from, to): every
    // pair of boxes is moved in both directions by different threads.
    const PLAN: [[(usize, usize); 2]; 3] = [[(0, 1), (2, 0)], [(1, 0), (1, 2)], [(2, 1), (0, 2)]];
    let what = t!(
        "3 threads each calling move_all twice between 3 boxes, every pair in both directions",
        "스레드 3개가 각각 상자 3개 사이에서 move_all을 두 번 호출, 모든 쌍을 양방향으로"
    );
    Explore::new(what).iterations(1000).check(ctx, || {
        let boxes: Arc<Vec<Mutex<Vec<u32>>>> = Arc::new(
            (0..3_u32)
                .map(|b| Mutex::new(vec![10 * b, 10 * b + 1]))
                .collect(),
        );
        for (i, b) in boxes.iter().enumerate() {
            instrument::name(b, format!("box-{i}"));
        }
        let handles: Vec<_> = PLAN
            .iter()
            .enumerate()
            .map(|(t, moves)| {
                let boxes = boxes.clone();
                threadlings::thread::Builder::new()
                    .name(format!("mover-{t}"))
                    .spawn(move || {
                        for &(from, to) in moves {
                            race::doing(|| format!("move_all(box-{from}, box-{to})"));
                            move_all(&boxes[from], &boxes[to]);
                        }
                    })
                    .unwrap()
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        let mut all: Vec<u32> = boxes
            .iter()
            .flat_map(|b| b.lock().unwrap().clone())
            .collect();
        all.sort_unstable();
        Violation::ensure_eq(
            &t!(
                "move_all only moves items: every item is still in some box, once",
                "move_all은 항목을 옮기기만 합니다: 모든 항목이 여전히 어느 한 상자에 한 번씩 \
                 있습니다"
            ),
            all,
            vec![0, 1, 10, 11, 20, 21],
        )
    })
}

fn move_model(ctx: &mut Ctx) -> CheckResult {
    let what = t!(
        "move_all(box-a, box-b) and move_all(box-b, box-a) at once",
        "move_all(box-a, box-b)와 move_all(box-b, box-a)를 동시에"
    );
    Model::new(what).check(ctx, || {
        let a = Arc::new(Mutex::new(vec![1]));
        let b = Arc::new(Mutex::new(vec![2]));
        instrument::name(&*a, "box-a");
        instrument::name(&*b, "box-b");
        let there = {
            let (a, b) = (a.clone(), b.clone());
            threadlings::thread::Builder::new()
                .name("move_all(box-a, box-b)".to_string())
                .spawn(move || move_all(&a, &b))
                .unwrap()
        };
        let back = {
            let (a, b) = (a.clone(), b.clone());
            threadlings::thread::Builder::new()
                .name("move_all(box-b, box-a)".to_string())
                .spawn(move || move_all(&b, &a))
                .unwrap()
        };
        there.join().unwrap();
        back.join().unwrap();
        let mut all: Vec<i32> = a.lock().unwrap().clone();
        all.extend(b.lock().unwrap().iter());
        all.sort_unstable();
        assert_eq!(
            all,
            vec![1, 2],
            "{}",
            t!(
                "both items are still there, once each",
                "두 항목이 모두 여전히 한 번씩 있습니다"
            )
        );
    })
}

fn non_neighbours_eat_together(_ctx: &mut Ctx) -> CheckResult {
    let rendezvous = Arc::new(Rendezvous::new(2, Duration::from_secs(5)));
    let probe = rendezvous.clone();
    within(
        Duration::from_secs(25),
        t!(
            "philosophers 0 and 2 (no shared fork) dining",
            "철학자 0과 2(공유하는 포크 없음)의 식사"
        ),
        move || {
            let table: Vec<Mutex<u64>> = (0..4).map(|_| Mutex::new(0)).collect();
            std::thread::scope(|s| {
                for p in [0, 2] {
                    let (table, probe) = (&table, &probe);
                    s.spawn(move || {
                        dine(table, p, 1, |_| {
                            probe.arrive();
                        })
                    });
                }
            });
        },
    )?;
    ensure!(
        rendezvous.met(),
        t!(
            "philosophers 0 and 2 share no fork, yet they never ate at the same time: hold only \
             your two forks while eating, no lock for the whole table",
            "철학자 0과 2는 포크를 공유하지 않는데도 동시에 먹은 적이 없습니다: 먹는 동안에는 \
             자기 포크 두 개만 쥐고, 식탁 전체를 잠그는 락은 쓰지 마세요"
        )
    );
    Ok(())
}
