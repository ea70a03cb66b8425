//! A small seeded access log for the public tests.
#![allow(dead_code)]

/// About `lines` log lines, with a malformed one now and then.
pub fn log(lines: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::new();
    for i in 0..lines {
        if next() % 50 == 0 {
            out.push_str("not a log line\n");
            continue;
        }
        let method = ["GET", "POST"][(next() % 2) as usize];
        let path = format!("/page/{}", next() % 20);
        let status = [200, 200, 404, 500][(next() % 4) as usize];
        out.push_str(&format!(
            "{} {method} {path} {status} {} {}\n",
            1_700_000_000 + i,
            next() % 10_000,
            next() % 500
        ));
    }
    out.into_bytes()
}

/// The reference: the given `add_lines` over the whole input at once.
pub fn reference(data: &[u8]) -> data_processing::Summary {
    let mut summary = data_processing::Summary::default();
    summary.add_lines(data);
    summary
}
