//! Hidden checks of exercise 04-shared-state.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use shared_state::{Bank, Counter, TransferError, count_together};
use threadlings_kit::probe::{InFlight, Rendezvous};
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, within};

threadlings_kit::checks![
    count_together_counts,
    count_together_stress,
    counter_basics,
    bank_basics,
    counter_stress,
    counter_explore,
    counter_model,
    bank_stress,
    bank_explore,
    transfer_model,
    disjoint_transfers_overlap,
];

const LIMIT: Duration = Duration::from_secs(15);

fn count_together_counts(ctx: &mut Ctx) -> CheckResult {
    let threads = ctx.rng().random_range(2..=6);
    let per_thread = ctx.rng().random_range(500..=2000);
    for (t, n) in [(threads, per_thread), (1, 10), (0, 10), (5, 0)] {
        let got = within(LIMIT, &format!("count_together({t}, {n})"), move || {
            count_together(t, n)
        })?;
        ensure_eq!(
            got,
            t as u64 * n,
            "count_together({t}, {n}) must count every increment of every thread"
        );
    }
    Ok(())
}

fn counter_basics(ctx: &mut Ctx) -> CheckResult {
    let adds: Vec<u64> = (0..5).map(|_| ctx.rng().random_range(0..100)).collect();
    within(LIMIT, "Counter::new, add, get", move || {
        let counter = Counter::new();
        ensure_eq!(counter.get(), 0, "a new Counter starts at 0");
        let mut total = 0;
        for n in adds {
            total += n;
            ensure_eq!(
                counter.add(n),
                total,
                "add({n}) must return the total right after the addition"
            );
        }
        ensure_eq!(counter.get(), total, "get() must return the total");
        Ok(())
    })?
}

fn bank_basics(_ctx: &mut Ctx) -> CheckResult {
    within(LIMIT, "Bank transfers", || {
        let bank = Bank::new(&[50, 0, 7]);
        ensure_eq!(bank.accounts(), 3, "accounts() counts the accounts");
        ensure_eq!(bank.transfer(0, 2, 20), Ok(()), "transfer(0, 2, 20)");
        ensure_eq!(bank.transfer(2, 1, 27), Ok(()), "transfer(2, 1, 27)");
        let balances: Vec<_> = (0..4).map(|a| bank.balance(a)).collect();
        ensure_eq!(
            balances,
            vec![Some(30), Some(27), Some(0), None],
            "balances after two transfers (and None for a missing account)"
        );
        ensure_eq!(
            bank.transfer(3, 9, 1),
            Err(TransferError::NoSuchAccount(3)),
            "an unknown `from` is reported first"
        );
        ensure_eq!(
            bank.transfer(0, 9, 1),
            Err(TransferError::NoSuchAccount(9)),
            "then an unknown `to`"
        );
        ensure_eq!(
            bank.transfer(2, 2, 0),
            Err(TransferError::SameAccount),
            "a transfer to the same account is refused (and must not lock it twice)"
        );
        ensure_eq!(
            bank.transfer(2, 0, 1),
            Err(TransferError::InsufficientFunds {
                balance: 0,
                amount: 1
            }),
            "an account cannot give more than it holds"
        );
        let mut seen = None;
        ensure_eq!(
            bank.transfer_approved(1, 0, 10, |from, to| {
                seen = Some((from, to));
                false
            }),
            Err(TransferError::Rejected),
            "a transfer whose approval says no is rejected"
        );
        ensure_eq!(
            seen,
            Some((27, 30)),
            "approve(from_balance, to_balance) sees both balances"
        );
        ensure_eq!(
            bank.transfer_approved(0, 1, 30, |_, _| true),
            Ok(()),
            "an approved transfer of everything an account holds"
        );
        let balances: Vec<_> = (0..3).map(|a| bank.balance(a)).collect();
        ensure_eq!(
            balances,
            vec![Some(0), Some(57), Some(0)],
            "failed transfers change nothing"
        );
        ensure_eq!(bank.total(), 57, "total() sums every account");
        Ok(())
    })?
}

