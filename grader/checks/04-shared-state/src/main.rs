//! Hidden checks of exercise 04-shared-state.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use shared_state::{Bank, Counter, TransferError, count_together};
use threadlings_kit::probe::{InFlight, Rendezvous};
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, t, within};

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
        let got = within(LIMIT, format!("count_together({t}, {n})"), move || {
            count_together(t, n)
        })?;
        ensure_eq!(
            got,
            t as u64 * n,
            t!(
                "count_together({t}, {n}) must count every increment of every thread",
                "count_together({t}, {n})은(는) 모든 스레드의 증가를 하나도 빠짐없이 세어야 합니다"
            )
        );
    }
    Ok(())
}

fn counter_basics(ctx: &mut Ctx) -> CheckResult {
    let adds: Vec<u64> = (0..5).map(|_| ctx.rng().random_range(0..100)).collect();
    within(LIMIT, "Counter::new, add, get", move || {
        let counter = Counter::new();
        ensure_eq!(
            counter.get(),
            0,
            t!("a new Counter starts at 0", "새 Counter는 0에서 시작합니다")
        );
        let mut total = 0;
        for n in adds {
            total += n;
            ensure_eq!(
                counter.add(n),
                total,
                t!(
                    "add({n}) must return the total right after the addition",
                    "add({n})은(는) 덧셈 직후의 합계를 돌려주어야 합니다"
                )
            );
        }
        ensure_eq!(
            counter.get(),
            total,
            t!(
                "get() must return the total",
                "get()은 합계를 돌려주어야 합니다"
            )
        );
        Ok(())
    })?
}

fn bank_basics(_ctx: &mut Ctx) -> CheckResult {
    let what = t!("Bank transfers", "Bank 송금");
    within(LIMIT, what, || {
        let bank = Bank::new(&[50, 0, 7]);
        ensure_eq!(
            bank.accounts(),
            3,
            t!(
                "accounts() counts the accounts",
                "accounts()는 계좌 수를 셉니다"
            )
        );
        ensure_eq!(bank.transfer(0, 2, 20), Ok(()), "transfer(0, 2, 20)");
        ensure_eq!(bank.transfer(2, 1, 27), Ok(()), "transfer(2, 1, 27)");
        let balances: Vec<_> = (0..4).map(|a| bank.balance(a)).collect();
        ensure_eq!(
            balances,
            vec![Some(30), Some(27), Some(0), None],
            t!(
                "balances after two transfers (and None for a missing account)",
                "송금 두 번 뒤의 잔액(없는 계좌는 None)"
            )
        );
        ensure_eq!(
            bank.transfer(3, 9, 1),
            Err(TransferError::NoSuchAccount(3)),
            t!(
                "an unknown `from` is reported first",
                "알 수 없는 `from`이 먼저 보고됩니다"
            )
        );
        ensure_eq!(
            bank.transfer(0, 9, 1),
            Err(TransferError::NoSuchAccount(9)),
            t!("then an unknown `to`", "그다음 알 수 없는 `to`")
        );
        ensure_eq!(
            bank.transfer(2, 2, 0),
            Err(TransferError::SameAccount),
            t!(
                "a transfer to the same account is refused (and must not lock it twice)",
                "같은 계좌로의 송금은 거부됩니다(그리고 그 계좌를 두 번 잠그면 안 됩니다)"
            )
        );
        ensure_eq!(
            bank.transfer(2, 0, 1),
            Err(TransferError::InsufficientFunds {
                balance: 0,
                amount: 1
            }),
            t!(
                "an account cannot give more than it holds",
                "계좌는 가진 것보다 많이 줄 수 없습니다"
            )
        );
        let mut seen = None;
        ensure_eq!(
            bank.transfer_approved(1, 0, 10, |from, to| {
                seen = Some((from, to));
                false
            }),
            Err(TransferError::Rejected),
            t!(
                "a transfer whose approval says no is rejected",
                "승인이 '아니요'라고 답한 송금은 거부됩니다"
            )
        );
        ensure_eq!(
            seen,
            Some((27, 30)),
            t!(
                "approve(from_balance, to_balance) sees both balances",
                "approve(from_balance, to_balance)는 두 잔액을 모두 봅니다"
            )
        );
        ensure_eq!(
            bank.transfer_approved(0, 1, 30, |_, _| true),
            Ok(()),
            t!(
                "an approved transfer of everything an account holds",
                "계좌가 가진 돈 전부를 옮기는 승인된 송금"
            )
        );
        let balances: Vec<_> = (0..3).map(|a| bank.balance(a)).collect();
        ensure_eq!(
            balances,
            vec![Some(0), Some(57), Some(0)],
            t!(
                "failed transfers change nothing",
                "실패한 송금은 아무것도 바꾸지 않습니다"
            )
        );
        ensure_eq!(
            bank.total(),
            57,
            t!(
                "total() sums every account",
                "total()은 모든 계좌의 잔액을 합합니다"
            )
        );
        Ok(())
    })?
}

