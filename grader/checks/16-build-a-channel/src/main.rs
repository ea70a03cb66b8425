//! Hidden checks of exercise 16-build-a-channel.

mod spec;

use std::sync::Arc;
use std::time::Duration;

use build_a_channel::{Channel, SendError, TryRecvError};
use rand::Rng;
use threadlings_kit::lin::{Lin, Scenario};
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, eventually, t, within};

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
    within(
        LIMIT,
        t!(
            "Channel send, recv, try_recv, len",
            "Channel의 send, recv, try_recv, len"
        ),
        move || {
            let channel = Channel::new(capacity);
            ensure_eq!(
                channel.capacity(),
                capacity,
                t!(
                    "capacity() is what new got",
                    "capacity()는 new가 받은 값입니다"
                )
            );
            ensure!(
                channel.is_empty(),
                t!("a new channel is empty", "새 채널은 비어 있습니다")
            );
            ensure!(
                !channel.is_closed(),
                t!("a new channel is open", "새 채널은 열려 있습니다")
            );
            ensure_eq!(
                channel.try_recv(),
                Err(TryRecvError::Empty),
                t!(
                    "try_recv on an empty open channel",
                    "비어 있고 열린 채널에서의 try_recv"
                )
            );
            for i in 0..capacity {
                ensure_eq!(
                    channel.send(i),
                    Ok(()),
                    t!(
                        "send on an open channel with room",
                        "자리가 있는 열린 채널에서의 send"
                    )
                );
                let sends = i + 1;
                ensure_eq!(
                    channel.len(),
                    sends,
                    t!("len() after {sends} sends", "send {sends}번 뒤의 len()")
                );
            }
            ensure_eq!(
                channel.recv(),
                Some(0),
                t!(
                    "recv returns the oldest value",
                    "recv는 가장 오래된 값을 돌려줍니다"
                )
            );
            ensure_eq!(
                channel.send(capacity),
                Ok(()),
                t!(
                    "send after a recv made room",
                    "recv가 자리를 만든 뒤의 send"
                )
            );
            let rest: Vec<usize> = (0..capacity).filter_map(|_| channel.recv()).collect();
            ensure_eq!(
                rest,
                (1..=capacity).collect::<Vec<_>>(),
                t!(
                    "values come out in the order they went in",
                    "값은 들어간 순서대로 나옵니다"
                )
            );
            ensure!(
                channel.is_empty(),
                t!("the channel is empty again", "채널이 다시 비었습니다")
            );
            Ok(())
        },
    )?
}

fn channel_close(_ctx: &mut Ctx) -> CheckResult {
    within(LIMIT, "close", || {
        let channel = Channel::new(3);
        channel.send(1).unwrap();
        channel.send(2).unwrap();
        ensure!(
            channel.close(),
            t!(
                "the first close() returns true",
                "첫 close()는 true를 돌려줍니다"
            )
        );
        ensure!(
            !channel.close(),
            t!(
                "a second close() returns false",
                "두 번째 close()는 false를 돌려줍니다"
            )
        );
        ensure!(
            channel.is_closed(),
            t!("is_closed() after close()", "close() 뒤의 is_closed()")
        );
        ensure_eq!(
            channel.send(3),
            Err(SendError(3)),
            t!(
                "send on a closed channel gives the value back",
                "닫힌 채널에서의 send는 그 값을 되돌려 줍니다"
            )
        );
        ensure_eq!(
            channel.recv(),
            Some(1),
            t!(
                "values sent before close are delivered",
                "close 전에 보낸 값은 전달됩니다"
            )
        );
        ensure_eq!(
            channel.try_recv(),
            Ok(2),
            t!("try_recv too", "try_recv도 마찬가지입니다")
        );
        ensure_eq!(
            channel.recv(),
            None,
            t!(
                "recv on a closed, empty channel",
                "닫혔고 비어 있는 채널에서의 recv"
            )
        );
        ensure_eq!(
            channel.try_recv(),
            Err(TryRecvError::Closed),
            t!(
                "try_recv on a closed, empty channel",
                "닫혔고 비어 있는 채널에서의 try_recv"
            )
        );
        Ok(())
    })?
}

