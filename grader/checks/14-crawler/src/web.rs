//! Webs to crawl: pages with links, latency and failures, the HTML the server
//! sends for them, and the crawl report a correct crawler must return.
//!
//! Every link is stored twice: the `href` written into the page (absolute,
//! root-relative, relative, with `./`, `../` or a `#fragment`) and the
//! absolute URL it must resolve to, computed here from the web's own
//! structure, so the expected report does not depend on the exercise's code.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use rand::Rng;
use rand::seq::IndexedRandom;

use crate::server::{Answer, Reply, Site};

/// How a page fails before it succeeds (or forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 503 Service Unavailable.
    Unavailable,
    /// The connection is closed without a response.
    Dropped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    Ok,
    /// Fails this many times, then succeeds.
    FailFirst(u32, Failure),
    AlwaysFail(Failure),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// As written in the page.
    pub href: String,
    /// What it resolves to; `None` for links a crawler must skip (`mailto:`).
    pub target: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PageSpec {
    pub links: Vec<Link>,
    pub latency: Duration,
    pub behaviour: Behaviour,
}

/// A web over `hosts` (`127.0.0.1:PORT` each); pages by (host, path).
#[derive(Debug, Clone)]
pub struct Web {
    pub hosts: Vec<String>,
    pub pages: BTreeMap<(usize, String), PageSpec>,
    pub root: (usize, String),
}

/// What a crawler must report for a page it could not fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expected {
    /// `FetchError::Status(code)`.
    Status(u16),
    /// `FetchError::Io(_)`.
    Io,
}

/// The report a correct crawler returns, in comparable form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedReport {
    pub pages: BTreeMap<String, Vec<String>>,
    pub failed: BTreeMap<String, Expected>,
}

impl Web {
    pub fn new(hosts: Vec<String>) -> Web {
        Web {
            hosts,
            pages: BTreeMap::new(),
            root: (0, "/".to_string()),
        }
    }

    pub fn url(&self, host: usize, path: &str) -> String {
        format!("http://{}{path}", self.hosts[host])
    }

    pub fn root_url(&self) -> String {
        self.url(self.root.0, &self.root.1)
    }

    /// Adds (or replaces) a page.
    pub fn page(&mut self, host: usize, path: &str, links: Vec<Link>) -> &mut PageSpec {
        self.pages.insert(
            (host, path.to_string()),
            PageSpec {
                links,
                latency: Duration::ZERO,
                behaviour: Behaviour::Ok,
            },
        );
        self.pages.get_mut(&(host, path.to_string())).unwrap()
    }

    /// A link from a page on host `from` to `(host, path)`, written as `href`
    /// (which must resolve to that page).
    pub fn link(&self, href: &str, host: usize, path: &str) -> Link {
        Link {
            href: href.to_string(),
            target: Some(self.url(host, path)),
        }
    }

    /// An absolute link to `(host, path)`.
    pub fn abs(&self, host: usize, path: &str) -> Link {
        self.link(&self.url(host, path), host, path)
    }

    /// The HTML of a page.
    pub fn body(&self, spec: &PageSpec) -> String {
        let mut html = String::from("<!doctype html>\n<html><body>\n");
        for (i, link) in spec.links.iter().enumerate() {
            html.push_str(&format!("<p><a href=\"{}\">link {i}</a></p>\n", link.href));
        }
        html.push_str("</body></html>\n");
        html
    }

    /// What a correct crawler reports with `max_retries` retries.
    pub fn expected(&self, max_retries: u32) -> ExpectedReport {
        let by_url: BTreeMap<String, &PageSpec> = self
            .pages
            .iter()
            .map(|((host, path), spec)| (self.url(*host, path), spec))
            .collect();
        let mut report = ExpectedReport::default();
        let mut seen = BTreeSet::from([self.root_url()]);
        let mut queue = VecDeque::from([self.root_url()]);
        while let Some(url) = queue.pop_front() {
            let Some(spec) = by_url.get(&url) else {
                report.failed.insert(url, Expected::Status(404));
                continue;
            };
            let failure = match spec.behaviour {
                Behaviour::Ok => None,
                Behaviour::FailFirst(n, _) if n <= max_retries => None,
                Behaviour::FailFirst(_, how) | Behaviour::AlwaysFail(how) => Some(how),
            };
            if let Some(how) = failure {
                let expected = match how {
                    Failure::Unavailable => Expected::Status(503),
                    Failure::Dropped => Expected::Io,
                };
                report.failed.insert(url, expected);
                continue;
            }
            let links: Vec<String> = spec.links.iter().filter_map(|l| l.target.clone()).collect();
            for link in &links {
                if seen.insert(link.clone()) {
                    queue.push_back(link.clone());
                }
            }
            report.pages.insert(url, links);
        }
        report
    }

    /// Requests a correct crawler sends for each page it reaches: one, plus
    /// one per retry of a failing page.
    pub fn expected_requests(&self, max_retries: u32) -> BTreeMap<String, u32> {
        let expected = self.expected(max_retries);
        let mut requests = BTreeMap::new();
        for url in expected.pages.keys().chain(expected.failed.keys()) {
            let spec = self
                .pages
                .iter()
                .find(|((h, p), _)| self.url(*h, p) == *url)
                .map(|(_, spec)| spec);
            let n = match spec.map(|s| &s.behaviour) {
                None => 1, // 404: never retried
                Some(Behaviour::Ok) => 1,
                Some(Behaviour::FailFirst(n, _)) => (n + 1).min(max_retries + 1),
                Some(Behaviour::AlwaysFail(_)) => max_retries + 1,
            };
            requests.insert(url.clone(), n);
        }
        requests
    }
}

