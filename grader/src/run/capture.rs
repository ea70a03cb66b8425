//! Bounded capture of a child's output.
//!
//! Student code may print gigabytes; we keep the first and the last few
//! kilobytes, count the rest, and keep draining so the child never blocks on a
//! full pipe.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

const HEAD_BYTES: usize = 8 * 1024;
const TAIL_BYTES: usize = 8 * 1024;

#[derive(Default)]
pub struct Capture {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    total: u64,
}

impl Capture {
    fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let room = HEAD_BYTES - self.head.len();
        if room > 0 {
            let take = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() >= TAIL_BYTES {
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - TAIL_BYTES..]);
        } else {
            let overflow = (self.tail.len() + bytes.len()).saturating_sub(TAIL_BYTES);
            self.tail.drain(..overflow);
            self.tail.extend(bytes);
        }
    }

    /// The captured text, with a marker where bytes were dropped.
    pub fn text(&self) -> String {
        let mut out = String::from_utf8_lossy(&self.head).into_owned();
        let kept = (self.head.len() + self.tail.len()) as u64;
        if self.total > kept {
            out.push_str(&format!(
                "\n[... {} bytes of output not shown ...]\n",
                self.total - kept
            ));
        }
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        out.push_str(&String::from_utf8_lossy(&tail));
        out
    }

    pub fn contains(&self, needle: &str) -> bool {
        self.text().contains(needle)
    }
}

/// Drains `source` into a shared capture until end of file.
pub fn drain(mut source: impl Read, into: Arc<Mutex<Capture>>) {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match source.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if let Ok(mut capture) = into.lock() {
                    capture.push(&buffer[..n]);
                }
            }
        }
    }
}
