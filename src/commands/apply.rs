//! Runs a [`Plan`] step by step with progress, and says what was done.
//!
//! Every step is idempotent and files are written atomically, so when a
//! step fails the report names what is already in place, and running
//! `init` again skips it and finishes the job.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::client::{self, Client};
use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite};
use crate::htpasswd::{DEFAULT_COST, Htpasswd};
use crate::layout::RegistryDir;
use crate::pki::{self, CaOptions, LoadedCa, ServerOptions};
use crate::plan::{Action, Change, PasswordOrigin, Plan, ProvidedTls, generated_password_file};
use crate::render::{self, Inputs, What};
use crate::selftest;
use crate::service::{self, Detached};
use crate::setup::{Setup, Target, TlsMode};

/// What `apply` needs beyond the plan: the secrets, which never enter it.
pub(super) struct ApplyContext<'a> {
    pub setup: &'a Setup,
    pub layout: &'a RegistryDir,
    pub templates: Option<&'a Path>,
    pub exe: &'a Path,
    /// Passwords of new users.
    pub passwords: BTreeMap<String, String>,
    /// A user and password the self-test logs in with.
    pub self_test_login: Option<(String, String)>,
    pub http_secret: &'a str,
}

/// What happened, for the summary.
#[derive(Default)]
pub(super) struct Report {
    pub generated: Vec<(String, String)>,
    pub self_test: Vec<selftest::Passed>,
    pub login_skipped: bool,
}

fn spinner(title: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(title.to_string());
    pb.enable_steady_tick(Duration::from_millis(100));
    pb
}

fn ms(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Runs every step that changes something; stops at the first failure
/// with a report of what is already done.
pub(super) fn run(plan: &Plan, ctx: &ApplyContext<'_>) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let total = plan.steps.len();
    let mut done: Vec<String> = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let title = format!("[{}/{total}] {}", i + 1, step.action);
        if step.change == Change::Keep {
            crate::ui::outln!("{title}: unchanged");
            continue;
        }
        let pb = spinner(&title);
        let started = Instant::now();
        let outcome = pb.suspend(|| execute(&step.action, ctx, &mut report));
        pb.finish_and_clear();
        match outcome {
            Ok(()) => {
                crate::ui::outln!("{title}: done ({})", ms(started.elapsed()));
                done.push(format!("{}. {}", i + 1, step.action));
            }
            Err(e) => {
                let what_is_done = if done.is_empty() {
                    "nothing was changed".to_string()
                } else {
                    format!("already done:\n  {}", done.join("\n  "))
                };
                return Err(e.context(format!(
                    "step {}/{total} failed ({}); {what_is_done}\nfix the cause and run `regctl init` again: it keeps what is done and finishes the rest",
                    i + 1,
                    step.action
                )));
            }
        }
    }
    Ok(report)
}

