//! Hidden checks of exercise 16-build-a-channel.

mod spec;

use std::sync::Arc;
use std::time::Duration;

use build_a_channel::{Channel, SendError, TryRecvError};
use rand::Rng;
use threadlings_kit::lin::{Lin, Scenario};
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, eventually, within};

use spec::ChannelSpec;

threadlings_kit::checks![
    channel_fifo,
    channel_close,
    channel_blocks,
    channel_stress,
    channel_explore,
    channel_model,
    channel_lin,
    channel_lin_explore,
    channel_lin_model,
];

const LIMIT: Duration = Duration::from_secs(15);

fn channel_fifo(ctx: &mut Ctx) -> CheckResult {
    let capacity = ctx.rng().random_range(2..=5);
    within(LIMIT, "Channel send, recv, try_recv, len", move || {
        let channel = Channel::new(capacity);
        ensure_eq!(channel.capacity(), capacity, "capacity() is what new got");
        ensure!(channel.is_empty(), "a new channel is empty");
        ensure!(!channel.is_closed(), "a new channel is open");
        ensure_eq!(
            channel.try_recv(),
            Err(TryRecvError::Empty),
            "try_recv on an empty open channel"
        );
        for i in 0..capacity {
            ensure_eq!(channel.send(i), Ok(()), "send on an open channel with room");
            ensure_eq!(channel.len(), i + 1, "len() after {} sends", i + 1);
        }
        ensure_eq!(channel.recv(), Some(0), "recv returns the oldest value");
        ensure_eq!(
            channel.send(capacity),
            Ok(()),
            "send after a recv made room"
        );
        let rest: Vec<usize> = (0..capacity).filter_map(|_| channel.recv()).collect();
        ensure_eq!(
            rest,
            (1..=capacity).collect::<Vec<_>>(),
            "values come out in the order they went in"
        );
        ensure!(channel.is_empty(), "the channel is empty again");
        Ok(())
    })?
}

fn channel_close(_ctx: &mut Ctx) -> CheckResult {
    within(LIMIT, "close", || {
        let channel = Channel::new(3);
        channel.send(1).unwrap();
        channel.send(2).unwrap();
        ensure!(channel.close(), "the first close() returns true");
        ensure!(!channel.close(), "a second close() returns false");
        ensure!(channel.is_closed(), "is_closed() after close()");
        ensure_eq!(
            channel.send(3),
            Err(SendError(3)),
            "send on a closed channel gives the value back"
        );
        ensure_eq!(
            channel.recv(),
            Some(1),
            "values sent before close are delivered"
        );
        ensure_eq!(channel.try_recv(), Ok(2), "try_recv too");
        ensure_eq!(channel.recv(), None, "recv on a closed, empty channel");
        ensure_eq!(
            channel.try_recv(),
            Err(TryRecvError::Closed),
            "try_recv on a closed, empty channel"
        );
        Ok(())
    })?
}

fn channel_blocks(_ctx: &mut Ctx) -> CheckResult {
    within(
        Duration::from_secs(25),
        "blocking send and recv, close",
        || {
            let channel = Arc::new(Channel::new(1));
            channel.send(0).unwrap();
            let sender = {
                let channel = channel.clone();
                std::thread::spawn(move || channel.send(1))
            };
            std::thread::sleep(Duration::from_millis(100));
            ensure!(
                !sender.is_finished(),
                "send must wait while the channel is full"
            );
            ensure_eq!(channel.recv(), Some(0), "recv takes the queued value");
            ensure!(
                eventually(Duration::from_secs(10), || sender.is_finished()),
                "a waiting send must finish once a recv makes room"
            );
            ensure_eq!(sender.join().unwrap(), Ok(()), "the waiting send succeeds");
            ensure_eq!(channel.recv(), Some(1), "and its value arrives");
            // Two receivers and one sender wait; close must wake all of them.
            let receivers: Vec<_> = (0..2)
                .map(|_| {
                    let channel = channel.clone();
                    std::thread::spawn(move || channel.recv())
                })
                .collect();
            std::thread::sleep(Duration::from_millis(100));
            channel.close();
            for receiver in receivers {
                ensure!(
                    eventually(Duration::from_secs(10), || receiver.is_finished()),
                    "close must wake every waiting receiver"
                );
                ensure_eq!(receiver.join().unwrap(), None, "a receiver woken by close");
            }
            Ok(())
        },
    )?
}

/// What one stress operation saw.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Seen {
    Sent(u64),
    Refused(u64),
    Got(u64),
    /// `recv` returned `None`; whether `is_closed()` held right after.
    Nothing {
        closed: bool,
    },
    Closed,
}

/// The hand-written invariant of the stress, exploration and model checks:
/// every value sent is received exactly once (during the round or by the
/// drain after it), nothing is received that was not sent, and `recv`
/// returns `None` only on a closed channel. It says nothing about *which*
/// value a recv gets: that is what the linearizability checks add.
fn conserved(received: &mut Vec<u64>, sent: &mut Vec<u64>) -> Result<(), Violation> {
    received.sort_unstable();
    sent.sort_unstable();
    if received != sent {
        let lost = sent.iter().filter(|v| !received.contains(v)).count();
        return Err(Violation::new(
            "every value sent is received exactly once (during the round or by a drain after it)",
            format!(
                "{} sent, {} received: {lost} never came out",
                sent.len(),
                received.len()
            ),
        ));
    }
    Ok(())
}