fn count_together_stress(ctx: &mut Ctx) -> CheckResult {
    // count_together starts its own threads; the facade perturbs them like
    // any other while the stress run is on, which widens the window between
    // a read and a write of the counter that are not under one lock.
    Stress::new(
        ctx,
        "count_together with random pauses at every lock and unlock",
    )
    .threads(1)
    .ops(2)
    .rounds(40)
    .run(
        |_rng| (),
        |_, _thread, _step, rng| {
            let threads = rng.random_range(2..=4_usize);
            let per_thread = rng.random_range(20..=60_u64);
            race::doing(|| format!("count_together({threads}, {per_thread})"));
            (threads, per_thread, count_together(threads, per_thread))
        },
        |_, log| {
            for &(threads, per_thread, got) in log.all() {
                Violation::ensure_eq(
                    &format!(
                        "count_together({threads}, {per_thread}) counts every increment: \
                             each read-modify-write of the counter under one lock"
                    ),
                    got,
                    threads as u64 * per_thread,
                )?;
            }
            Ok(())
        },
    )
}

fn counter_stress(ctx: &mut Ctx) -> CheckResult {
    Stress::new(ctx, "concurrent Counter::add calls")
        .threads(4)
        .ops(60)
        .rounds(150)
        .run(
            |_rng| Counter::new(),
            |counter, _thread, _step, rng| {
                let n = rng.random_range(1..=5_u64);
                race::doing(|| format!("add({n})"));
                (n, counter.add(n))
            },
            |counter, log| {
                let added: u64 = log.all().map(|(n, _)| n).sum();
                let total = counter.get();
                if total != added {
                    return Err(Violation::new(
                        "every addition counts: after the round, get() equals the sum of \
                         everything added",
                        format!("get() = {total}"),
                    )
                    .expected(format!(
                        "{added} (the sum of {} additions)",
                        log.all().count()
                    )));
                }
                let mut returned: Vec<u64> = log.all().map(|&(_, r)| r).collect();
                returned.sort_unstable();
                if let Some(pair) = returned.windows(2).find(|w| w[0] == w[1]) {
                    return Err(Violation::new(
                        "each add returns the total right after its own addition, so no two \
                         calls return the same total",
                        format!("two calls returned {}", pair[0]),
                    ));
                }
                Ok(())
            },
        )
}

fn counter_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 3;
    const ADDS: u64 = 4;
    Explore::new("3 threads each calling Counter::add(1), add(2), add(3), add(4)")
        .iterations(1000)
        .check(ctx, || {
            let counter = Arc::new(Counter::new());
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    let counter = counter.clone();
                    threadlings::thread::Builder::new()
                        .name(format!("adder-{t}"))
                        .spawn(move || (1..=ADDS).map(|n| counter.add(n)).collect::<Vec<_>>())
                        .unwrap()
                })
                .collect();
            let mut returned: Vec<u64> = handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect();
            let added = THREADS as u64 * (1..=ADDS).sum::<u64>();
            Violation::ensure_eq(
                "every addition counts: after all threads are done, get() equals the sum of \
                 everything added",
                counter.get(),
                added,
            )?;
            returned.sort_unstable();
            if let Some(pair) = returned.windows(2).find(|w| w[0] == w[1]) {
                return Err(Violation::new(
                    "each add returns the total right after its own addition, so no two calls \
                     return the same total",
                    format!("two calls returned {}", pair[0]),
                ));
            }
            Ok(())
        })
}

fn counter_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("two threads calling Counter::add(1) at once").check(ctx, || {
        let counter = Arc::new(Counter::new());
        let other = {
            let counter = counter.clone();
            threadlings::thread::Builder::new()
                .name("add(1) on thread 2".to_string())
                .spawn(move || counter.add(1))
                .unwrap()
        };
        let mine = counter.add(1);
        let theirs = other.join().unwrap();
        assert_eq!(
            counter.get(),
            2,
            "after two add(1) calls the total must be 2: one addition was lost"
        );
        let mut returned = [mine, theirs];
        returned.sort_unstable();
        assert_eq!(returned, [1, 2], "the two add(1) calls must return 1 and 2");
    })
}