fn channel_blocks(_ctx: &mut Ctx) -> CheckResult {
    within(
        Duration::from_secs(25),
        t!("blocking send and recv, close", "막히는 send와 recv, close"),
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
                t!(
                    "send must wait while the channel is full",
                    "채널이 가득 찬 동안 send는 기다려야 합니다"
                )
            );
            ensure_eq!(
                channel.recv(),
                Some(0),
                t!(
                    "recv takes the queued value",
                    "recv는 대기 중인 값을 가져갑니다"
                )
            );
            ensure!(
                eventually(Duration::from_secs(10), || sender.is_finished()),
                t!(
                    "a waiting send must finish once a recv makes room",
                    "recv가 자리를 만들면 기다리던 send는 끝나야 합니다"
                )
            );
            ensure_eq!(
                sender.join().unwrap(),
                Ok(()),
                t!("the waiting send succeeds", "기다리던 send가 성공합니다")
            );
            ensure_eq!(
                channel.recv(),
                Some(1),
                t!("and its value arrives", "그리고 그 값이 도착합니다")
            );
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
                    t!(
                        "close must wake every waiting receiver",
                        "close는 기다리는 모든 수신자를 깨워야 합니다"
                    )
                );
                ensure_eq!(
                    receiver.join().unwrap(),
                    None,
                    t!("a receiver woken by close", "close가 깨운 수신자")
                );
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
        let (sent, received) = (sent.len(), received.len());
        return Err(Violation::new(
            t!(
                "every value sent is received exactly once (during the round or by a drain after \
                 it)",
                "보낸 값은 모두 정확히 한 번 받습니다(라운드 중에, 또는 라운드 뒤에 남은 값을 \
                 비우면서)"
            ),
            t!(
                "{sent} sent, {received} received: {lost} never came out",
                "{sent}개 보냄, {received}개 받음: {lost}개는 나오지 않았습니다"
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
    // What each send is doing, worded once before the rounds (so that the
    // stress threads never meet on the words' lock).
    let sends: Vec<Vec<String>> = (0..2)
        .map(|thread| (0..SENDS).map(|step| sending(thread, step)).collect())
        .collect();
    Stress::new(
        ctx,
        t!(
            "2 senders, 2 receivers and a close on a Channel of 2",
            "크기 2인 Channel에서 송신자 2개, 수신자 2개와 close 하나"
        ),
    )
    .threads(4)
    .ops(SENDS)
    .rounds(300)
    .run(
        |_rng| Channel::<u64>::new(2),
        move |channel, thread, step, _rng| match thread {
            0 | 1 => {
                let value = (thread as u64) << 32 | step as u64;
                race::doing(|| match sends.get(thread).and_then(|s| s.get(step)) {
                    Some(doing) => doing.clone(),
                    None => sending(thread, step),
                });
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
                                t!(
                                    "recv returns None only once the channel is closed",
                                    "recv는 채널이 닫힌 뒤에만 None을 돌려줍니다"
                                ),
                                t!(
                                    "worker-{thread}: recv() gave None on an open channel",
                                    "worker-{thread}: 열린 채널에서 recv()가 None을 \
                                         주었습니다"
                                ),
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

/// What a sender is doing: `send(value 3 of sender 1)`.
fn sending(sender: impl std::fmt::Display, value: impl std::fmt::Display) -> String {
    t!(
        "send(value {value} of sender {sender})",
        "send(송신자 {sender}의 값 {value})"
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
                            race::doing(|| sending(s, i));
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
                t!(
                    "recv returns None only once the channel is closed",
                    "recv는 채널이 닫힌 뒤에만 None을 돌려줍니다"
                ),
                t!(
                    "receiver-{r}: recv() gave None on an open channel",
                    "receiver-{r}: 열린 채널에서 recv()가 None을 주었습니다"
                ),
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
    Explore::new(t!(
        "2 senders × 3 values into a Channel of 1, 2 receivers until None, then close",
        "송신자 2개가 값 3개씩을 크기 1인 Channel로 보내고, 수신자 2개는 None이 나올 때까지 \
         받고, 그다음 close"
    ))
    .iterations(1000)
    .check(ctx, || close_scenario(2, 3, 2))
}

fn channel_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "1 sender × 1 value into a Channel of 1, 2 receivers until None, then close",
        "송신자 1개가 값 1개를 크기 1인 Channel로 보내고, 수신자 2개는 None이 나올 때까지 \
         받고, 그다음 close"
    ))
    .check(ctx, || {
        if let Err(violation) = close_scenario(1, 1, 2) {
            panic!("{}: {}", violation.invariant, violation.seen);
        }
    })
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
        Explore::new(t!("generated channel scenarios", "생성된 채널 시나리오")).iterations(2000),
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
        Model::new(t!(
            "the lesson's channel scenarios",
            "이 단원의 채널 시나리오"
        )),
        vec![
            scenario(vec![vec![Recv], vec![Send(1), Send(2)]]),
            scenario(vec![vec![Recv], vec![Send(1)], vec![Close]]),
            scenario(vec![vec![Recv], vec![Recv], vec![Close]]),
        ],
    )
}
