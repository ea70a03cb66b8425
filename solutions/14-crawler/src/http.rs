//! Given: a tiny blocking HTTP/1.1 client on `std::net::TcpStream`, and the
//! link extraction a crawler needs. You do not have to change anything here.
//!
//! It is deliberately small (plain `http://host:port/path` URLs, one request
//! per connection, `Connection: close`, the body read until the server closes)
//! so that the exercise is about the concurrency *around* a blocking request:
//! how many run at once, who waits for whom, and how a deadline cuts a wait
//! short. Two things matter for that:
//!
//! - [`get`] blocks the calling thread for as long as the server takes. It
//!   never takes longer than its `timeout` (connect, send and receive
//!   together), which is the only way to stop waiting for a blocking call:
//!   there is no way to interrupt a thread from outside.
//! - A request is one connection: it starts when [`get`] is called and ends
//!   when [`get`] returns.

use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Why a request gave no page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The URL is not `http://host:port/path` (or `http://host/path`).
    BadUrl(String),
    /// Connecting, sending or receiving failed (connection refused, reset,
    /// closed before a complete response, an unreadable response).
    Io(String),
    /// The server did not answer completely within the timeout.
    Timeout,
    /// The server answered with this status, which is not a success (2xx).
    Status(u16),
    /// The deadline passed before the page could be fetched.
    Cancelled,
}

impl FetchError {
    /// Whether trying again later may succeed: I/O errors, timeouts and
    /// server errors (5xx). Client errors (4xx, such as 404 Not Found), bad
    /// URLs and cancellation are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            FetchError::Io(_) | FetchError::Timeout => true,
            FetchError::Status(code) => (500..600).contains(code),
            FetchError::BadUrl(_) | FetchError::Cancelled => false,
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::BadUrl(url) => write!(f, "not an http:// URL: {url}"),
            FetchError::Io(why) => write!(f, "I/O error: {why}"),
            FetchError::Timeout => write!(f, "timed out"),
            FetchError::Status(code) => write!(f, "HTTP status {code}"),
            FetchError::Cancelled => write!(f, "cancelled at the deadline"),
        }
    }
}

impl std::error::Error for FetchError {}

/// The host of `url`, with its port: `host("http://127.0.0.1:8080/a")` is
/// `Some("127.0.0.1:8080")`. Politeness is per host.
pub fn host(url: &str) -> Option<&str> {
    split(url).map(|(host, _)| host)
}

/// Splits `http://host[:port]/path` into `("host[:port]", "/path")`.
fn split(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    (!host.is_empty()).then_some((host, path))
}

/// GETs `url` and returns the body of a successful (2xx) response.
///
/// Blocks until the whole response arrived, at most `timeout` in total
/// (`Err(FetchError::Timeout)` after that; a zero timeout fails at once). Any
/// other status is `Err(FetchError::Status(code))`.
pub fn get(url: &str, timeout: Duration) -> Result<String, FetchError> {
    let (host, path) = split(url).ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
    let path = path.split('#').next().unwrap_or("/");
    let started = Instant::now();
    let remaining = || {
        timeout
            .checked_sub(started.elapsed())
            .filter(|left| !left.is_zero())
            .ok_or(FetchError::Timeout)
    };
    let with_port = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    let address = with_port
        .to_socket_addrs()
        .map_err(|e| FetchError::Io(format!("cannot resolve {host}: {e}")))?
        .next()
        .ok_or_else(|| FetchError::Io(format!("cannot resolve {host}")))?;
    let mut stream = TcpStream::connect_timeout(&address, remaining()?).map_err(io_error)?;
    stream
        .set_write_timeout(Some(remaining()?))
        .map_err(io_error)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: threadlings-crawler\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(io_error)?;
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        stream
            .set_read_timeout(Some(remaining()?))
            .map_err(io_error)?;
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        }
    }
    parse_response(&response)
}

fn io_error(e: std::io::Error) -> FetchError {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => FetchError::Timeout,
        _ => FetchError::Io(e.to_string()),
    }
}