fn count_together_stress(ctx: &mut Ctx) -> CheckResult {
    // count_together starts its own threads; the facade perturbs them like
    // any other while the stress run is on, which widens the window between
    // a read and a write of the counter that are not under one lock.
    Stress::new(
        ctx,
        t!(
            "count_together with random pauses at every lock and unlock",
            "모든 락과 언락에서 무작위로 멈추는 count_together"
        ),
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
                    &t!(
                        "count_together({threads}, {per_thread}) counts every increment: \
                         each read-modify-write of the counter under one lock",
                        "count_together({threads}, {per_thread})은(는) 모든 증가를 셉니다: \
                         카운터의 읽기-수정-쓰기를 매번 하나의 락 안에서 합니다"
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
    let what = t!(
        "concurrent Counter::add calls",
        "동시에 일어나는 Counter::add 호출"
    );
    Stress::new(ctx, what).threads(4).ops(60).rounds(150).run(
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
                let additions = log.all().count();
                return Err(Violation::new(
                    t!(
                        "every addition counts: after the round, get() equals the sum of \
                         everything added",
                        "모든 덧셈이 반영됩니다: 라운드가 끝난 뒤 get()은 더한 모든 값의 \
                         합과 같습니다"
                    ),
                    format!("get() = {total}"),
                )
                .expected(t!(
                    "{added} (the sum of {additions} additions)",
                    "{added} (덧셈 {additions}번의 합)"
                )));
            }
            let mut returned: Vec<u64> = log.all().map(|&(_, r)| r).collect();
            returned.sort_unstable();
            if let Some(pair) = returned.windows(2).find(|w| w[0] == w[1]) {
                let twice = pair[0];
                return Err(Violation::new(
                    t!(
                        "each add returns the total right after its own addition, so no two \
                         calls return the same total",
                        "각 add는 자기 덧셈 직후의 합계를 돌려주므로, 두 호출이 같은 합계를 \
                         돌려주는 일은 없습니다"
                    ),
                    t!(
                        "two calls returned {twice}",
                        "두 호출이 {twice}을(를) 돌려주었습니다"
                    ),
                ));
            }
            Ok(())
        },
    )
}

fn counter_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 3;
    const ADDS: u64 = 4;
    let what = t!(
        "3 threads each calling Counter::add(1), add(2), add(3), add(4)",
        "스레드 3개가 각각 Counter::add(1), add(2), add(3), add(4)를 호출"
    );
    Explore::new(what).iterations(1000).check(ctx, || {
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
            &t!(
                "every addition counts: after all threads are done, get() equals the sum of \
                 everything added",
                "모든 덧셈이 반영됩니다: 모든 스레드가 끝난 뒤 get()은 더한 모든 값의 합과 \
                 같습니다"
            ),
            counter.get(),
            added,
        )?;
        returned.sort_unstable();
        if let Some(pair) = returned.windows(2).find(|w| w[0] == w[1]) {
            let twice = pair[0];
            return Err(Violation::new(
                t!(
                    "each add returns the total right after its own addition, so no two calls \
                     return the same total",
                    "각 add는 자기 덧셈 직후의 합계를 돌려주므로, 두 호출이 같은 합계를 \
                     돌려주는 일은 없습니다"
                ),
                t!(
                    "two calls returned {twice}",
                    "두 호출이 {twice}을(를) 돌려주었습니다"
                ),
            ));
        }
        Ok(())
    })
}