/// One operation of the bank stress run.
#[derive(Debug, Clone, Copy)]
enum BankOp {
    Transfer {
        from: usize,
        to: usize,
        amount: u64,
        result: Result<(), TransferError>,
    },
    Total(u64),
}

fn bank_stress(ctx: &mut Ctx) -> CheckResult {
    const ACCOUNTS: usize = 4;
    Stress::new(ctx, "concurrent transfers between 4 accounts")
        .threads(4)
        .ops(40)
        .rounds(150)
        .run(
            |rng| {
                let initial: Vec<u64> = (0..ACCOUNTS).map(|_| rng.random_range(20..=60)).collect();
                (Bank::new(&initial), initial)
            },
            |(bank, _), _thread, _step, rng| {
                if rng.random_ratio(1, 10) {
                    race::doing(|| "total()".to_string());
                    return BankOp::Total(bank.total());
                }
                let from = rng.random_range(0..ACCOUNTS);
                let mut to = rng.random_range(0..ACCOUNTS - 1);
                if to >= from {
                    to += 1;
                }
                let amount = rng.random_range(1..=25);
                race::doing(|| format!("transfer({from} → {to}, {amount})"));
                let result = bank.transfer(from, to, amount);
                BankOp::Transfer {
                    from,
                    to,
                    amount,
                    result,
                }
            },
            |(bank, initial), log| {
                let money: u64 = initial.iter().sum();
                let mut expected: Vec<i128> = initial.iter().map(|&b| i128::from(b)).collect();
                for op in log.all() {
                    match *op {
                        BankOp::Total(total) if total != money => {
                            return Err(Violation::new(
                                "total() is one consistent snapshot: while transfers run it \
                                 still sees all the money",
                                format!("total() = {total}"),
                            )
                            .expected(money.to_string()));
                        }
                        BankOp::Total(_) => {}
                        BankOp::Transfer {
                            from,
                            to,
                            amount,
                            result,
                        } => match result {
                            Ok(()) => {
                                expected[from] -= i128::from(amount);
                                expected[to] += i128::from(amount);
                            }
                            Err(TransferError::InsufficientFunds { balance, amount: a })
                                if a == amount && balance < amount => {}
                            other => {
                                return Err(Violation::new(
                                    "a transfer between two different existing accounts \
                                     succeeds, or fails with InsufficientFunds when the \
                                     balance is too low",
                                    format!("transfer({from}, {to}, {amount}) returned {other:?}"),
                                ));
                            }
                        },
                    }
                }
                let actual: Vec<u64> = (0..ACCOUNTS)
                    .map(|a| bank.balance(a).unwrap_or(0))
                    .collect();
                let total: u64 = actual.iter().sum();
                if total != money {
                    return Err(Violation::new(
                        "money is conserved: transfers only move money, so the sum of all \
                         balances never changes",
                        format!("balances {actual:?}, sum {total}"),
                    )
                    .expected(format!("sum {money} (initial balances {initial:?})")));
                }
                let expected: Vec<i128> = expected;
                let actual_wide: Vec<i128> = actual.iter().map(|&b| i128::from(b)).collect();
                if actual_wide != expected {
                    return Err(Violation::new(
                        "each account holds its initial balance plus what the successful \
                         transfers moved in, minus what they moved out",
                        format!("balances {actual:?}"),
                    )
                    .expected(format!("{expected:?} (initial {initial:?})")));
                }
                Ok(())
            },
        )
}

