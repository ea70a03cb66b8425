//! A tiny HTTP server for the public tests: pages by path, each with a
//! latency and a number of `503` answers before it works. It counts requests
//! per path and the most requests in flight at once.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

#[derive(Clone, Default)]
pub struct Page {
    pub links: Vec<String>,
    pub latency: Duration,
    /// Answer 503 this many times before the page works (`u32::MAX`: never).
    pub failures: u32,
}

pub fn page(links: &[&str]) -> Page {
    Page {
        links: links.iter().map(|l| l.to_string()).collect(),
        ..Page::default()
    }
}

#[derive(Default)]
struct Stats {
    requests: HashMap<String, u32>,
    in_flight: usize,
    peak: usize,
}

pub struct TestServer {
    pub base: String,
    stats: Arc<Mutex<Stats>>,
    stop: Arc<AtomicBool>,
}

impl TestServer {
    /// Serves `pages` (path → page) on 127.0.0.1; other paths answer 404.
    pub fn start(pages: Vec<(&str, Page)>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let pages: Arc<HashMap<String, Page>> = Arc::new(
            pages
                .into_iter()
                .map(|(p, page)| (p.to_string(), page))
                .collect(),
        );
        let stats = Arc::new(Mutex::new(Stats::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (stats.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (pages, stats) = (pages.clone(), s.clone());
                thread::spawn(move || serve(stream, &pages, &stats));
            }
        });
        TestServer { base, stats, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Requests the server got for `path`.
    pub fn requests(&self, path: &str) -> u32 {
        self.stats
            .lock()
            .unwrap()
            .requests
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// The most requests that were in flight at the same moment.
    pub fn peak_in_flight(&self) -> usize {
        self.stats.lock().unwrap().peak
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}

fn serve(mut stream: TcpStream, pages: &HashMap<String, Page>, stats: &Mutex<Stats>) {
    stream.set_read_timeout(Some(Duration::from_secs(3))).ok();
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let attempt = {
        let mut stats = stats.lock().unwrap();
        stats.in_flight += 1;
        stats.peak = stats.peak.max(stats.in_flight);
        let n = stats.requests.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let (code, body) = match pages.get(&path) {
        None => (404, String::new()),
        Some(page) => {
            thread::sleep(page.latency);
            if attempt <= page.failures {
                (503, String::new())
            } else {
                let links: String = page
                    .links
                    .iter()
                    .map(|l| format!("<a href=\"{l}\">{l}</a>\n"))
                    .collect();
                (200, format!("<html><body>\n{links}</body></html>\n"))
            }
        }
    };
    stats.lock().unwrap().in_flight -= 1;
    let response = format!(
        "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}
