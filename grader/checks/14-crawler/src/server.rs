//! A small HTTP/1.1 server on 127.0.0.1, started and stopped by each check.
//!
//! Every "host" of a web is one listener on its own port (`127.0.0.1:PORT`),
//! so per-host politeness can be checked with several hosts. Each connection
//! gets a handler thread; every handler thread is named `web:...`, so the
//! thread check can tell the server's threads from the crawler's.
//!
//! What the server observes is the ground truth the checks judge by, and it
//! is chosen so that it never wrongs a correct crawler:
//! - A request's server-side span starts after its connection was accepted
//!   and its request read, and ends *before* the first byte of the response
//!   is written. The client's request (connect → `http::get` returns) always
//!   contains that span. So "at most K in flight" on the client side implies
//!   at most K overlapping spans here, and a gap the client waited between
//!   two requests is never seen shorter here (no clock tolerance needed).
//! - Latency is a sleep before the response: it never ends early, so a crawl
//!   that fetched one page at a time can never beat the sum of latencies.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use threadlings_kit::t;
use threadlings_kit::timing::{LimitProbe, Recorder};

/// How the server answers one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// 200 with this HTML body.
    Page(String),
    /// This (error) status with a short body.
    Status(u16),
    /// Close the connection without any response.
    Drop,
    /// Never answer; hold the connection until the server stops.
    Tarpit,
}

/// A reply and how long to wait before giving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub reply: Reply,
    pub latency: Duration,
}

/// What the server serves: called once per request.
pub trait Site: Send + Sync + 'static {
    /// `attempt` counts the requests for `(host, path)`: 1 for the first.
    fn answer(&self, host: usize, path: &str, attempt: u32) -> Answer;
}

/// How a request ended, as the server saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Status(u16),
    Dropped,
    /// Held until the server stopped.
    Held,
}

/// One request, as the server saw it.
#[derive(Debug, Clone)]
pub struct Served {
    pub host: usize,
    pub path: String,
    /// After the request was read.
    pub start: Instant,
    /// Before the response's first byte was written (or when it was dropped).
    pub end: Instant,
    pub outcome: Outcome,
}

/// Instruments on requests other than the exempt paths (typically the
/// start page, which has to be fetched alone before anything else can be).
#[derive(Default, Clone)]
pub struct Probes {
    pub limit: Option<Arc<LimitProbe>>,
    pub recorder: Option<Arc<Recorder>>,
    pub exempt: Vec<(usize, String)>,
}

struct State {
    log: Vec<Served>,
    attempts: HashMap<(usize, String), u32>,
    in_flight: usize,
    peak: usize,
    /// Requests being handled (read to response), for "is anything going on".
    open: usize,
    last_activity: Instant,
}

struct Shared {
    site: Box<dyn Site>,
    probes: Probes,
    stopping: AtomicBool,
    state: Mutex<State>,
    /// Notified when the server stops (latency and tarpit waits end).
    stopped: Condvar,
    handlers: Mutex<Vec<JoinHandle<()>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Listeners bound to 127.0.0.1 on fresh ports, not serving yet.
pub struct Bound {
    listeners: Vec<TcpListener>,
    pub hosts: Vec<String>,
}

/// Binds `hosts` listeners on 127.0.0.1 (port 0: the kernel picks free ones).
pub fn bind(hosts: usize) -> std::io::Result<Bound> {
    let mut listeners = Vec::new();
    let mut names = Vec::new();
    for _ in 0..hosts {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        names.push(listener.local_addr()?.to_string());
        listeners.push(listener);
    }
    Ok(Bound {
        listeners,
        hosts: names,
    })
}

/// A running server; stopped (every thread joined) on [`Server::stop`] or drop.
pub struct Server {
    addresses: Vec<SocketAddr>,
    shared: Arc<Shared>,
    acceptors: Vec<JoinHandle<()>>,
}

impl Bound {
    /// Starts serving `site` on the bound listeners.
    pub fn serve(self, site: impl Site, probes: Probes) -> Server {
        let epoch = Instant::now();
        let shared = Arc::new(Shared {
            site: Box::new(site),
            probes,
            stopping: AtomicBool::new(false),
            state: Mutex::new(State {
                log: Vec::new(),
                attempts: HashMap::new(),
                in_flight: 0,
                peak: 0,
                open: 0,
                last_activity: epoch,
            }),
            stopped: Condvar::new(),
            handlers: Mutex::new(Vec::new()),
        });
        let mut addresses = Vec::new();
        let mut acceptors = Vec::new();
        for (host, listener) in self.listeners.into_iter().enumerate() {
            addresses.push(listener.local_addr().expect(&t!(
                "a bound listener has an address",
                "바인드된 리스너에는 주소가 있습니다"
            )));
            let shared = shared.clone();
            acceptors.push(
                thread::Builder::new()
                    .name(format!("web:accept-{host}"))
                    .spawn(move || accept_loop(host, listener, shared))
                    .expect(&t!(
                        "start the server's accept thread",
                        "서버의 accept 스레드 시작하기"
                    )),
            );
        }
        Server {
            addresses,
            shared,
            acceptors,
        }
    }
}

fn accept_loop(host: usize, listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let worker = shared.clone();
        let spawned = thread::Builder::new()
            .name(format!("web:conn-{host}"))
            .spawn(move || handle(host, stream, &worker));
        if let Ok(handle) = spawned {
            let mut handlers = lock(&shared.handlers);
            handlers.retain(|h| !h.is_finished());
            handlers.push(handle);
        }
    }
}