fn execute(action: &Action, ctx: &ApplyContext<'_>, report: &mut Report) -> anyhow::Result<()> {
    let layout = ctx.layout;
    match action {
        Action::CreateCa {
            common_name,
            key_type,
            days,
        } => {
            let pair = pki::issue::new_ca(&CaOptions {
                common_name: common_name.clone(),
                key_type: *key_type,
                days: *days,
            })?;
            // The key first: a CA certificate without its key is useless.
            write(&layout.ca_key(), pair.key_pem.as_bytes(), MODE_SECRET)?;
            write(&layout.ca_cert(), pair.cert_pem.as_bytes(), MODE_PUBLIC)?;
        }
        Action::IssueServerCert {
            sans,
            key_type,
            days,
        } => {
            let ca = LoadedCa::load(
                &fsutil::read_to_string(&layout.ca_cert())?,
                &fsutil::read_to_string(&layout.ca_key())?,
            )
            .with_context(|| format!("cannot use the CA in {}", layout.certs().display()))?;
            let pair = ca.issue_server(&ServerOptions {
                sans: sans.clone(),
                key_type: *key_type,
                days: *days,
            })?;
            write(&layout.server_key(), pair.key_pem.as_bytes(), MODE_SECRET)?;
            write(&layout.server_cert(), pair.cert_pem.as_bytes(), MODE_PUBLIC)?;
            let chain = format!("{}{}", pair.cert_pem, ca.cert_pem());
            write(&layout.server_fullchain(), chain.as_bytes(), MODE_PUBLIC)?;
        }
        Action::ImportTls(p) => import_tls(layout, p)?,
        Action::KubernetesCsr {
            sans,
            key_type,
            days,
            request,
        } => {
            let opts = pki::csr::CsrOptions {
                sans: sans.clone(),
                key_type: *key_type,
                signer: request.signer.clone(),
                node: request.node.clone(),
                days: *days,
            };
            let kubectl = crate::kube::Kubectl {
                flags: request.kubectl.clone(),
            };
            let name = crate::kube::request_name(&sans[0].to_string())?;
            let signed = crate::kube::sign(
                &kubectl,
                &name,
                &opts,
                request.approve,
                Duration::from_secs(300),
                None,
                |line| crate::ui::outln!("  {line}"),
            )?;
            write(&layout.server_key(), signed.key_pem.as_bytes(), MODE_SECRET)?;
            write(
                &layout.server_cert(),
                signed.cert_pem.as_bytes(),
                MODE_PUBLIC,
            )?;
            let chain = format!("{}{}", signed.cert_pem, signed.ca_pem);
            write(&layout.server_fullchain(), chain.as_bytes(), MODE_PUBLIC)?;
            write(&layout.ca_cert(), signed.ca_pem.as_bytes(), MODE_PUBLIC)?;
        }
        Action::AddUser { user, origin } => {
            let password = ctx
                .passwords
                .get(user)
                .with_context(|| format!("no password for the new user {user}"))?;
            let mut file = Htpasswd::load(&layout.htpasswd(), true)?;
            file.set(user, password, DEFAULT_COST)?;
            file.save(&layout.htpasswd())?;
            if *origin == PasswordOrigin::Generated {
                let path = layout.root().join(generated_password_file(user));
                write(&path, format!("{password}\n").as_bytes(), MODE_SECRET)?;
                report
                    .generated
                    .push((user.clone(), path.display().to_string()));
            }
        }
        Action::WriteFile {
            path,
            mode,
            contents,
        } => write(&layout.root().join(path), contents.as_bytes(), *mode)?,
        Action::RenderKubernetes => {
            let inputs = Inputs {
                setup: ctx.setup,
                dir: layout.root(),
                templates: ctx.templates,
                http_secret: ctx.http_secret.to_string(),
                pull: ctx.self_test_login.clone(),
            };
            let files = render::render(&inputs, What::K8s)?;
            render::write(layout.root(), &files)?;
            render::remove_stale_k8s(layout.root(), &files)?;
        }
        Action::InstallTrust {
            stores,
            root,
            registry,
            insecure,
        } => super::trust::install_ca(layout, root, registry, stores, *insecure)?,
        Action::InsecureAdvice { .. } => {}
        Action::StartDetached { restart } => start_detached(ctx, *restart)?,
        Action::StartSystemd { restart } => start_systemd(ctx, *restart)?,
        Action::RunCommand { argv, cwd } => {
            std::fs::create_dir_all(layout.root().join(&ctx.setup.storage.data_dir))?;
            run_command(argv, cwd)?
        }
        Action::BuildImage { tag } => {
            let dir = tempfile::tempdir()?;
            crate::image::write_context(ctx.exe, dir.path())?;
            run_command(
                &[
                    "docker".into(),
                    "build".into(),
                    "-q".into(),
                    "-t".into(),
                    tag.clone(),
                    dir.path().display().to_string(),
                ],
                dir.path(),
            )?;
        }
        Action::ChownForContainer { uid } => chown_for_container(ctx, *uid)?,
        Action::WaitHealthy => wait_healthy(ctx)?,
        Action::SelfTest => self_test(ctx, report)?,
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    fsutil::write_atomic(path, bytes, mode, Overwrite::Replace)?;
    Ok(())
}

fn chown_for_container(ctx: &ApplyContext<'_>, uid: u32) -> anyhow::Result<()> {
    let layout = ctx.layout;
    let data = layout.root().join(&ctx.setup.storage.data_dir);
    std::fs::create_dir_all(&data)?;
    let mut paths = vec![layout.config(), layout.htpasswd(), layout.server_key()];
    let mut stack = vec![data];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for entry in std::fs::read_dir(&p)? {
                stack.push(entry?.path());
            }
        }
        paths.push(p);
    }
    for p in paths.iter().filter(|p| p.exists()) {
        std::os::unix::fs::lchown(p, Some(uid), Some(uid))
            .with_context(|| format!("handing {} to uid {uid}", p.display()))?;
    }
    Ok(())
}

