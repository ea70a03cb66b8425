//! Bounded capture of a child's output.
//!
//! Student code may print gigabytes; we keep the first and the last few
//! kilobytes (half of the check's `output_kb` each), count the rest, and keep
//! draining so the child never blocks on a full pipe. The text handed to
//! reports has terminal control characters made visible, so a check's output
//! cannot clear the screen or recolour the report.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// What one pipe printed, capped.
pub struct Capture {
    head: Vec<u8>,
    head_limit: usize,
    tail: VecDeque<u8>,
    tail_limit: usize,
    total: u64,
}

impl Default for Capture {
    fn default() -> Self {
        Capture::with_limit(super::Limits::DEFAULT.output_bytes())
    }
}

impl Capture {
    /// Keeps at most `limit` bytes: the first and the last half.
    pub fn with_limit(limit: usize) -> Capture {
        let head_limit = limit / 2;
        let tail_limit = limit - head_limit;
        Capture {
            head: Vec::with_capacity(head_limit.min(64 * 1024)),
            head_limit,
            tail: VecDeque::new(),
            tail_limit,
            total: 0,
        }
    }

    fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let room = self.head_limit - self.head.len();
        if room > 0 {
            let take = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() >= self.tail_limit {
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - self.tail_limit..]);
        } else {
            let overflow = (self.tail.len() + bytes.len()).saturating_sub(self.tail_limit);
            self.tail.drain(..overflow);
            self.tail.extend(bytes);
        }
    }

    /// Bytes printed in all, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether some output was dropped.
    pub fn truncated(&self) -> bool {
        self.total > (self.head.len() + self.tail.len()) as u64
    }

    /// The captured text, with a marker where bytes were dropped.
    pub fn text(&self) -> String {
        let mut out = visible(&self.head);
        let kept = (self.head.len() + self.tail.len()) as u64;
        if self.total > kept {
            out.push_str(&format!(
                "\n[... {} bytes of output not shown ...]\n",
                self.total - kept
            ));
        }
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        out.push_str(&visible(&tail));
        out
    }
}

/// Text with invalid UTF-8 replaced and control characters (other than line
/// breaks and tabs) shown as escapes.
fn visible(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Drains `source` into a shared capture until end of file.
pub fn drain(mut source: impl Read, into: Arc<Mutex<Capture>>) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match source.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                if let Ok(mut capture) = into.lock() {
                    capture.push(&buffer[..n]);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_head_and_tail_and_counts_the_rest() {
        let mut capture = Capture::with_limit(8);
        capture.push(b"abcdef");
        capture.push(&[b'x'; 100]);
        capture.push(b"WXYZ");
        assert_eq!(capture.total(), 110);
        assert!(capture.truncated());
        assert_eq!(
            capture.text(),
            "abcd\n[... 102 bytes of output not shown ...]\nWXYZ"
        );
    }

    #[test]
    fn control_characters_are_made_visible() {
        let mut capture = Capture::with_limit(1024);
        capture.push(b"red \x1b[31mtext\r\n\tok\xff");
        assert_eq!(capture.text(), "red \\u{1b}[31mtext\\r\n\tok\u{fffd}");
        assert!(!capture.truncated());
    }
}