fn channel_stress(ctx: &mut Ctx) -> CheckResult {
    const SENDS: usize = 8;
    // Threads 0 and 1 send 8 values each; thread 2 receives 8 times; thread
    // 3 receives 3 times, closes, receives 4 more times. Sends after the
    // close are refused. Capacity 2, so senders wait for room.
    Stress::new(ctx, "2 senders, 2 receivers and a close on a Channel of 2")
        .threads(4)
        .ops(SENDS)
        .rounds(300)
        .run(
            |_rng| Channel::<u64>::new(2),
            |channel, thread, step, _rng| match thread {
                0 | 1 => {
                    let value = (thread as u64) << 32 | step as u64;
                    race::doing(|| format!("send(value {step} of sender {thread})"));
                    match channel.send(value) {
                        Ok(()) => Seen::Sent(value),
                        Err(SendError(v)) => Seen::Refused(v),
                    }
                }
                3 if step == 3 => {
                    race::doing(|| "close()".to_string());
                    channel.close();
                    Seen::Closed
                }
                _ => {
                    race::doing(|| "recv()".to_string());
                    match channel.recv() {
                        Some(v) => Seen::Got(v),
                        None => Seen::Nothing {
                            closed: channel.is_closed(),
                        },
                    }
                }
            },
            |channel, log| {
                let mut received = Vec::new();
                let mut sent = Vec::new();
                for (thread, ops) in log.threads.iter().enumerate() {
                    for op in ops {
                        match *op {
                            Seen::Sent(v) => sent.push(v),
                            Seen::Got(v) => received.push(v),
                            Seen::Nothing { closed: false } => {
                                return Err(Violation::new(
                                    "recv returns None only once the channel is closed",
                                    format!("worker-{thread}: recv() gave None on an open channel"),
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                while let Ok(v) = channel.try_recv() {
                    received.push(v);
                }
                conserved(&mut received, &mut sent)
            },
        )
}

/// One execution of the exploration and model scenarios: `senders` threads
/// send `per` values each, `receivers` threads receive until `None`, the
/// main thread closes after the senders are done; then the invariant.
fn close_scenario(senders: u64, per: u64, receivers: usize) -> Result<(), Violation> {
    let channel = Arc::new(Channel::<u64>::new(1));
    let sending: Vec<_> = (0..senders)
        .map(|s| {
            let channel = channel.clone();
            threadlings::thread::Builder::new()
                .name(format!("sender-{s}"))
                .spawn(move || {
                    (0..per)
                        .filter_map(|i| {
                            race::doing(|| format!("send(value {i} of sender {s})"));
                            channel.send(s << 32 | i).ok().map(|()| s << 32 | i)
                        })
                        .collect::<Vec<u64>>()
                })
                .unwrap()
        })
        .collect();
    let receiving: Vec<_> = (0..receivers)
        .map(|r| {
            let channel = channel.clone();
            threadlings::thread::Builder::new()
                .name(format!("receiver-{r}"))
                .spawn(move || {
                    let mut got = Vec::new();
                    loop {
                        race::doing(|| "recv()".to_string());
                        match channel.recv() {
                            Some(v) => got.push(v),
                            None => return (got, channel.is_closed()),
                        }
                    }
                })
                .unwrap()
        })
        .collect();
    let mut sent: Vec<u64> = sending
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    race::doing(|| "close()".to_string());
    channel.close();
    let mut received = Vec::new();
    for (r, receiver) in receiving.into_iter().enumerate() {
        let (got, closed) = receiver.join().unwrap();
        if !closed {
            return Err(Violation::new(
                "recv returns None only once the channel is closed",
                format!("receiver-{r}: recv() gave None on an open channel"),
            ));
        }
        received.extend(got);
    }
    while let Ok(v) = channel.try_recv() {
        received.push(v);
    }
    conserved(&mut received, &mut sent)
}

fn channel_explore(ctx: &mut Ctx) -> CheckResult {
    Explore::new("2 senders × 3 values into a Channel of 1, 2 receivers until None, then close")
        .iterations(1000)
        .check(ctx, || close_scenario(2, 3, 2))
}

fn channel_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("1 sender × 1 value into a Channel of 1, 2 receivers until None, then close").check(
        ctx,
        || {
            if let Err(violation) = close_scenario(1, 1, 2) {
                panic!("{}: {}", violation.invariant, violation.seen);
            }
        },
    )
}

/// The linearizability checks' subject: a channel of 2, closes rare.
fn spec() -> ChannelSpec {
    ChannelSpec {
        capacity: 2,
        closing: 8,
    }
}

fn channel_lin(ctx: &mut Ctx) -> CheckResult {
    Lin::new(spec()).rounds(1500).stress(ctx)
}

fn channel_lin_explore(ctx: &mut Ctx) -> CheckResult {
    Lin::new(spec()).explore(
        ctx,
        Explore::new("generated channel scenarios").iterations(2000),
    )
}

fn channel_lin_model(ctx: &mut Ctx) -> CheckResult {
    use spec::Op::{Close, Recv, Send, TryRecv};
    // Loom explores every interleaving, so the scenarios are the lesson's
    // shapes, small: a receiver waiting while two values arrive; a send
    // racing a close while a receiver waits; two receivers waiting for a
    // close. Each takes loom well under a second.
    let scenario = |threads: Vec<Vec<spec::Op>>| Scenario {
        init: vec![],
        threads,
        post: vec![TryRecv],
    };
    Lin::new(ChannelSpec {
        capacity: 2,
        closing: 0,
    })
    .model_on(
        ctx,
        Model::new("the lesson's channel scenarios"),
        vec![
            scenario(vec![vec![Recv], vec![Send(1), Send(2)]]),
            scenario(vec![vec![Recv], vec![Send(1)], vec![Close]]),
            scenario(vec![vec![Recv], vec![Recv], vec![Close]]),
        ],
    )
}
