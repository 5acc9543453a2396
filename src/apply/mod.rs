//! Runs a [`Plan`] step by step with progress, and says what was done.
//!
//! Every step is idempotent and files are written atomically, so when a
//! step fails the report names what is already in place, and running
//! `init` again skips it and finishes the job.

mod start;
mod summary;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite, Owner};
use crate::htpasswd::{DEFAULT_COST, Htpasswd};
use crate::layout::RegistryDir;
use crate::pki::{self, CaOptions, ServerOptions};
use crate::plan::{Action, Change, PasswordOrigin, Plan, ProvidedTls};
use crate::render::{self, Inputs, What};
use crate::selftest;
use crate::setup::Setup;
use crate::ui::{self, outln};
pub(crate) use summary::summary;

/// What `apply` needs beyond the plan: the secrets, which never enter it.
pub(crate) struct ApplyContext<'a> {
    pub setup: &'a Setup,
    pub layout: &'a RegistryDir,
    pub templates: Option<&'a Path>,
    pub exe: &'a Path,
    /// Passwords of new users.
    pub passwords: BTreeMap<String, String>,
    /// A user and password the self-test logs in with.
    pub self_test_login: Option<(String, String)>,
    pub http_secret: &'a str,
    /// Where the signer's CA comes from for `tls: kubernetes-csr`.
    pub signer_ca: Option<String>,
}

/// What happened, for the summary.
#[derive(Default)]
pub(crate) struct Report {
    pub generated: Vec<(String, String)>,
    pub self_test: Vec<selftest::Passed>,
    pub login_skipped: bool,
    /// The registry was started (or restarted) by this run.
    pub started: bool,
    /// `kubectl apply -k` ran.
    pub applied: bool,
    /// Trust was installed into these stores.
    pub trusted: Vec<String>,
}

/// Runs every step that changes something; stops at the first failure
/// with a report of what is already done.
pub(crate) fn run(plan: &Plan, ctx: &ApplyContext<'_>) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let total = plan.steps.len();
    let mut done: Vec<String> = Vec::new();
    let mut written: Vec<(std::path::PathBuf, Vec<u8>)> = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        let title = format!("[{}/{total}] {}", i + 1, step.action);
        if step.change == Change::Keep {
            outln!("{title}: unchanged");
            continue;
        }
        let spinner = ui::Spinner::start(&title);
        let started = Instant::now();
        let outcome = spinner.suspend(|| execute(&step.action, ctx, &mut report, &mut written));
        spinner.finish();
        match outcome {
            Ok(()) => {
                outln!("{title}: done ({})", ui::duration(started.elapsed()));
                done.push(format!("{}. {}", i + 1, step.action));
            }
            Err(e) => {
                record_written(ctx.layout, &written);
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
    record_written(ctx.layout, &written);
    Ok(report)
}

/// The generated files' checksums, so a later run tells a hand edit from
/// a file as regctl left it.
fn record_written(layout: &RegistryDir, written: &[(std::path::PathBuf, Vec<u8>)]) {
    if written.is_empty() {
        return;
    }
    if let Err(e) = render::record_sums(
        layout,
        written.iter().map(|(p, b)| (p.as_path(), b.as_slice())),
    ) {
        ui::warn(format_args!(
            "cannot record the generated files' checksums: {e}"
        ));
    }
}

fn execute(
    action: &Action,
    ctx: &ApplyContext<'_>,
    report: &mut Report,
    written: &mut Vec<(std::path::PathBuf, Vec<u8>)>,
) -> anyhow::Result<()> {
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
            let ca = crate::certs::load_dir_ca(layout)?;
            let pair = ca.issue_server(&ServerOptions {
                sans: sans.clone(),
                key_type: *key_type,
                days: *days,
            })?;
            crate::certs::write_server(layout, &pair.key_pem, &pair.cert_pem, ca.cert_pem())?;
        }
        Action::ImportTls(p) => import_tls(layout, p)?,
        Action::KubernetesCsr {
            sans,
            key_type,
            days,
            request,
        } => {
            let csr = &ctx.setup.kubernetes.csr;
            let signed = crate::certs::sign_with_cluster(
                layout,
                &ctx.setup.kubernetes.kubectl(),
                &crate::certs::ClusterSigning {
                    sans: sans.clone(),
                    key_type: *key_type,
                    days: *days,
                    signer: request.signer.clone(),
                    node: request.node.clone(),
                    approve: request.approve,
                    timeout: Duration::from_secs(csr.timeout),
                    signer_ca: ctx.signer_ca.clone(),
                    // The plan showed the CA being replaced; init keeps the
                    // old one aside rather than refusing half-way.
                    keep_own_ca_aside: true,
                },
            )?;
            signed.report();
        }
        Action::AddUser { user, origin } => {
            let password = ctx
                .passwords
                .get(user)
                .with_context(|| format!("no password for the new user {user}"))?;
            let mut file = Htpasswd::load(&layout.htpasswd(), true)?;
            file.set(user, password, DEFAULT_COST)?;
            if let Some(w) = crate::users::save_htpasswd(layout, ctx.setup, &file)? {
                ui::warn(w);
            }
            if *origin == PasswordOrigin::PullSecret {
                render::save_pull_credentials(layout, user, password)?;
            }
            if *origin == PasswordOrigin::Generated {
                let path = layout.generated_password(user);
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
            ..
        } => {
            fsutil::write_atomic_as(
                &layout.root().join(path),
                contents.as_bytes(),
                *mode,
                Overwrite::Replace,
                Owner::Keep,
            )?;
            written.push((path.clone(), contents.clone().into_bytes()));
        }
        Action::RenderKubernetes => {
            let inputs = Inputs {
                setup: ctx.setup,
                dir: layout.root(),
                templates: ctx.templates,
                http_secret: ctx.http_secret.to_string(),
                pull: render::pull_credentials(layout)?,
            };
            let files = render::render(&inputs, What::K8s)?;
            render::write_checked(layout, layout.root(), &files, false)?;
            render::remove_stale_k8s(layout.root(), &files)?;
        }
        Action::InstallTrust { stores, root, .. } => {
            crate::trust::request::install_for(layout, ctx.setup, stores, root)?;
            report.trusted = stores.iter().map(|s| s.name().to_string()).collect();
        }
        Action::InsecureAdvice { .. } => {}
        Action::StartDetached { restart } => {
            start::detached(ctx, *restart)?;
            report.started = true;
        }
        Action::StartSystemd { restart } => {
            start::systemd(ctx, *restart)?;
            report.started = true;
        }
        Action::RunCommand { argv, cwd } => {
            std::fs::create_dir_all(layout.data(ctx.setup))?;
            crate::lifecycle::run_tool(argv, cwd)?;
            if argv.iter().any(|a| a == "apply") {
                report.applied = true;
            } else {
                report.started = true;
            }
        }
        Action::BuildImage { tag } => {
            let dir = tempfile::tempdir()?;
            crate::image::write_context(ctx.exe, dir.path())?;
            crate::lifecycle::run_tool(
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
        Action::ChownForContainer { uid } => start::chown_for_container(ctx, *uid)?,
        Action::WaitHealthy => start::wait_healthy(ctx)?,
        Action::SelfTest => start::self_test(ctx, report)?,
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    fsutil::write_atomic_as(path, bytes, mode, Overwrite::Replace, Owner::Keep)?;
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