fn bank_explore(ctx: &mut Ctx) -> CheckResult {
    // Each thread's transfers, as (from, to, amount). Every account starts
    // with 20 and gives away at most 14, so every transfer succeeds in every
    // order, and the final balances are known.
    const PLAN: [&[(usize, usize, u64)]; 3] = [
        &[(0, 1, 3), (0, 2, 2), (0, 1, 1)],
        &[(1, 0, 4), (1, 2, 5), (1, 0, 2)],
        &[(2, 0, 6), (2, 1, 1), (2, 0, 7)],
    ];
    Explore::new(
        "3 threads making 3 transfers each between 3 accounts, in both directions, while the \
         main thread calls total() twice",
    )
    .iterations(1000)
    .check(ctx, || {
        let bank = Arc::new(Bank::new(&[20, 20, 20]));
        let handles: Vec<_> = PLAN
            .iter()
            .enumerate()
            .map(|(t, transfers)| {
                let bank = bank.clone();
                threadlings::thread::Builder::new()
                    .name(format!("teller-{t}"))
                    .spawn(move || {
                        for &(from, to, amount) in *transfers {
                            race::doing(|| format!("transfer({from} → {to}, {amount})"));
                            let result = bank.transfer(from, to, amount);
                            assert_eq!(
                                result,
                                Ok(()),
                                "transfer({from} → {to}, {amount}) between accounts that \
                                 hold enough"
                            );
                        }
                    })
                    .unwrap()
            })
            .collect();
        let totals = [bank.total(), bank.total()];
        for handle in handles {
            handle.join().unwrap();
        }
        Violation::ensure_eq(
            "total() is one consistent snapshot: while transfers run it still sees all the \
             money",
            totals,
            [60, 60],
        )?;
        let mut expected = [20_i64; 3];
        for &(from, to, amount) in PLAN.iter().flat_map(|t| t.iter()) {
            expected[from] -= amount as i64;
            expected[to] += amount as i64;
        }
        Violation::ensure_eq(
            "each account holds its initial balance plus what the transfers moved in, minus \
             what they moved out",
            (0..3)
                .map(|a| bank.balance(a).map(|b| b as i64))
                .collect::<Vec<_>>(),
            expected.iter().map(|&b| Some(b)).collect(),
        )
    })
}

fn transfer_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("transfer(0 → 1, 3) and transfer(1 → 0, 4) at once, with total() alongside").check(
        ctx,
        || {
            let bank = Arc::new(Bank::new(&[10, 10]));
            let spawn = |name: &str, from: usize, to: usize, amount: u64| {
                let bank = bank.clone();
                threadlings::thread::Builder::new()
                    .name(name.to_string())
                    .spawn(move || bank.transfer(from, to, amount))
                    .unwrap()
            };
            let forth = spawn("transfer(0 → 1, 3)", 0, 1, 3);
            let back = spawn("transfer(1 → 0, 4)", 1, 0, 4);
            let total = bank.total();
            assert_eq!(forth.join().unwrap(), Ok(()), "transfer(0 → 1, 3)");
            assert_eq!(back.join().unwrap(), Ok(()), "transfer(1 → 0, 4)");
            assert_eq!(
                total, 20,
                "total() taken while the transfers ran must see all 20"
            );
            assert_eq!(
                [bank.balance(0), bank.balance(1)],
                [Some(11), Some(9)],
                "after transfer(0 → 1, 3) and transfer(1 → 0, 4) from [10, 10]"
            );
        },
    )
}

fn disjoint_transfers_overlap(_ctx: &mut Ctx) -> CheckResult {
    const PAIRS: usize = 4;
    let rendezvous = Arc::new(Rendezvous::new(PAIRS, Duration::from_secs(5)));
    let in_flight = Arc::new(InFlight::new());
    let (probe, counter) = (rendezvous.clone(), in_flight.clone());
    let results = within(
        Duration::from_secs(25),
        "four transfer_approved calls between disjoint accounts",
        move || {
            let bank = Bank::new(&[10; 2 * PAIRS]);
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..PAIRS)
                    .map(|pair| {
                        let (bank, probe, counter) = (&bank, &probe, &counter);
                        s.spawn(move || {
                            bank.transfer_approved(2 * pair, 2 * pair + 1, 1, |_, _| {
                                let _inside = counter.enter();
                                probe.arrive();
                                true
                            })
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a transfer thread panicked"))
                    .collect::<Vec<_>>()
            })
        },
    )?;
    ensure_eq!(
        results,
        vec![Ok(()); PAIRS],
        "every approved transfer between disjoint accounts succeeds"
    );
    ensure!(
        rendezvous.met(),
        "transfers between different accounts never ran at the same time: at most {} of {PAIRS} \
         approvals were in progress at once. Lock only the two accounts a transfer touches \
         (one Mutex per account), and hold no bank-wide lock while `approve` runs.",
        in_flight.peak()
    );
    Ok(())
}