fn counter_model(ctx: &mut Ctx) -> CheckResult {
    let what = t!(
        "two threads calling Counter::add(1) at once",
        "두 스레드가 동시에 Counter::add(1)을 호출"
    );
    Model::new(what).check(ctx, || {
        let counter = Arc::new(Counter::new());
        let other = {
            let counter = counter.clone();
            threadlings::thread::Builder::new()
                .name(t!("add(1) on thread 2", "두 번째 add(1)"))
                .spawn(move || counter.add(1))
                .unwrap()
        };
        let mine = counter.add(1);
        let theirs = other.join().unwrap();
        assert_eq!(
            counter.get(),
            2,
            "{}",
            t!(
                "after two add(1) calls the total must be 2: one addition was lost",
                "add(1)을 두 번 호출한 뒤 합계는 2여야 합니다: 덧셈 하나가 사라졌습니다"
            )
        );
        let mut returned = [mine, theirs];
        returned.sort_unstable();
        assert_eq!(
            returned,
            [1, 2],
            "{}",
            t!(
                "the two add(1) calls must return 1 and 2",
                "add(1) 호출 두 번은 1과 2를 돌려주어야 합니다"
            )
        );
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
    let what = t!(
        "concurrent transfers between 4 accounts",
        "계좌 4개 사이의 동시 송금"
    );
    Stress::new(ctx, what).threads(4).ops(40).rounds(150).run(
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
                            t!(
                                "total() is one consistent snapshot: while transfers run it \
                                 still sees all the money",
                                "total()은 하나의 일관된 스냅샷입니다: 송금이 실행되는 \
                                 중에도 모든 돈을 봅니다"
                            ),
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
                                t!(
                                    "a transfer between two different existing accounts \
                                     succeeds, or fails with InsufficientFunds when the \
                                     balance is too low",
                                    "존재하는 서로 다른 두 계좌 사이의 송금은 성공하거나, \
                                     잔액이 모자라면 InsufficientFunds로 실패합니다"
                                ),
                                t!(
                                    "transfer({from}, {to}, {amount}) returned {other:?}",
                                    "transfer({from}, {to}, {amount}) 호출이 {other:?}을(를) \
                                     돌려주었습니다"
                                ),
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
                    t!(
                        "money is conserved: transfers only move money, so the sum of all \
                         balances never changes",
                        "돈은 보존됩니다: 송금은 돈을 옮기기만 하므로 모든 잔액의 합은 \
                         결코 바뀌지 않습니다"
                    ),
                    t!(
                        "balances {actual:?}, sum {total}",
                        "잔액 {actual:?}, 합 {total}"
                    ),
                )
                .expected(t!(
                    "sum {money} (initial balances {initial:?})",
                    "합 {money} (처음 잔액 {initial:?})"
                )));
            }
            let expected: Vec<i128> = expected;
            let actual_wide: Vec<i128> = actual.iter().map(|&b| i128::from(b)).collect();
            if actual_wide != expected {
                return Err(Violation::new(
                    t!(
                        "each account holds its initial balance plus what the successful \
                         transfers moved in, minus what they moved out",
                        "각 계좌에는 처음 잔액에 성공한 송금이 들여온 돈을 더하고 내보낸 \
                         돈을 뺀 만큼이 있습니다"
                    ),
                    t!("balances {actual:?}", "잔액 {actual:?}"),
                )
                .expected(t!(
                    "{expected:?} (initial {initial:?})",
                    "{expected:?} (처음 {initial:?})"
                )));
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
    let what = t!(
        "3 threads making 3 transfers each between 3 accounts, in both directions, while the \
         main thread calls total() twice",
        "스레드 3개가 계좌 3개 사이에서 양방향으로 각각 송금을 3번 하는 동안 메인 스레드가 \
         total()을 두 번 호출"
    );
    Explore::new(what).iterations(1000).check(ctx, || {
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
                                "{}",
                                t!(
                                    "transfer({from} → {to}, {amount}) between accounts that \
                                     hold enough",
                                    "잔액이 충분한 계좌 사이의 transfer({from} → {to}, {amount})"
                                )
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
            &t!(
                "total() is one consistent snapshot: while transfers run it still sees all the \
                 money",
                "total()은 하나의 일관된 스냅샷입니다: 송금이 실행되는 중에도 모든 돈을 봅니다"
            ),
            totals,
            [60, 60],
        )?;
        let mut expected = [20_i64; 3];
        for &(from, to, amount) in PLAN.iter().flat_map(|t| t.iter()) {
            expected[from] -= amount as i64;
            expected[to] += amount as i64;
        }
        Violation::ensure_eq(
            &t!(
                "each account holds its initial balance plus what the transfers moved in, minus \
                 what they moved out",
                "각 계좌에는 처음 잔액에 송금이 들여온 돈을 더하고 내보낸 돈을 뺀 만큼이 있습니다"
            ),
            (0..3)
                .map(|a| bank.balance(a).map(|b| b as i64))
                .collect::<Vec<_>>(),
            expected.iter().map(|&b| Some(b)).collect(),
        )
    })
}

