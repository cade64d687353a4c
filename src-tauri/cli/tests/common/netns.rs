//! A network namespace of the test's own (`ip netns add`, loopback up), deleted when
//! dropped: where a test may firewall paths with iptables without touching the machine's.
//! Tests run as root (as CI does).

use std::process::Command;

pub struct Namespace(pub String);

impl Namespace {
    /// A fresh namespace named after `prefix`, this process and a free port.
    pub fn new(prefix: &str) -> Namespace {
        let name = format!(
            "ls-{prefix}-{}-{}",
            std::process::id(),
            super::peers::free_tcp_port()
        );
        ip(&["netns", "add", &name]);
        let ns = Namespace(name);
        ip(&["-n", &ns.0, "link", "set", "lo", "up"]);
        ns
    }

    /// A command that runs `program` inside the namespace.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.0, program]);
        command
    }

    /// Runs `program args` inside and insists it succeeds (an iptables rule, say).
    pub fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().expect("ip runs");
        assert!(
            out.status.success(),
            "{program} {args:?} in {}: {}",
            self.0,
            super::text(&out.stderr)
        );
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// `ip ARGS`, which must succeed.
pub fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("ip runs");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        super::text(&out.stderr)
    );
}
