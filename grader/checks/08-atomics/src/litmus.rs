//! Litmus checks of exercise 08 (appended): the mailbox's message passing as
//! an outcome table. One writer publishes [1, 2, 3, 4]; one reader reads
//! once. Results: `flag` (did `read` return a message: 1, or `None`: 0) and
//! `words` (how many of the 4 words it returned were the published ones; 0
//! when it returned `None`).

use std::sync::Arc;

use atomics::Mailbox;
use threadlings_kit::litmus::{Litmus, Outcome, OutcomeClass};
use threadlings_kit::race::Model;
use threadlings_kit::{CheckResult, Ctx, t};

const MESSAGE: [u64; 4] = [1, 2, 3, 4];

fn table() -> Litmus {
    Litmus::new(
        t!(
            "message passing through the Mailbox (publish ‖ read)",
            "Mailbox를 통한 메시지 전달(publish ‖ read)"
        ),
        &["flag", "words"],
    )
    .outcome(
        &[0, 0],
        OutcomeClass::Acceptable,
        t!("the reader came first", "읽는 쪽이 먼저 왔다"),
    )
    .outcome(
        &[1, 4],
        OutcomeClass::Acceptable,
        t!("the whole message", "메시지 전체"),
    )
    .outcome(
        &[1, 0],
        OutcomeClass::Forbidden,
        t!(
            "the flag, but none of the words written before it",
            "플래그는 보였지만 그 전에 쓴 단어는 하나도 안 보였다"
        ),
    )
}

/// One run: a writer thread publishes while this thread reads once, after
/// `delay` spins (so stress runs read at different moments of the publish).
fn run(delay: usize) -> Outcome {
    let mailbox = Arc::new(Mailbox::new());
    let writer = {
        let mailbox = mailbox.clone();
        threadlings::thread::Builder::new()
            .name("writer".to_string())
            .spawn(move || mailbox.publish(MESSAGE))
            .unwrap()
    };
    for _ in 0..delay {
        threadlings::hint::spin_loop();
    }
    let outcome = match mailbox.read() {
        None => vec![0, 0],
        Some(words) => vec![
            1,
            words.iter().zip(MESSAGE).filter(|(a, b)| **a == *b).count() as u64,
        ],
    };
    writer.join().unwrap();
    outcome
}

pub fn mailbox_litmus(ctx: &mut Ctx) -> CheckResult {
    table().model(
        ctx,
        Model::new(t!(
            "a writer publishing [1, 2, 3, 4] while a reader reads once",
            "읽는 스레드가 한 번 읽는 동안 쓰는 스레드가 [1, 2, 3, 4]를 게시"
        )),
        || run(0),
    )
}

pub fn mailbox_litmus_stress(ctx: &mut Ctx) -> CheckResult {
    table().rounds(3000).stress(ctx, |n| run(n % 200))
}
