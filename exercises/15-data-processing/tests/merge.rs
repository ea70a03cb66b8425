//! Task 1: merging partial summaries.

mod common;

use data_processing::Summary;

#[test]
fn merging_two_halves_gives_the_whole() {
    let data = common::log(2000, 7);
    let middle = data[..data.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    let mut first = common::reference(&data[..middle]);
    first.merge(common::reference(&data[middle..]));
    assert_eq!(first, common::reference(&data));
}

#[test]
fn merging_into_an_empty_summary_copies() {
    let whole = common::reference(&common::log(300, 3));
    let mut empty = Summary::default();
    empty.merge(whole.clone());
    assert_eq!(empty, whole);
}

#[test]
fn counts_of_the_same_path_add_up() {
    let mut a = Summary::default();
    a.add_line(b"1 GET /x 200 10 5");
    let mut b = Summary::default();
    b.add_line(b"2 GET /x 404 20 9");
    a.merge(b);
    assert_eq!(a.by_path["/x"], 2);
    assert_eq!(a.lines, 2);
    assert_eq!(a.bytes, 30);
    assert_eq!(a.slowest_ms, 9);
}