impl Site for Web {
    fn answer(&self, host: usize, path: &str, attempt: u32) -> Answer {
        let Some(spec) = self.pages.get(&(host, path.to_string())) else {
            return Answer {
                reply: Reply::Status(404),
                latency: Duration::ZERO,
            };
        };
        let fail = match spec.behaviour {
            Behaviour::Ok => None,
            Behaviour::FailFirst(n, how) => (attempt <= n).then_some(how),
            Behaviour::AlwaysFail(how) => Some(how),
        };
        let reply = match fail {
            None => Reply::Page(self.body(spec)),
            Some(Failure::Unavailable) => Reply::Status(503),
            Some(Failure::Dropped) => Reply::Drop,
        };
        Answer {
            reply,
            latency: spec.latency,
        }
    }
}

/// The hand-made web: two hosts, every kind of link, cycles, self-links,
/// repeated links, skipped schemes and missing pages.
pub fn fixed(hosts: Vec<String>) -> Web {
    let mut web = Web::new(hosts);
    let (a, b) = (0, 1);
    let links = vec![
        web.link("/about", a, "/about"),
        web.link("docs/intro", a, "/docs/intro"),
        web.abs(b, "/"),
        web.link("#top", a, "/"),
        Link {
            href: "mailto:team@example.org".to_string(),
            target: None,
        },
        web.link("/missing", a, "/missing"),
        web.link("/about", a, "/about"),
    ];
    web.page(a, "/", links);
    let links = vec![
        web.link("/", a, "/"),
        web.link("./team", a, "/team"),
        web.abs(b, "/blog/1"),
    ];
    web.page(a, "/about", links);
    web.page(a, "/team", vec![]);
    let links = vec![
        web.link("next", a, "/docs/next"),
        web.link("../about", a, "/about"),
        web.link("/docs/intro#part-2", a, "/docs/intro"),
    ];
    web.page(a, "/docs/intro", links);
    let links = vec![web.link("intro", a, "/docs/intro"), web.abs(b, "/blog/2")];
    web.page(a, "/docs/next", links);
    let links = vec![
        web.link("blog/1", b, "/blog/1"),
        web.link("/blog/2", b, "/blog/2"),
    ];
    web.page(b, "/", links);
    let links = vec![web.link("2", b, "/blog/2"), web.link("../", b, "/")];
    web.page(b, "/blog/1", links);
    let links = vec![
        web.abs(a, "/secret"),
        web.link("3", b, "/blog/3"),
        Link {
            href: "https://example.org/elsewhere".to_string(),
            target: None,
        },
    ];
    web.page(b, "/blog/2", links);
    web.page(a, "/secret", vec![]);
    // Never linked: a crawler that finds it invented a link.
    web.page(a, "/orphan", vec![web.link("/", a, "/")]);
    for spec in web.pages.values_mut() {
        spec.latency = Duration::from_millis(5);
    }
    web
}

/// `/s{dir}/p{n}` of a random-web page.
fn random_path(dir: usize, n: usize) -> String {
    format!("/s{dir}/p{n}")
}

/// An href from `from` (host, path) to `to` in a randomly chosen form that
/// resolves to `to`.
fn href_between(
    web: &Web,
    rng: &mut impl Rng,
    from: &(usize, String),
    to: &(usize, String),
) -> Link {
    let dir_of = |path: &str| path[..path.rfind('/').unwrap_or(0) + 1].to_string();
    let file_of = |path: &str| path[path.rfind('/').map_or(0, |i| i + 1)..].to_string();
    let mut forms = vec![web.url(to.0, &to.1)];
    if from.0 == to.0 {
        forms.push(to.1.clone());
        forms.push(format!("{}#frag{}", to.1, rng.random_range(0..9)));
        let (from_dir, to_dir) = (dir_of(&from.1), dir_of(&to.1));
        if from_dir == to_dir {
            forms.push(file_of(&to.1));
            forms.push(format!("./{}", file_of(&to.1)));
        } else if from_dir != "/" {
            // from /sX/ to /sY/pN or to /: one level up.
            forms.push(format!("..{}", to.1));
        } else {
            // from / to /sY/pN.
            forms.push(to.1.trim_start_matches('/').to_string());
        }
    }
    let href = forms.choose(rng).unwrap().clone();
    web.link(&href, to.0, &to.1)
}

/// A seeded random web over the given hosts: 25 to 45 pages in a few
/// directories, random links in every form, repeated links, links to missing
/// pages, unreachable pages, and a few pages that fail once before they work.
pub fn random(hosts: Vec<String>, rng: &mut impl Rng) -> Web {
    let mut web = Web::new(hosts);
    let n = rng.random_range(25..=45);
    let mut keys: Vec<(usize, String)> = vec![(0, "/".to_string())];
    for i in 1..n {
        let host = rng.random_range(0..web.hosts.len());
        keys.push((host, random_path(rng.random_range(0..3), i)));
    }
    for key in &keys {
        let mut links = Vec::new();
        for _ in 0..rng.random_range(0..=5) {
            let to = keys.choose(rng).unwrap().clone();
            links.push(href_between(&web, rng, key, &to));
        }
        if rng.random_bool(0.15) {
            let missing = (
                key.0,
                format!(
                    "/s{}/gone{}",
                    rng.random_range(0..3),
                    rng.random_range(0..99)
                ),
            );
            links.push(href_between(&web, rng, key, &missing));
        }
        if !links.is_empty() && rng.random_bool(0.3) {
            let again = links.choose(rng).unwrap().clone();
            links.push(again);
        }
        let spec = web.page(key.0, &key.1, links);
        spec.latency = Duration::from_millis(rng.random_range(0..12));
        if key.1 != "/" && rng.random_bool(0.1) {
            spec.behaviour = Behaviour::FailFirst(1, Failure::Unavailable);
        }
    }
    web
}
