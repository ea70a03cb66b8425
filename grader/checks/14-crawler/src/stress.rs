//! Crawls under the facade's stress instrumentation: every lock, wait,
//! notify, thread start and join of the answer may pause (seeded), and its
//! condition-variable waits wake up spuriously now and then, so a frontier
//! or visited set checked and changed in two critical sections, an `if`
//! around a wait, or a lost wake-up shows up in a run instead of once in a
//! thousand. The server is the judge, as everywhere in this exercise.

use std::time::Duration;

use rand::Rng;
use threadlings::instrument::{self, Config};
use threadlings_kit::race;
use threadlings_kit::{CheckResult, Ctx, ensure, t};

use crate::server::Probes;
use crate::{CRAWL_LIMIT, compare, config, requests_per_url, run_crawl, serve, web};

/// Three seeded random webs on 2 hosts, with politeness (2 ms), crawled
/// with random pauses: exactly the reachable pages, each requested the
/// expected number of times.
pub fn crawl_stress(ctx: &mut Ctx) -> CheckResult {
    let seed: u64 = ctx.rng().random();
    let replay = race::replay_command(ctx);
    let rounds: Vec<(usize, u64)> = (0..3)
        .map(|_| (ctx.rng().random_range(2..=6), ctx.rng().random()))
        .collect();
    instrument::enable(Config::stress(seed));
    let outcome = (|| -> CheckResult {
        for (round, &(max_in_flight, web_seed)) in rounds.iter().enumerate() {
            let (web, server) = serve(
                2,
                |hosts| {
                    use rand::SeedableRng;
                    web::random(hosts, &mut rand::rngs::StdRng::seed_from_u64(web_seed))
                },
                Probes::default(),
            )?;
            let config = crawler::CrawlConfig {
                politeness: Some(Duration::from_millis(2)),
                ..config(max_in_flight)
            };
            let (number, pages, seed) = (round + 1, web.pages.len(), ctx.seed());
            let what = t!(
                "random web {number} of 3 ({pages} pages on 2 hosts, max_in_flight = \
                 {max_in_flight}, politeness 2 ms) crawled with random pauses at every lock, wait \
                 and notify (seed {seed}; {replay})",
                "모든 lock/wait/notify에서 무작위로 멈추며 크롤링한 무작위 웹 {number}/3(호스트 \
                 2개에 페이지 {pages}개, max_in_flight = {max_in_flight}, politeness 2 ms) \
                 (시드 {seed}; {replay})"
            );
            let (report, _) = run_crawl(&server, web.root_url(), &config, CRAWL_LIMIT)?;
            compare(&report, &web.expected(config.max_retries), &what)?;
            let per = requests_per_url(&server, &server.log());
            for (url, want) in web.expected_requests(config.max_retries) {
                let got = per.get(&url).map_or(0, Vec::len);
                ensure!(
                    got as u32 == want,
                    t!(
                        "{what}: {url} was requested {got} time(s), expected {want}",
                        "{what}: {url}이(가) {got}번 요청되었습니다. 예상은 {want}번입니다"
                    )
                );
            }
        }
        Ok(())
    })();
    instrument::disable();
    outcome
}
