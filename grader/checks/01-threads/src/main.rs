//! Hidden checks of exercise 01-threads.

use std::sync::Arc;
use std::time::Duration;

use threadlings_kit::probe::Rendezvous;
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, within};

threadlings_kit::checks![results_in_worker_order, workers_run_concurrently];

fn results_in_worker_order(_ctx: &mut Ctx) -> CheckResult {
    let results = within(Duration::from_secs(10), "run_workers(5, ..)", || {
        threads::run_workers(5, |i| i * 10)
    })?;
    ensure_eq!(
        results,
        vec![0, 10, 20, 30, 40],
        "run_workers must return results in worker order"
    );
    Ok(())
}

fn workers_run_concurrently(_ctx: &mut Ctx) -> CheckResult {
    let rendezvous = Arc::new(Rendezvous::new(5, Duration::from_secs(5)));
    let probe = rendezvous.clone();
    within(Duration::from_secs(20), "run_workers(5, ..)", move || {
        threads::run_workers(5, move |_| probe.arrive())
    })?;
    ensure!(
        rendezvous.met(),
        "your workers never ran at the same time: all 5 must be alive at once (spawn them all, then join)"
    );
    Ok(())
}