fn parse_response(response: &[u8]) -> Result<String, FetchError> {
    if response.is_empty() {
        return Err(FetchError::Io(
            "the server closed the connection without a response".to_string(),
        ));
    }
    let text = String::from_utf8_lossy(response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| FetchError::Io("a response without a complete header".to_string()))?;
    let status_line = head.lines().next().unwrap_or_default();
    let code: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| FetchError::Io(format!("a bad status line: {status_line:?}")))?;
    let length = head.lines().skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())
            .flatten()
    });
    if let Some(length) = length
        && body.len() < length
    {
        return Err(FetchError::Io(format!(
            "the connection closed after {} of {length} body bytes",
            body.len()
        )));
    }
    if (200..300).contains(&code) {
        Ok(body.to_string())
    } else {
        Err(FetchError::Status(code))
    }
}

/// The links of a page: every `href="..."` in `body`, resolved against the
/// page's own URL `base`, in the order they appear (repeats included).
///
/// - `http://...` links are kept as they are (without a `#fragment`);
/// - `/a/b` is on the same host: `http://host:port/a/b`;
/// - `b`, `./b` and `../b` are relative to the page's directory
///   (from `http://h/a/x`: `http://h/a/b`, `http://h/a/b`, `http://h/b`);
/// - `#part` is the page itself;
/// - other schemes (`mailto:`, `https:`, `javascript:`) are skipped.
pub fn links(base: &str, body: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        if let Some(url) = resolve(base, &rest[..end]) {
            found.push(url);
        }
        rest = &rest[end + 1..];
    }
    found
}

/// Resolves one `href` against the page URL `base` (see [`links`]).
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    let href = href.split('#').next().unwrap_or_default();
    let (host, base_path) = split(base)?;
    let base_path = base_path.split('#').next().unwrap_or("/");
    if href.starts_with("http://") {
        let (host, path) = split(href)?;
        return Some(format!("http://{host}{}", normalize(path)));
    }
    if href.contains(':') {
        return None; // mailto:, https:, javascript:, ...
    }
    if href.is_empty() {
        return Some(format!("http://{host}{}", normalize(base_path)));
    }
    let path = if href.starts_with('/') {
        href.to_string()
    } else {
        let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{href}")
    };
    Some(format!("http://{host}{}", normalize(&path)))
}

/// Removes `.` and `..` segments: `/a/./b/../c` is `/a/c`.
fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match *part {
            "." => {
                if last {
                    segments.push("");
                }
            }
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            part => segments.push(part),
        }
    }
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_kind_of_link() {
        let base = "http://h:1/a/x";
        assert_eq!(resolve(base, "b").as_deref(), Some("http://h:1/a/b"));
        assert_eq!(resolve(base, "./b").as_deref(), Some("http://h:1/a/b"));
        assert_eq!(resolve(base, "../b").as_deref(), Some("http://h:1/b"));
        assert_eq!(resolve(base, "/c/d").as_deref(), Some("http://h:1/c/d"));
        assert_eq!(resolve(base, "#top").as_deref(), Some("http://h:1/a/x"));
        assert_eq!(resolve(base, "/c#f").as_deref(), Some("http://h:1/c"));
        assert_eq!(
            resolve(base, "http://g:2/z").as_deref(),
            Some("http://g:2/z")
        );
        assert_eq!(resolve(base, "http://g:2").as_deref(), Some("http://g:2/"));
        assert_eq!(resolve(base, "mailto:me@h"), None);
        assert_eq!(resolve("http://h:1/", "p").as_deref(), Some("http://h:1/p"));
    }

    #[test]
    fn finds_links_in_order() {
        let body = r#"<a href="/x">x</a> <a href="y">y</a><a href="/x">again</a>"#;
        assert_eq!(
            links("http://h:1/d/p", body),
            vec!["http://h:1/x", "http://h:1/d/y", "http://h:1/x"]
        );
    }

    #[test]
    fn retryable_errors() {
        assert!(FetchError::Status(503).is_retryable());
        assert!(FetchError::Timeout.is_retryable());
        assert!(FetchError::Io("reset".into()).is_retryable());
        assert!(!FetchError::Status(404).is_retryable());
        assert!(!FetchError::Cancelled.is_retryable());
    }
}
