//! Task 4: `run_named` runs worker `i` on a thread named "{prefix}-{i}".

use std::thread;

#[test]
fn workers_run_on_threads_named_prefix_dash_index() {
    let names = threads::run_named("fetch", 3, |_| thread::current().name().map(String::from));
    assert_eq!(
        names,
        vec![
            Some("fetch-0".to_string()),
            Some("fetch-1".to_string()),
            Some("fetch-2".to_string())
        ]
    );
}

#[test]
fn results_come_back_in_worker_order() {
    assert_eq!(
        threads::run_named("calc", 4, |i| i + 100),
        vec![100, 101, 102, 103]
    );
}
