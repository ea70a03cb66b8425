//! Task 2: chunks of whole lines.

mod common;

fn chunks_of(data: &[u8], chunk_bytes: usize) -> Vec<Vec<u8>> {
    data_processing::chunks(data, chunk_bytes)
        .collect::<Result<_, _>>()
        .expect("reading a slice never fails")
}

#[test]
fn chunks_hold_whole_lines_and_nothing_is_lost() {
    let data = common::log(500, 11);
    for chunk_bytes in [1, 10, 100, 4096] {
        let chunks = chunks_of(&data, chunk_bytes);
        assert_eq!(chunks.concat(), data, "chunk_bytes = {chunk_bytes}");
        for chunk in &chunks {
            assert!(chunk.ends_with(b"\n"), "a chunk cuts a line: {chunk:?}");
            let lines = chunk.iter().filter(|&&b| b == b'\n').count();
            assert!(chunk.len() <= chunk_bytes || lines == 1, "chunk too long");
        }
    }
}

#[test]
fn a_long_line_is_a_chunk_of_its_own() {
    let data = b"ab\ncdefghijkl\nmn\n";
    let chunks = chunks_of(data, 4);
    assert_eq!(
        chunks,
        vec![b"ab\n".to_vec(), b"cdefghijkl\n".to_vec(), b"mn\n".to_vec()]
    );
}

#[test]
fn the_last_line_may_lack_its_line_end() {
    let chunks = chunks_of(b"one\ntwo\nthree", 8);
    assert_eq!(chunks.concat(), b"one\ntwo\nthree");
    assert_eq!(chunks.last().unwrap(), b"three");
}

#[test]
fn an_empty_input_has_no_chunks() {
    assert!(chunks_of(b"", 16).is_empty());
}
