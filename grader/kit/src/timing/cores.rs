//! How many cores this process may really use: `available_parallelism`
//! (which honours affinity and cgroup quotas), plus the affinity mask and the
//! cgroup CPU quota read directly, so a skip can say why.

use std::fs;
use std::path::{Path, PathBuf};

use threadlings_schema::report::MachineCores;

/// The cores this process may use, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Cores {
    /// `std::thread::available_parallelism()`.
    pub available: usize,
    /// CPUs in this thread's affinity mask (`taskset`), if readable.
    pub affinity: Option<usize>,
    /// Cores' worth of CPU time the cgroup quota allows (`cpu.max` in cgroup
    /// v2, `cpu.cfs_quota_us / cpu.cfs_period_us` in v1), the tightest along
    /// the cgroup's ancestors; `None` without a quota.
    pub quota: Option<f64>,
}

impl Cores {
    /// Whole cores usable at once: the smallest of the three, at least 1.
    pub fn usable(&self) -> usize {
        let mut usable = self.available;
        if let Some(affinity) = self.affinity {
            usable = usable.min(affinity);
        }
        if let Some(quota) = self.quota {
            usable = usable.min(quota.floor() as usize);
        }
        usable.max(1)
    }

    /// For messages: `1 usable core (affinity 1 CPU, no CPU quota)` (the
    /// English of the report's data, sent with its Korean).
    pub fn describe(&self) -> String {
        crate::words::both(self.to_data().to_english(), self.describe_ko())
    }

    /// [`Cores::describe`] in Korean, as the grader words the same data.
    pub(crate) fn describe_ko(&self) -> String {
        let affinity = match self.affinity {
            Some(n) => format!("affinity CPU {n}개"),
            None => "affinity 알 수 없음".to_string(),
        };
        let quota = match self.quota {
            Some(q) => format!("cgroup CPU 할당량 {q:.2}코어"),
            None => "CPU 할당량 없음".to_string(),
        };
        format!(
            "사용 가능한 코어 {}개({affinity}, {quota}, available_parallelism {})",
            self.usable(),
            self.available
        )
    }

    /// The cores as a report's data.
    pub fn to_data(&self) -> MachineCores {
        MachineCores {
            usable: self.usable(),
            available: self.available,
            affinity: self.affinity,
            quota: self.quota,
        }
    }
}

/// The cores this process may use now.
pub fn cores() -> Cores {
    Cores {
        available: std::thread::available_parallelism().map_or(1, |n| n.get()),
        affinity: affinity(),
        quota: cgroup_quota(),
    }
}

fn affinity() -> Option<usize> {
    // SAFETY: `set` is a plain bitmask the kernel fills in; zeroed is valid.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        Some(libc::CPU_COUNT(&set) as usize)
    }
}

/// The tightest CPU quota over cgroup v2 and v1 hierarchies, in cores.
pub fn cgroup_quota() -> Option<f64> {
    let cgroups = fs::read_to_string("/proc/self/cgroup").ok()?;
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mut best: Option<f64> = None;
    let mut consider = |quota: Option<f64>| {
        if let Some(q) = quota {
            best = Some(best.map_or(q, |b: f64| b.min(q)));
        }
    };
    for line in cgroups.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if controllers.is_empty() {
            if let Some((root, mount)) = mount_of(&mountinfo, |fs, _| fs == "cgroup2") {
                consider(walk(&mount, &root, path, v2_quota));
            }
        } else if controllers.split(',').any(|c| c == "cpu")
            && let Some((root, mount)) = mount_of(&mountinfo, |fs, options| {
                fs == "cgroup" && options.split(',').any(|o| o == "cpu")
            })
        {
            consider(walk(&mount, &root, path, v1_quota));
        }
    }
    best
}

/// `(root inside the hierarchy, mount point)` of the first matching mount.
fn mount_of(mountinfo: &str, matches: impl Fn(&str, &str) -> bool) -> Option<(String, PathBuf)> {
    mountinfo.lines().find_map(|line| {
        let (left, right) = line.split_once(" - ")?;
        let left: Vec<&str> = left.split(' ').collect();
        let right: Vec<&str> = right.split(' ').collect();
        let (fs_type, options) = (right.first()?, right.get(2).unwrap_or(&""));
        if !matches(fs_type, options) {
            return None;
        }
        Some((left.get(3)?.to_string(), PathBuf::from(left.get(4)?)))
    })
}

/// The tightest quota from the process's cgroup up to the mount's root.
fn walk(mount: &Path, root: &str, path: &str, read: fn(&Path) -> Option<f64>) -> Option<f64> {
    let relative = path
        .strip_prefix(root)
        .unwrap_or(path)
        .trim_start_matches('/');
    let mut dir = mount.join(relative);
    let mut best: Option<f64> = None;
    loop {
        if let Some(q) = read(&dir) {
            best = Some(best.map_or(q, |b: f64| b.min(q)));
        }
        if dir == mount || !dir.pop() || !dir.starts_with(mount) {
            break;
        }
    }
    best
}

fn v2_quota(dir: &Path) -> Option<f64> {
    let text = fs::read_to_string(dir.join("cpu.max")).ok()?;
    let mut parts = text.split_whitespace();
    let quota = parts.next()?;
    let period: f64 = parts.next()?.parse().ok()?;
    if quota == "max" || period <= 0.0 {
        return None;
    }
    Some(quota.parse::<f64>().ok()? / period)
}

fn v1_quota(dir: &Path) -> Option<f64> {
    let quota: f64 = fs::read_to_string(dir.join("cpu.cfs_quota_us"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let period: f64 = fs::read_to_string(dir.join("cpu.cfs_period_us"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (quota > 0.0 && period > 0.0).then(|| quota / period)
}

/// Seconds of CPU time this process used so far (all threads).
pub fn process_cpu_time() -> std::time::Duration {
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) != 0 {
            return std::time::Duration::ZERO;
        }
        std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
}
