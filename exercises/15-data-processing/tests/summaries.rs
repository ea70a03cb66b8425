//! Tasks 3 to 5: the three variants agree with the reference.

mod common;

use std::path::Path;

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_dp_worker"))
}

#[test]
fn sequential_matches_the_reference() {
    let data = common::log(5000, 1);
    let got = data_processing::summarize_sequential(&data[..]).unwrap();
    assert_eq!(got, common::reference(&data));
}

#[test]
fn threads_match_the_reference() {
    let data = common::log(5000, 2);
    for workers in [1, 2, 4] {
        let got = data_processing::summarize_threads(&data[..], workers, 1000).unwrap();
        assert_eq!(got, common::reference(&data), "workers = {workers}");
    }
}

#[test]
fn parallel_lines_counts_lines_with_any_fold() {
    let data = common::log(3000, 5);
    let lines = data_processing::parallel_lines(
        &data[..],
        3,
        512,
        || 0usize,
        |count, chunk| *count += chunk.iter().filter(|&&b| b == b'\n').count(),
        |total, part| *total += part,
    )
    .unwrap();
    assert_eq!(lines, 3000);
}

#[test]
fn processes_match_the_reference() {
    let data = common::log(5000, 3);
    let run = data_processing::summarize_processes(&data[..], 3, 4096, worker()).unwrap();
    assert_eq!(run.summary, common::reference(&data));
    assert_eq!(
        run.bytes_sent,
        data.len() as u64,
        "every byte goes through a pipe"
    );
    assert!(run.bytes_received > 0);
}

#[test]
fn the_report_is_consistent() {
    let data = common::log(20_000, 4);
    let report = data_processing::benchmark(|_| &data[..], 2, 16 * 1024, worker()).unwrap();
    assert_eq!(report.summary, common::reference(&data));
    assert!(report.sequential > std::time::Duration::ZERO);
    let speedup = report.sequential.as_secs_f64() / report.threads.as_secs_f64();
    assert!((report.thread_speedup - speedup).abs() < 1e-6 * speedup.max(1.0));
    assert_eq!(report.bytes_sent, data.len() as u64);
}