fn transfer_model(ctx: &mut Ctx) -> CheckResult {
    let what = t!(
        "transfer(0 → 1, 3) and transfer(1 → 0, 4) at once, with total() alongside",
        "transfer(0 → 1, 3)과 transfer(1 → 0, 4)를 동시에, total()과 함께"
    );
    Model::new(what).check(ctx, || {
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
            total,
            20,
            "{}",
            t!(
                "total() taken while the transfers ran must see all 20",
                "송금이 실행되는 동안 구한 total()은 20 전부를 보아야 합니다"
            )
        );
        assert_eq!(
            [bank.balance(0), bank.balance(1)],
            [Some(11), Some(9)],
            "{}",
            t!(
                "after transfer(0 → 1, 3) and transfer(1 → 0, 4) from [10, 10]",
                "[10, 10]에서 transfer(0 → 1, 3)과 transfer(1 → 0, 4)를 한 뒤"
            )
        );
    })
}

fn disjoint_transfers_overlap(_ctx: &mut Ctx) -> CheckResult {
    const PAIRS: usize = 4;
    let rendezvous = Arc::new(Rendezvous::new(PAIRS, Duration::from_secs(5)));
    let in_flight = Arc::new(InFlight::new());
    let (probe, counter) = (rendezvous.clone(), in_flight.clone());
    let results = within(
        Duration::from_secs(25),
        t!(
            "four transfer_approved calls between disjoint accounts",
            "서로 겹치지 않는 계좌 사이의 transfer_approved 호출 네 번"
        ),
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
                    .map(|h| {
                        h.join().expect(&t!(
                            "a transfer thread panicked",
                            "송금 스레드 하나가 패닉했습니다"
                        ))
                    })
                    .collect::<Vec<_>>()
            })
        },
    )?;
    ensure_eq!(
        results,
        vec![Ok(()); PAIRS],
        t!(
            "every approved transfer between disjoint accounts succeeds",
            "서로 겹치지 않는 계좌 사이의 승인된 송금은 모두 성공합니다"
        )
    );
    ensure!(
        rendezvous.met(),
        t!(
            "transfers between different accounts never ran at the same time: at most {} of {PAIRS} \
             approvals were in progress at once. Lock only the two accounts a transfer touches \
             (one Mutex per account), and hold no bank-wide lock while `approve` runs.",
            "서로 다른 계좌 사이의 송금이 동시에 실행된 적이 없습니다: 승인 {PAIRS}건 중 한꺼번에 \
             진행 중이던 것은 최대 {}건이었습니다. 송금이 건드리는 두 계좌만 잠그고(계좌마다 \
             Mutex 하나), `approve`가 실행되는 동안에는 은행 전체를 잠그는 락을 쥐지 마세요.",
            in_flight.peak()
        )
    );
    Ok(())
}