fn import_tls(layout: &RegistryDir, p: &ProvidedTls) -> anyhow::Result<()> {
    let chain = fsutil::read(&p.cert)?;
    let ders = pki::certs_from_bytes(&chain)?;
    let key = fsutil::read(&p.key)?;
    let ca = fsutil::read(&p.ca)?;
    write(&layout.server_key(), &key, MODE_SECRET)?;
    write(
        &layout.server_cert(),
        pki::certs_to_pem(&ders[..1]).as_bytes(),
        MODE_PUBLIC,
    )?;
    write(&layout.server_fullchain(), &chain, MODE_PUBLIC)?;
    write(&layout.ca_cert(), &ca, MODE_PUBLIC)?;
    Ok(())
}

fn start_detached(ctx: &ApplyContext<'_>, restart: bool) -> anyhow::Result<()> {
    let svc = Detached::new(ctx.layout.root());
    if restart && let Some(pid) = svc.stop(Duration::from_secs(15))? {
        crate::ui::outln!("  stopped the running registry (pid {pid})");
    }
    std::fs::create_dir_all(ctx.layout.root().join(&ctx.setup.storage.data_dir))?;
    let pid = svc.start(ctx.exe, &ctx.layout.config())?;
    crate::ui::outln!(
        "  regctl serve runs as pid {pid}; log: {}",
        svc.log_file().display()
    );
    Ok(())
}

fn start_systemd(ctx: &ApplyContext<'_>, restart: bool) -> anyhow::Result<()> {
    let binary = Path::new(&ctx.setup.systemd.binary);
    let same = std::fs::canonicalize(binary).ok() == std::fs::canonicalize(ctx.exe).ok();
    if !same {
        let bytes = std::fs::read(ctx.exe).context("reading the regctl binary")?;
        fsutil::write_atomic(binary, &bytes, 0o755, Overwrite::Replace)
            .with_context(|| format!("installing regctl as {}", binary.display()))?;
    }
    let unit = fsutil::read(&ctx.layout.root().join(service::UNIT))?;
    write(Path::new(service::UNIT_PATH), &unit, MODE_PUBLIC)?;
    run_command(
        &["systemctl".into(), "daemon-reload".into()],
        ctx.layout.root(),
    )?;
    std::fs::create_dir_all(ctx.layout.root().join(&ctx.setup.storage.data_dir))?;
    let verb: &[&str] = if restart {
        &["restart"]
    } else {
        &["enable", "--now"]
    };
    let mut argv: Vec<String> = vec!["systemctl".into()];
    argv.extend(verb.iter().map(|s| s.to_string()));
    argv.push(service::UNIT.into());
    run_command(&argv, ctx.layout.root())
}

fn run_command(argv: &[String], cwd: &Path) -> anyhow::Result<()> {
    let line = argv.join(" ");
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(cwd)
        .output()
        .with_context(|| format!("running `{line}` (is {} installed?)", argv[0]))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!("`{line}` failed ({}): {}", out.status, err.trim());
    }
    Ok(())
}

/// The client the self-test and the health wait use: it dials this
/// machine but verifies the certificate for the name clients use.
pub(super) fn local_client(s: &Setup, layout: &RegistryDir) -> anyhow::Result<Client> {
    let tls = match s.tls {
        TlsMode::None => None,
        _ => Some(client::tls_config(&layout.ca_cert())?),
    };
    let name = s
        .hosts
        .first()
        .cloned()
        .unwrap_or_else(|| "localhost".into());
    Ok(Client::new(
        format!("127.0.0.1:{}", s.port),
        name,
        s.port,
        tls,
    ))
}

pub(super) fn block_on<F: std::future::Future>(f: F) -> anyhow::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f))
}