/// Reads the request head; `None` if the client sent no complete request.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    stream.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).ok()?;
        if n == 0 || head.len() > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next()?;
    let mut parts = line.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    Some(parts.next()?.to_string())
}

fn handle(host: usize, mut stream: TcpStream, shared: &Shared) {
    let Some(path) = read_request(&mut stream) else {
        return;
    };
    let start = Instant::now();
    let attempt = {
        let mut state = lock(&shared.state);
        let attempt = state.attempts.entry((host, path.clone())).or_insert(0);
        *attempt += 1;
        let attempt = *attempt;
        state.in_flight += 1;
        state.peak = state.peak.max(state.in_flight);
        state.open += 1;
        state.last_activity = start;
        attempt
    };
    let probed = !shared
        .probes
        .exempt
        .iter()
        .any(|(h, p)| *h == host && *p == path);
    let limit_guard = match (&shared.probes.limit, probed) {
        (Some(probe), true) => Some(probe.enter()),
        _ => None,
    };
    let task = shared.probes.recorder.as_ref().map(|recorder| {
        recorder.task(t!("GET {path} (host {host})", "GET {path} (호스트 {host})"))
    });
    let answer = shared.site.answer(host, &path, attempt);
    let held = matches!(answer.reply, Reply::Tarpit);
    let wait_until = (!held).then(|| Instant::now() + answer.latency);
    shared.wait(wait_until);
    let end = Instant::now();
    let outcome = match &answer.reply {
        Reply::Page(_) => Outcome::Ok,
        Reply::Status(code) => Outcome::Status(*code),
        Reply::Drop => Outcome::Dropped,
        Reply::Tarpit => Outcome::Held,
    };
    {
        let mut state = lock(&shared.state);
        state.in_flight -= 1;
        state.log.push(Served {
            host,
            path: path.clone(),
            start,
            end,
            outcome,
        });
    }
    drop(task);
    drop(limit_guard);
    let response = match answer.reply {
        Reply::Page(body) => Some(response(200, "OK", &body)),
        Reply::Status(code) => Some(response(code, reason(code), "<html>error</html>")),
        Reply::Drop | Reply::Tarpit => None,
    };
    if let Some(response) = response {
        let _ = stream.write_all(response.as_bytes());
        let _ = stream.flush();
    }
    let _ = stream.shutdown(Shutdown::Both);
    drop(stream);
    let mut state = lock(&shared.state);
    state.open -= 1;
    state.last_activity = Instant::now();
}

fn reason(code: u16) -> &'static str {
    match code {
        404 => "Not Found",             // data: HTTP reason phrase sent to the crawler
        500 => "Internal Server Error", // data: HTTP reason phrase sent to the crawler
        503 => "Service Unavailable",   // data: HTTP reason phrase sent to the crawler
        _ => "Error",                   // data: HTTP reason phrase sent to the crawler
    }
}

fn response(code: u16, reason: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

impl Shared {
    /// Sleeps until `until` (forever with `None`), or until the server stops.
    fn wait(&self, until: Option<Instant>) {
        let mut state = lock(&self.state);
        while !self.stopping.load(Ordering::SeqCst) {
            match until {
                Some(until) => {
                    let now = Instant::now();
                    if now >= until {
                        break;
                    }
                    state = self
                        .stopped
                        .wait_timeout(state, until - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                None => {
                    state = self
                        .stopped
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }
}

impl Server {
    /// `http://127.0.0.1:PORT{path}` of host `host`.
    pub fn url(&self, host: usize, path: &str) -> String {
        format!("http://{}{path}", self.addresses[host])
    }

    /// Every request answered so far (held ones once the server stopped).
    pub fn log(&self) -> Vec<Served> {
        lock(&self.shared.state).log.clone()
    }

    /// Requests being handled right now, and when anything last happened.
    pub fn activity(&self) -> (usize, Instant) {
        let state = lock(&self.shared.state);
        (state.open, state.last_activity)
    }

    /// The most requests in flight at once (all paths).
    pub fn peak_in_flight(&self) -> usize {
        lock(&self.shared.state).peak
    }

    /// Stops accepting, ends every wait, and joins every server thread.
    pub fn stop(&mut self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        {
            let _state = lock(&self.shared.state);
            self.shared.stopped.notify_all();
        }
        for address in &self.addresses {
            // Wake the accept loop, which then sees `stopping`.
            let _ = TcpStream::connect_timeout(address, Duration::from_secs(1));
        }
        for acceptor in self.acceptors.drain(..) {
            let _ = acceptor.join();
        }
        let handlers: Vec<JoinHandle<()>> = lock(&self.shared.handlers).drain(..).collect();
        for handler in handlers {
            let _ = handler.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Threads of this process that are not the server's (`web:*`), from
/// `/proc/self/task/*/comm`.
pub fn threads_outside_server() -> Option<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let Ok(entry) = entry else { continue };
        let Ok(comm) = std::fs::read_to_string(entry.path().join("comm")) else {
            continue; // the thread ended meanwhile
        };
        if !comm.starts_with("web:") {
            count += 1;
        }
    }
    Some(count)
}
