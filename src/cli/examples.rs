//! The "Examples:" sections of `--help`: the commands people type most,
//! exactly as they type them.

pub(super) const INIT: &str = "\
Examples:
  regctl init                                    # a wizard on a terminal, eight steps
  regctl init --yes                              # no questions: the defaults
  echo \"$PW\" | regctl init --yes --host registry.example.lan --user ci --password-stdin
  regctl init --yes --target compose --store docker
  regctl init --yes --target kubernetes --tls kubernetes-csr --approve --apply
  regctl init --dry-run --port 5443              # show the plan for a change, change nothing";

pub(super) const USER: &str = "\
Examples:
  regctl user add alice                          # hidden prompt, asked twice
  echo \"$PW\" | regctl user add ci --password-stdin
  regctl user add bot --generate-password
  regctl user passwd alice
  regctl user remove bot
  regctl user list --json";

pub(super) const CERT_ISSUE: &str = "\
Examples:
  regctl cert issue                              # the hosts in DIR/regctl.yaml
  regctl cert issue --host registry.example.lan --host 192.168.0.12
  regctl cert issue --ca corp-ca.crt --ca-key corp-ca.key
  regctl cert issue --kubernetes --approve --context kind-kind";

pub(super) const TRUST_INSTALL: &str = "\
Examples:
  sudo regctl trust install                      # the stores and hosts in DIR/regctl.yaml
  sudo regctl trust install --host registry.example.lan:5000 --ca ca.crt --store docker
  regctl trust install --per-user --store podman # no root: this user's stores
  regctl trust install --root /tmp/node-image --dry-run";