fn wait_healthy(ctx: &ApplyContext<'_>) -> anyhow::Result<()> {
    let client = local_client(ctx.setup, ctx.layout)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let detached = Detached::new(ctx.layout.root());
    let local_detached = ctx.setup.target == Target::Local && !service::systemd_running();
    loop {
        let answer = block_on(client.send("GET", "/v2/", &[], bytes::Bytes::new()))?;
        match answer {
            Ok(r) if matches!(r.status, 200 | 401) => return Ok(()),
            Ok(r) => bail!("/v2/ answered {} instead of 200 or 401", r.status),
            Err(e) => {
                if local_detached && !matches!(detached.state(), service::State::Running(_)) {
                    let tail = detached.tail(15).unwrap_or_default();
                    bail!(
                        "regctl serve exited; the end of {}:\n{tail}",
                        detached.log_file().display()
                    );
                }
                if Instant::now() > deadline {
                    return Err(anyhow::Error::new(e)
                        .context("the registry did not answer on /v2/ within 60 s"));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn print_step(p: &selftest::Passed) {
    crate::ui::outln!(
        "    ok  {:<26} {:>8}{}",
        p.step,
        ms(p.elapsed),
        p.note
            .as_deref()
            .map(|n| format!("  ({n})"))
            .unwrap_or_default()
    );
}

fn self_test(ctx: &ApplyContext<'_>, report: &mut Report) -> anyhow::Result<()> {
    let anonymous = local_client(ctx.setup, ctx.layout)?;
    let auth = ctx.layout.htpasswd().exists();
    let client = match &ctx.self_test_login {
        Some((user, pw)) => anonymous.clone().with_basic_auth(user, pw),
        None if auth => {
            report.login_skipped = true;
            // Without a known password only the anonymous part can run.
            let passed = block_on(selftest::check_challenge(&anonymous, true, &mut print_step))??;
            report.self_test.extend(passed);
            return Ok(());
        }
        None => anonymous.clone(),
    };
    let passed = block_on(selftest::run(&client, &anonymous, auth, print_step))??;
    report.self_test = passed;
    Ok(())
}

/// The closing summary: where things are and exactly what to type next.
pub(super) fn summary(ctx: &ApplyContext<'_>, report: &Report, plan: &Plan) {
    let s = ctx.setup;
    let host = s.registry_host();
    let root = ctx.layout.root().display();
    let scheme = if s.tls == TlsMode::None {
        "http"
    } else {
        "https"
    };
    crate::ui::outln!();
    crate::ui::outln!("Registry: {scheme}://{host}   (files in {root})");
    if !report.self_test.is_empty() {
        let total: Duration = report.self_test.iter().map(|p| p.elapsed).sum();
        crate::ui::outln!(
            "Self-test passed: {} steps in {}{}",
            report.self_test.len(),
            ms(total),
            if report.login_skipped {
                " (login not tested: the password is not known to this run; pass --password-stdin)"
            } else {
                ""
            }
        );
    }
    for (user, file) in &report.generated {
        if let Some(pw) = ctx.passwords.get(user) {
            crate::ui::outln!(
                "Generated password for {user} (shown once, kept in {file}, 0600): {pw}"
            );
        }
    }
    let user = s.users.first().map(String::as_str).unwrap_or("USER");
    crate::ui::outln!();
    crate::ui::outln!("Next:");
    match s.target {
        Target::Kubernetes => {
            crate::ui::outln!("  kubectl apply -k {root}/k8s");
            crate::ui::outln!(
                "  kubectl -n {ns} create secret docker-registry regctl-registry-pull --docker-server={host} --docker-username={user} --docker-password-stdin",
                ns = s.kubernetes.namespace
            );
            if s.tls == TlsMode::KubernetesCsr {
                crate::ui::outln!(
                    "  The certificate is signed by the cluster CA, which container runtimes do not trust by default: k8s/node-trust.yaml installs it on every node."
                );
            } else if s.tls != TlsMode::None {
                crate::ui::outln!(
                    "  Nodes' container runtimes must trust certs/ca.crt: k8s/node-trust.yaml (a DaemonSet) installs it into /etc/containerd/certs.d/{host}/ on every node."
                );
            }
        }
        _ => {
            crate::ui::outln!("  docker login {host} -u {user}");
            crate::ui::outln!("  docker tag IMAGE {host}/IMAGE");
            crate::ui::outln!("  docker push {host}/IMAGE");
        }
    }
    if s.tls != TlsMode::None && s.target != Target::Kubernetes {
        let trusted = plan
            .steps
            .iter()
            .any(|st| matches!(st.action, Action::InstallTrust { .. }));
        if !trusted {
            crate::ui::outln!(
                "  Other machines: copy {root}/certs/ca.crt and run `regctl trust install --registry {host} --ca ca.crt` there (or put it in /etc/docker/certs.d/{host}/ca.crt)."
            );
        } else {
            crate::ui::outln!(
                "  Other machines: `regctl trust install --registry {host} --ca ca.crt` with a copy of {root}/certs/ca.crt."
            );
        }
    }
    if s.tls == TlsMode::None {
        crate::ui::outln!(
            "  WARNING: plain HTTP sends passwords and images in clear text. Every client must list {host} as insecure: Docker \"insecure-registries\": [\"{host}\"] in /etc/docker/daemon.json, containerd hosts.toml with server = \"http://{host}\"."
        );
    }
    if s.target == Target::Local {
        crate::ui::outln!("  regctl status | logs | stop | start   (with --dir {root})");
    }
}
